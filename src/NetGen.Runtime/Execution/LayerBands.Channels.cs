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
            var work = new ChannelBand(this, count, new PinnedCall(py, y.Length, px, x.Length, pw, packedWeights.Length, pb, bias.Length,
                ps, workspace.Length, dims, activation, alpha));
            Pool.Run(count, in work);
        }
    }

    /// <summary>Band i of a channel split on worker i: its channel pairs of every pixel, on that worker's scratch.</summary>
    private readonly struct ChannelBand : IRangeWork
    {
        private readonly LayerBands _owner;
        private readonly int _count;
        private readonly PinnedCall _call;

        public ChannelBand(LayerBands owner, int count, in PinnedCall call)
        {
            _owner = owner;
            _count = count;
            _call = call;
        }

        public void Execute(int worker, int start, int end)
        {
            int pairs = _call.Dims.K / Conv2D.PixelTilesChannelUnit;
            Span<float> workspace = _call.Workspace(_owner, worker);
            for (int i = start; i < end; i++)
            {
                Conv2D.ForwardPixelTilesChannels(_call.Y, _call.X, _call.Weights, _call.Bias, workspace, _call.Dims, _call.Activation, _call.Alpha,
                    BandStart(i, _count, pairs) * Conv2D.PixelTilesChannelUnit, BandStart(i + 1, _count, pairs) * Conv2D.PixelTilesChannelUnit);
            }
        }
    }
}
