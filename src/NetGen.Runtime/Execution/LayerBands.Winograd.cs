using System;
using NetGen.Kernels;
using NetGen.Threading;

namespace NetGen.Execution;

/// <summary>
/// Bands of a batch-1 Winograd F(2x2, 3x3) layer (<see cref="Conv2D.ForwardWinograd(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/>, and with its 2x2 max pool
/// <see cref="Conv2D.ForwardWinogradMaxPool(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, in PoolDims, Activation, float)"/>). A layer whose transformed weights outweigh its maps is split by
/// output channels (<c>LayerBands.WinogradChannels.cs</c>); otherwise, and always when pooled, the layer's 2x2
/// output tiles are split by rows of tiles, so every
/// band starts at an even output row and each tile reads the same 4x4 input block (the rows above the image as
/// the band's padding, <see cref="Conv2D.TryRowBand"/>) and sums the same products as in one call: the output is
/// bit-identical. A pooled layer's tile row is one pool row. Each worker runs its band on the same scratch
/// slot as the other bands (<see cref="Conv2D.WinogradWorkspaceFloats"/> floats at the pool's workspace offset).
/// </summary>
public sealed unsafe partial class LayerBands
{
    /// <summary>
    /// The inference forward of a Winograd layer, split by rows of 2x2 tiles over <paramref name="bands"/>' workers
    /// when it is given and the layer is large enough (<see cref="WinogradBandCount(in Conv2DDims)"/> above 1), else
    /// one <see cref="Conv2D.ForwardWinograd(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> call on the calling thread. The same results bit for bit either way.
    /// </summary>
    /// <param name="bands">The pool and the workers' scratch, or null to run on the calling thread.</param>
    /// <param name="y">(1, P, Q, K) output.</param>
    /// <param name="x">(1, H, W, C) input.</param>
    /// <param name="winogradWeights">Weights transformed by <see cref="Conv2D.PackWinograd(Span{float}, ReadOnlySpan{float}, in Conv2DDims)"/>.</param>
    /// <param name="bias">(K), or empty for no bias.</param>
    /// <param name="workspace">The calling thread's scratch, at least <see cref="Conv2D.WinogradWorkspaceFloats"/>.</param>
    /// <param name="dims">The convolution; <see cref="Conv2D.SuitsWinograd"/> must hold.</param>
    /// <param name="activation">Activation fused into the store.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void Conv2DForwardWinograd(
        LayerBands? bands, Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation = Activation.None, float alpha = 0f)
    {
        int count = bands is null ? 1 : bands.WinogradBandCount(dims);
        if (count <= 1)
        {
            Conv2D.ForwardWinograd(y, x, winogradWeights, bias, workspace, dims, activation, alpha);
            return;
        }
        const string name = "LayerBands.Conv2DForwardWinograd";
        Check.Length(y.Length, (long)dims.P * dims.Q * dims.K, name, nameof(y), "P*Q*K");
        if (bands!.SplitsWinogradByChannels(dims))
        {
            bands!.SplitWinogradChannels(name, count, y, x, winogradWeights, bias, workspace, dims, activation, alpha);
            return;
        }
        bands!.SplitWinograd(name, count, y, x, winogradWeights, bias, workspace, dims, default, pooled: false, activation, alpha);
    }

    /// <summary>
    /// The inference forward of a Winograd layer and the 2x2 max pool that reads it
    /// (<see cref="Conv2D.ForwardWinogradMaxPool(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, in PoolDims, Activation, float)"/>), split by pool rows over <paramref name="bands"/>' workers when it
    /// is given and the layer is large enough, else one call on the calling thread; the same results bit for bit.
    /// </summary>
    /// <param name="bands">The pool and the workers' scratch, or null to run on the calling thread.</param>
    /// <param name="y">(1, P_pool, Q_pool, K) output.</param>
    /// <param name="x">(1, H, W, C) input.</param>
    /// <param name="winogradWeights">Weights transformed by <see cref="Conv2D.PackWinograd(Span{float}, ReadOnlySpan{float}, in Conv2DDims)"/>.</param>
    /// <param name="bias">(K), or empty for no bias.</param>
    /// <param name="workspace">The calling thread's scratch, at least <see cref="Conv2D.WinogradWorkspaceFloats"/>.</param>
    /// <param name="conv">The convolution; <see cref="Conv2D.SuitsWinograd"/> must hold.</param>
    /// <param name="pool">The pool; <see cref="Conv2D.SuitsWinogradMaxPool"/> must hold.</param>
    /// <param name="activation">Activation fused before the pool.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void Conv2DForwardWinogradMaxPool(
        LayerBands? bands, Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims conv, in PoolDims pool, Activation activation = Activation.None, float alpha = 0f)
    {
        int count = bands is null ? 1 : bands.WinogradBandCount(conv, pool);
        if (count <= 1)
        {
            Conv2D.ForwardWinogradMaxPool(y, x, winogradWeights, bias, workspace, conv, pool, activation, alpha);
            return;
        }
        const string name = "LayerBands.Conv2DForwardWinogradMaxPool";
        Check.Length(y.Length, (long)pool.P * pool.Q * pool.C, name, nameof(y), "P_pool*Q_pool*K");
        bands!.SplitWinograd(name, count, y, x, winogradWeights, bias, workspace, conv, pool, pooled: true, activation, alpha);
    }

    /// <summary>
    /// Bands of a Winograd layer: one per worker, at most its bands of output channels when it splits by channels
    /// (<see cref="SplitsWinogradByChannels"/>), else at most its rows of tiles (ceil(P / 2)); 1 when it is small,
    /// not one sample or not Winograd's.
    /// </summary>
    public int WinogradBandCount(in Conv2DDims dims)
    {
        dims.Validate();
        if (!Conv2D.SuitsWinograd(dims))
        {
            return 1;
        }
        return SplitsWinogradByChannels(dims) ? ChannelBands(dims) : TileRowBands(dims, (dims.P + 1) / 2, pooled: false);
    }

    /// <summary>Bands of a Winograd layer with its 2x2 max pool: one per worker, at most the pool's rows; 1 when it is small, not one sample or does not fuse.</summary>
    public int WinogradBandCount(in Conv2DDims conv, in PoolDims pool)
    {
        conv.Validate();
        pool.Validate();
        return Conv2D.SuitsWinograd(conv) && Conv2D.SuitsWinogradMaxPool(conv, pool) ? TileRowBands(conv, pool.P, pooled: true) : 1;
    }

    private int TileRowBands(in Conv2DDims dims, int tileRows, bool pooled)
    {
        if (dims.N != 1 || MultiplyAdds(dims) < MinimumMultiplyAdds)
        {
            return 1;
        }
        int count = Math.Min(Pool.Workers, tileRows);
        if (count <= 1)
        {
            return 1;
        }
        for (int i = 0; i < count; i++)
        {
            var (first, end) = WinogradBandRows(i, count, tileRows, dims.P, pooled);
            if (!Conv2D.TryRowBand(dims, first, end, out _, out _))
            {
                return 1;
            }
        }
        return count;
    }

    /// <summary>
    /// Output rows [first, end) of band i: whole tile rows (2 output rows each, from an even row); the last band of an
    /// unpooled layer with odd P ends at P, a pooled layer's at 2 x P_pool (the row floor mode drops is not computed).
    /// </summary>
    private static (int First, int End) WinogradBandRows(int band, int count, int tileRows, int rows, bool pooled)
    {
        int first = 2 * BandStart(band, count, tileRows);
        int end = 2 * BandStart(band + 1, count, tileRows);
        return (first, pooled ? end : Math.Min(end, rows));
    }

    private void SplitWinograd(string name, int count, Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights,
        ReadOnlySpan<float> bias, Span<float> workspace, in Conv2DDims dims, in PoolDims pool, bool pooled, Activation activation, float alpha)
    {
        Check.Length(x.Length, (long)dims.H * dims.W * dims.C, name, nameof(x), "H*W*C");
        Check.AtLeast(workspace.Length, Conv2D.WinogradWorkspaceFloats(dims), name, nameof(workspace), "Conv2D.WinogradWorkspaceFloats(dims)");
        Check.AtLeast(_workspaceFloats, Conv2D.WinogradWorkspaceFloats(dims), name, "workspaceFloats", "Conv2D.WinogradWorkspaceFloats(dims)");
        // Spans cannot cross threads: the caller's spans are pinned for the (synchronous) pool run.
        fixed (float* py = y, px = x, pw = winogradWeights, pb = bias, ps = workspace)
        {
            var work = new WinogradBand(this, count, pooled, py, px, pw, winogradWeights.Length, pb, bias.Length, ps, workspace.Length,
                dims, pool, activation, alpha);
            Pool.Run(count, in work);
        }
    }

    /// <summary>Band i of a Winograd layer on worker i: its rows of tiles of y (or of pool rows) from the input rows they read.</summary>
    private readonly struct WinogradBand : IRangeWork
    {
        private readonly LayerBands _owner;
        private readonly int _count;
        private readonly bool _pooled;
        private readonly float* _y, _x, _weights, _bias, _workspace;
        private readonly int _weightsLength, _biasLength, _workspaceLength;
        private readonly Conv2DDims _dims;
        private readonly PoolDims _pool;
        private readonly Activation _activation;
        private readonly float _alpha;

        public WinogradBand(LayerBands owner, int count, bool pooled, float* y, float* x, float* weights, int weightsLength,
            float* bias, int biasLength, float* workspace, int workspaceLength, in Conv2DDims dims, in PoolDims pool, Activation activation, float alpha)
        {
            _owner = owner;
            _count = count;
            _pooled = pooled;
            _y = y;
            _x = x;
            _weights = weights;
            _weightsLength = weightsLength;
            _bias = bias;
            _biasLength = biasLength;
            _workspace = workspace;
            _workspaceLength = workspaceLength;
            _dims = dims;
            _pool = pool;
            _activation = activation;
            _alpha = alpha;
        }

        public void Execute(int worker, int start, int end)
        {
            int tileRows = _pooled ? _pool.P : (_dims.P + 1) / 2;
            for (int i = start; i < end; i++)
            {
                var (first, next) = WinogradBandRows(i, _count, tileRows, _dims.P, _pooled);
                Conv2D.TryRowBand(_dims, first, next, out var band, out int inputRow);
                long inputRowFloats = (long)band.W * band.C;
                var x = new ReadOnlySpan<float>(_x + inputRow * inputRowFloats, (int)(band.H * inputRowFloats));
                var weights = new ReadOnlySpan<float>(_weights, _weightsLength);
                var bias = new ReadOnlySpan<float>(_bias, _biasLength);
                Span<float> workspace = worker == 0
                    ? new Span<float>(_workspace, _workspaceLength)
                    : _owner.WorkerWorkspace(worker);
                if (_pooled)
                {
                    // Pool rows [first / 2, next / 2) over the band's conv rows.
                    var pool = _pool with { H = band.P, P = band.P / 2 };
                    long rowFloats = (long)pool.Q * pool.C;
                    Conv2D.ForwardWinogradMaxPool(new Span<float>(_y + first / 2 * rowFloats, (int)(pool.P * rowFloats)), x, weights, bias,
                        workspace, band, pool, _activation, _alpha);
                }
                else
                {
                    long rowFloats = (long)band.Q * band.K;
                    Conv2D.ForwardWinograd(new Span<float>(_y + first * rowFloats, (int)(band.P * rowFloats)), x, weights, bias,
                        workspace, band, _activation, _alpha);
                }
            }
        }
    }
}
