using NetGen.Execution;
using NetGen.Threading;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>Training passes split into fixed sample slices: every slice runs once, and the pool changes no bit.</summary>
public class SampleSlicesTests
{
    private sealed class Recorder : ISampleSlices
    {
        public readonly int[] Runs = new int[4];

        public void RunSlice(int pass, int slice, int samples)
        {
            Assert.Equal(5, pass);
            Assert.Equal(9, samples);
            Interlocked.Increment(ref Runs[slice]);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_slice_runs_once_with_or_without_workers(int workers)
    {
        using var pool = workers == 0 ? null : new WorkerPool(workers);
        var recorder = new Recorder();
        SampleSlices.Run(pool, recorder, 5, 4, 9);
        Assert.Equal(new[] { 1, 1, 1, 1 }, recorder.Runs);
    }

    [Fact]
    public void Phase_passes_are_numbered_as_the_generated_code_names_them_and_decode_back()
    {
        // Forward phases 0, 1, 2: Forward, LaterPhases, LaterPhases + 2; backward: Backward, LaterPhases + 1, + 3.
        Assert.Equal(new[] { 0, 3, 5, 7 }, Enumerable.Range(0, 4).Select(SamplePass.ForwardPhase));
        Assert.Equal(new[] { 1, 4, 6, 8 }, Enumerable.Range(0, 4).Select(SamplePass.BackwardPhase));
        for (int phase = 0; phase < 6; phase++)
        {
            Assert.True(SamplePass.IsForward(SamplePass.ForwardPhase(phase), out int forward));
            Assert.Equal(phase, forward);
            Assert.False(SamplePass.IsForward(SamplePass.BackwardPhase(phase), out int backward));
            Assert.Equal(phase, backward);
        }
        Assert.NotEqual(SamplePass.Repack, SamplePass.ForwardPhase(1));
        Assert.NotEqual(SamplePass.Repack, SamplePass.BackwardPhase(1));
    }

    [Fact]
    public void A_slice_has_samples_unless_the_batch_is_smaller_than_the_slices()
    {
        // 1 sample in 2 slices: [0, 0) and [0, 1); 3 in 2: [0, 1) and [1, 3).
        Assert.False(SampleSlices.HasSamples(0, 2, 1));
        Assert.True(SampleSlices.HasSamples(1, 2, 1));
        Assert.True(SampleSlices.HasSamples(0, 2, 3));
        Assert.True(SampleSlices.HasSamples(1, 2, 3));
    }

    [Fact]
    public void Training_on_three_workers_and_an_odd_batch_gives_the_same_bits_as_one_thread()
    {
        using var pool = new WorkerPool(3);
        var alone = new MnistCnn(4, ExecutionMode.Training);
        var pooled = new MnistCnn(4, ExecutionMode.Training);
        pooled.UseWorkerPool(pool);
        var inputs = Cases.Random(7 * 784, 8);
        var labels = Enumerable.Range(0, 7).Select(i => (i * 3) % 10).ToArray();
        for (int step = 0; step < 2; step++)
            Assert.Equal(alone.TrainStep(inputs, labels).Loss, pooled.TrainStep(inputs, labels).Loss);
        var expected = new float[64 * 32 * 9];
        var actual = new float[64 * 32 * 9];
        alone.CopyGradient("conv2.weight", expected);
        pooled.CopyGradient("conv2.weight", actual);
        Assert.Equal(expected, actual);
        Assert.Equal(Cases.Parameters(alone)["dense_1.weight"], Cases.Parameters(pooled)["dense_1.weight"]);
    }
}
