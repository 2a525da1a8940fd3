using System;
using NetGen.Kernels;
using NetGen.Threading;

namespace NetGen.Execution;

/// <summary>
/// Pixel-tile layers split by output channels (<see cref="Conv2D.ForwardPixelTilesChannels"/>):
/// band i computes channel pairs [i * K/32 / B, (i + 1) * K/32 / B) of every pixel.
/// </summary>
public sealed unsafe partial class LayerBands
{
    /// <summary>
    /// Whether a layer the pixel-tile kernel runs splits by channel pairs rather than by 8-pixel tiles,
    /// with the pool's workers. The work is tiles x pairs calls of the same cost; the split whose largest
    /// share is smaller wins (7x7 with 512 channels: 7 x 8 pairs against 4 tiles x 16), and on a tie
    /// the one that reads less per worker: by channels each worker reads the whole input and its share
    /// of the weights, by pixels its share of the input and all the weights.
    /// </summary>
    public bool SplitsByChannels(in Conv2DDims dims)
    {
        if (dims.N != 1 || Choose(dims) != ForwardKernel.PixelTiles)
        {
            return false;
        }
        int workers = Pool.Workers;
        long pairs = dims.K / Conv2D.PixelTilesChannelUnit, tiles = Tiles(dims);
        long byChannels = (pairs + workers - 1) / workers * tiles, byPixels = (tiles + workers - 1) / workers * pairs;
        if (byChannels != byPixels)
        {
            return byChannels < byPixels;
        }
        long weights = (long)dims.R * dims.S * dims.C * dims.K, input = (long)dims.H * dims.W * dims.C;
        return weights >= input;
    }

    /// <summary>Bands of a channel split: one per worker, at most one per channel pair.</summary>
    private int ChannelBandCount(in Conv2DDims dims) => Math.Min(Pool.Workers, dims.K / Conv2D.PixelTilesChannelUnit);

    private void SplitChannels(int count, Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha)
    {
        const string name = "LayerBands.Conv2DForward";
        Check.Length(y.Length, (long)dims.P * dims.Q * dims.K, name, nameof(y), "P*Q*K");
        Check.Length(x.Length, (long)dims.H * dims.W * dims.C, name, nameof(x), "H*W*C");
        Check.AtLeast(workspace.Length, Conv2D.ForwardWorkspaceFloats(dims), name, nameof(workspace), "C/G + 16");
        Check.AtLeast(_workspaceFloats, Conv2D.ForwardWorkspaceFloats(dims), name, "workspaceFloats", "C/G + 16");
        fixed (float* py = y, px = x, pw = packedWeights, pb = bias, ps = workspace)
        {
            var work = new ChannelBand(this, count, py, y.Length, px, x.Length, pw, packedWeights.Length, pb, bias.Length,
                ps, workspace.Length, dims, activation, alpha);
            Pool.Run(count, in work);
        }
    }

    /// <summary>Band i of a channel split on worker i: its channel pairs of every pixel, on that worker's scratch.</summary>
    private readonly struct ChannelBand : IRangeWork
    {
        private readonly LayerBands _owner;
        private readonly int _count;
        private readonly float* _y, _x, _weights, _bias, _workspace;
        private readonly int _yLength, _xLength, _weightsLength, _biasLength, _workspaceLength;
        private readonly Conv2DDims _dims;
        private readonly Activation _activation;
        private readonly float _alpha;

        public ChannelBand(LayerBands owner, int count, float* y, int yLength, float* x, int xLength, float* weights, int weightsLength,
            float* bias, int biasLength, float* workspace, int workspaceLength, in Conv2DDims dims, Activation activation, float alpha)
        {
            _owner = owner;
            _count = count;
            _y = y;
            _yLength = yLength;
            _x = x;
            _xLength = xLength;
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
            int pairs = _dims.K / Conv2D.PixelTilesChannelUnit;
            Span<float> workspace = worker == 0
                ? new Span<float>(_workspace, _workspaceLength)
                : _owner._workerMemory[worker].AsSpan(_owner._workspaceOffset, _owner._workspaceFloats);
            for (int i = start; i < end; i++)
            {
                Conv2D.ForwardPixelTilesChannels(
                    new Span<float>(_y, _yLength), new ReadOnlySpan<float>(_x, _xLength),
                    new ReadOnlySpan<float>(_weights, _weightsLength), new ReadOnlySpan<float>(_bias, _biasLength), workspace,
                    _dims, _activation, _alpha,
                    BandStart(i, _count, pairs) * Conv2D.PixelTilesChannelUnit, BandStart(i + 1, _count, pairs) * Conv2D.PixelTilesChannelUnit);
            }
        }
    }
}
