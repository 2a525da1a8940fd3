using System;
using NetGen.Kernels;
using NetGen.Threading;

namespace NetGen.Execution;

/// <summary>
/// Splits one batch-1 layer over a <see cref="WorkerPool"/>'s workers by bands of output rows
/// (<see cref="Conv2D.TryRowBand"/>), or of output pixels where the pixel-tile kernel runs the layer
/// (<see cref="Conv2D.SuitsPixelTiles"/>), so a single sample uses every core. Worker i computes rows
/// [i * P / B, (i + 1) * P / B) of B bands with the kernel chosen for the whole layer, so the output
/// is bit-identical to one call on one thread. Worker 0 (the caller) uses the layer's own scratch; worker i &gt; 0 the
/// scratch at the same offset of its own copy of the network's memory (the per-worker memory an
/// inference instance allocates for batched Predict), so splitting allocates nothing.
/// Made once per pool by generated code (<c>UseWorkerPool</c>); a call allocates nothing once the
/// pool has run a band on the calling thread.
/// </summary>
public sealed unsafe partial class LayerBands
{
    /// <summary>
    /// The default <see cref="MinimumMultiplyAdds"/>: 1M multiply-adds is about 10 us of one core at
    /// 200 GFLOP/s, so a half saves about 5 us against a worker's wake-up of a few microseconds.
    /// On this project's shared 2-core machine under load (load average 11-21) splitting paid for no
    /// size (a 0.33M layer took 15 us split against 5 us whole, 2.2M 38 against 28 us): the
    /// crossover on a quiet machine is not measured yet.
    /// </summary>
    public const long DefaultMinimumMultiplyAdds = 1_000_000;

    private readonly NativeArena[] _workerMemory;
    private readonly long _workspaceOffset;
    private readonly int _workspaceFloats;

