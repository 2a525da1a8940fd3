using System;
using NetGen.Threading;

namespace NetGen.Execution;

/// <summary>
/// What a generated network whose training passes split the batch into sample slices exposes
/// to <see cref="SampleSlices"/>: one pass over one slice. <see cref="CompiledTrainableNetwork"/>
/// implements it explicitly (the generated class writes the slice code it calls); call
/// <c>TrainStep</c> and its companions instead.
/// </summary>
public interface ISampleSlices
{
    /// <summary>
    /// Runs pass <paramref name="pass"/> (<see cref="SamplePass.Forward"/>, <see cref="SamplePass.Backward"/>,
    /// <see cref="SamplePass.Repack"/>; with batch norms that train, 3, 5, ... the later forward phases and
    /// 4, 6, ... the later backward phases, each after the calling thread combined the slices'
    /// partials) over slice <paramref name="slice"/> of <paramref name="samples"/>
    /// samples: samples [slice x samples / slices, (slice + 1) x samples / slices); the repack
    /// takes a share of the layers instead. No checks.
    /// </summary>
    void RunSlice(int pass, int slice, int samples);
}

/// <summary>
/// Runs one training pass of a network as a fixed number of sample slices: on a pool's workers
/// when one is given (worker i takes a contiguous range of slices), else one slice after the
/// other on the calling thread. The slices, and so every sum inside them, are the same either
/// way: the network's results do not depend on the pool. Allocates nothing once the pool has
/// run this work type on the calling thread.
/// </summary>
public static class SampleSlices
{
    /// <summary>Runs every slice of pass <paramref name="pass"/> and returns when all are done.</summary>
    /// <param name="pool">The workers, or null for the calling thread alone.</param>
    /// <param name="network">The network.</param>
    /// <param name="pass">The pass, as the network numbers them.</param>
    /// <param name="slices">Slices of the batch (the network's constant).</param>
    /// <param name="samples">Samples in the batch (at least one).</param>
    public static void Run(WorkerPool? pool, ISampleSlices network, int pass, int slices, int samples)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfLessThan(slices, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        if (pool is null || pool.Workers == 1 || samples < 2)
        {
            for (int slice = 0; slice < slices; slice++)
            {
                network.RunSlice(pass, slice, samples);
            }
            return;
        }
        var work = new Work(network, pass, samples);
        pool.Run(slices, in work);
    }

    /// <summary>Whether slice <paramref name="slice"/> of <paramref name="samples"/> holds any (a slice of none is skipped).</summary>
    public static bool HasSamples(int slice, int slices, int samples) =>
        (long)(slice + 1) * samples / slices > (long)slice * samples / slices;

    private readonly struct Work : IRangeWork
    {
        private readonly ISampleSlices _network;
        private readonly int _pass;
        private readonly int _samples;

        public Work(ISampleSlices network, int pass, int samples) => (_network, _pass, _samples) = (network, pass, samples);

        public void Execute(int worker, int start, int end)
        {
            for (int slice = start; slice < end; slice++)
            {
                _network.RunSlice(_pass, slice, _samples);
            }
        }
    }
}