    /// <param name="pool">The workers; the calling thread is worker 0.</param>
    /// <param name="workerMemory">One arena per worker (index 0: the instance's own), each holding the convolution scratch at <paramref name="workspaceOffset"/>.</param>
    /// <param name="workspaceOffset">Where the scratch starts in every worker's arena.</param>
    /// <param name="workspaceFloats">Its length, at least <see cref="Conv2D.ForwardWorkspaceFloats"/> of every layer split.</param>
    public LayerBands(WorkerPool pool, NativeArena[] workerMemory, long workspaceOffset, int workspaceFloats)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(workerMemory);
        if (workerMemory.Length != pool.Workers)
        {
            throw new ArgumentException($"LayerBands: {workerMemory.Length} worker arenas for a pool of {pool.Workers} workers.", nameof(workerMemory));
        }
        for (int i = 0; i < workerMemory.Length; i++)
        {
            if (workerMemory[i] is null || workspaceOffset < 0 || workspaceFloats < 0 || workspaceOffset + workspaceFloats > workerMemory[i].Length)
            {
                throw new ArgumentException(
                    $"LayerBands: worker {i}'s arena cannot hold the scratch [{workspaceOffset}, {(long)workspaceOffset + workspaceFloats}).", nameof(workerMemory));
            }
        }
        Pool = pool;
        _workerMemory = workerMemory;
        _workspaceOffset = workspaceOffset;
        _workspaceFloats = workspaceFloats;
    }

    /// <summary>The workers the bands run on.</summary>
    public WorkerPool Pool { get; }

    /// <summary>Convolutions with fewer multiply-adds (<see cref="MultiplyAdds"/>) run on the calling thread.</summary>
    public long MinimumMultiplyAdds { get; init; } = DefaultMinimumMultiplyAdds;

    /// <summary>Multiply-adds of a convolution: N * P * Q * K * R * S * C/G.</summary>
    public static long MultiplyAdds(in Conv2DDims dims) =>
        (long)dims.N * dims.P * dims.Q * dims.K * dims.R * dims.S * dims.GroupC;

    /// <summary>
    /// The inference forward of a convolution (<see cref="Conv2D.Forward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/>, or the kernel for its shape: see
    /// <see cref="Choose"/>), split by bands of output rows over <paramref name="bands"/>' workers when
    /// it is given and the layer is large enough (<see cref="BandCount"/> above 1);
    /// otherwise one call on the calling thread. Same arguments as <see cref="Conv2D.Forward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/>; the same results bit for bit with or without bands.
    /// </summary>
    /// <param name="bands">The pool and the workers' scratch, or null to run on the calling thread.</param>
    /// <param name="y">(1, P, Q, K) output.</param>
    /// <param name="x">(1, H, W, C) input.</param>
    /// <param name="packedWeights">Weights packed by <see cref="Conv2D.Pack"/>.</param>
    /// <param name="bias">(K), or empty for no bias.</param>
    /// <param name="workspace">The calling thread's scratch, at least <see cref="Conv2D.ForwardWorkspaceFloats"/>.</param>
    /// <param name="dims">The convolution.</param>
    /// <param name="activation">Activation fused into the store.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void Conv2DForward(
        LayerBands? bands, Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation = Activation.None, float alpha = 0f)
    {
        var kernel = Choose(dims);
        int count = bands is null ? 1 : bands.BandCount(dims);
        if (count <= 1)
        {
            Run(kernel, y, x, packedWeights, bias, workspace, dims, activation, alpha);
            return;
        }
        if (bands!.SplitsByChannels(dims))
        {
            bands.SplitChannels(count, y, x, packedWeights, bias, workspace, dims, activation, alpha);
            return;
        }
        bands.Split(kernel, count, y, x, packedWeights, bias, workspace, dims, activation, alpha);
    }

    /// <summary>The forward kernels; all take the same packed weights and workspace.</summary>
    private enum ForwardKernel
    {
        Generic,
        RowTaps,
        PixelTiles,
    }

    /// <summary>
    /// The kernel for a layer, chosen on the whole layer so that its bands run the same one:
    /// <see cref="Conv2D.ForwardRowTaps(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> for an image stem (<see cref="Conv2D.RunsAsRowTaps"/>),
    /// <c>Conv2D.ForwardPixelTiles</c> where it is faster (<see cref="Conv2D.SuitsPixelTiles"/>),
    /// else <see cref="Conv2D.Forward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/>.
    /// </summary>
    private static ForwardKernel Choose(in Conv2DDims dims) =>
        Conv2D.RunsAsRowTaps(dims) ? ForwardKernel.RowTaps
        : Conv2D.SuitsPixelTiles(dims) ? ForwardKernel.PixelTiles
        : ForwardKernel.Generic;

    private static void Run(ForwardKernel kernel,
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha)
    {
        switch (kernel)
        {
            case ForwardKernel.RowTaps:
                Conv2D.ForwardRowTaps(y, x, packedWeights, bias, workspace, dims, activation, alpha);
                break;
            case ForwardKernel.PixelTiles:
                Conv2D.ForwardPixelTiles(y, x, packedWeights, bias, workspace, dims, activation, alpha);
                break;
            default:
                Conv2D.Forward(y, x, packedWeights, bias, workspace, dims, activation, alpha);
                break;
        }
    }

    /// <summary>
    /// How many bands the layer splits into, one per worker: of output rows (at most P), or for a layer the
    /// pixel-tile kernel runs of its 8-pixel tiles or its 32-channel pairs (<see cref="SplitsByChannels"/>); 1 (no split) when it is small, not one sample, or a row band would read no input row.
    /// </summary>
    public int BandCount(in Conv2DDims dims)
    {
        dims.Validate();
        if (dims.N != 1 || MultiplyAdds(dims) < MinimumMultiplyAdds)
        {
            return 1;
        }
        if (Choose(dims) == ForwardKernel.PixelTiles)
        {
            return SplitsByChannels(dims) ? ChannelBandCount(dims) : Math.Min(Pool.Workers, Tiles(dims));
        }
        int count = Math.Min(Pool.Workers, dims.P);
        if (count <= 1)
        {
            return 1;
        }
        for (int i = 0; i < count; i++)
        {
            if (!Conv2D.TryRowBand(dims, BandStart(i, count, dims.P), BandStart(i + 1, count, dims.P), out _, out _))
            {
                return 1;
            }
        }
        return count;
    }

    /// <summary>8-pixel tiles of the pixel-tile kernel over the output: a layer it runs is split by tiles, not rows, so 7 rows split 24 + 25 pixels, not 3 + 4 rows.</summary>
    private static int Tiles(in Conv2DDims dims) => (dims.P * dims.Q + Conv2D.PixelTilesWidth - 1) / Conv2D.PixelTilesWidth;

    /// <summary>First output row of band i of <paramref name="count"/> over <paramref name="rows"/>.</summary>
    private static int BandStart(int band, int count, int rows) => (int)((long)band * rows / count);

    private void Split(ForwardKernel kernel, int count, Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha)
    {
        const string name = "LayerBands.Conv2DForward";
        Check.Length(y.Length, (long)dims.P * dims.Q * dims.K, name, nameof(y), "P*Q*K");
        Check.Length(x.Length, (long)dims.H * dims.W * dims.C, name, nameof(x), "H*W*C");
        Check.AtLeast(workspace.Length, Conv2D.ForwardWorkspaceFloats(dims), name, nameof(workspace), "C/G + 16");
        Check.AtLeast(_workspaceFloats, Conv2D.ForwardWorkspaceFloats(dims), name, "workspaceFloats", "C/G + 16");
        // Spans cannot cross threads: the caller's spans are pinned for the (synchronous) pool run.
        fixed (float* py = y, px = x, pw = packedWeights, pb = bias, ps = workspace)
        {
            var work = new Band(this, kernel, count, py, px, pw, packedWeights.Length, pb, bias.Length, ps, workspace.Length, dims, activation, alpha);
            Pool.Run(count, in work);
        }
    }

    /// <summary>Band i of the layer on worker i: its rows of y from its rows of x, on that worker's scratch.</summary>
    private readonly struct Band : IRangeWork
    {
        private readonly LayerBands _owner;
        private readonly ForwardKernel _kernel;
        private readonly int _count;
        private readonly float* _y, _x, _weights, _bias, _workspace;
        private readonly int _weightsLength, _biasLength, _workspaceLength;
        private readonly Conv2DDims _dims;
        private readonly Activation _activation;
        private readonly float _alpha;

        public Band(LayerBands owner, ForwardKernel kernel, int count, float* y, float* x, float* weights, int weightsLength, float* bias, int biasLength,
            float* workspace, int workspaceLength, in Conv2DDims dims, Activation activation, float alpha)
        {
            _owner = owner;
            _kernel = kernel;
            _count = count;
            _y = y;
            _x = x;
            _weights = weights;
            _weightsLength = weightsLength;
            _bias = bias;
            _biasLength = biasLength;
            _workspace = workspace;
            _workspaceLength = workspaceLength;
            _dims = dims;
            _activation = activation;
            _alpha = alpha;
        }

        public void Execute(int worker, int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                if (_kernel == ForwardKernel.PixelTiles)
                {
                    Pixels(worker, i);
                    continue;
                }
                int first = BandStart(i, _count, _dims.P), next = BandStart(i + 1, _count, _dims.P);
                Conv2D.TryRowBand(_dims, first, next, out var band, out int inputRow);
                long rowFloats = (long)band.Q * band.K, inputRowFloats = (long)band.W * band.C;
                Span<float> workspace = Workspace(worker);
                Run(_kernel,
                    new Span<float>(_y + first * rowFloats, (int)(band.P * rowFloats)),
                    new ReadOnlySpan<float>(_x + inputRow * inputRowFloats, (int)(band.H * inputRowFloats)),
                    new ReadOnlySpan<float>(_weights, _weightsLength), new ReadOnlySpan<float>(_bias, _biasLength),
                    workspace, band, _activation, _alpha);
            }
        }

        /// <summary>Band i of a pixel-tile layer: its whole tiles of output pixels, from the whole input.</summary>
        private void Pixels(int worker, int i)
        {
            int tiles = Tiles(_dims), pixels = _dims.P * _dims.Q;
            int first = BandStart(i, _count, tiles) * Conv2D.PixelTilesWidth;
            int next = Math.Min(pixels, BandStart(i + 1, _count, tiles) * Conv2D.PixelTilesWidth);
            Conv2D.ForwardPixelTiles(
                new Span<float>(_y + (long)first * _dims.K, (next - first) * _dims.K),
                new ReadOnlySpan<float>(_x, _dims.H * _dims.W * _dims.C),
                new ReadOnlySpan<float>(_weights, _weightsLength), new ReadOnlySpan<float>(_bias, _biasLength),
                Workspace(worker), _dims, _activation, _alpha, first, next);
        }

        private Span<float> Workspace(int worker) => worker == 0
            ? new Span<float>(_workspace, _workspaceLength)
            : _owner.WorkerWorkspace(worker);
    }

    /// <summary>Worker <paramref name="worker"/>'s scratch: the same slot of its own arena.</summary>
    private Span<float> WorkerWorkspace(int worker) => _workerMemory[worker].View.Slice(_workspaceOffset, _workspaceFloats);
}
