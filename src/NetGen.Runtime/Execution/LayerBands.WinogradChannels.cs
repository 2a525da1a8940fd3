using System;
using NetGen.Kernels;
using NetGen.Threading;

namespace NetGen.Execution;

/// <summary>
/// A batch-1 Winograd layer split by output channels (<see cref="Conv2D.ForwardWinogradChannels"/>): worker i
/// transforms all the input tiles into its own scratch and computes channels [k0, k1) of every pixel. Bands of rows
/// would each stream all of the transformed weights U (16 x C x K floats), which for the deep layers is what the
/// layer's time goes to (ResNet-18's 7x7x512 convolutions: U = 16.8 MB against maps of 0.1 MB); bands of channels
/// stream U once between them and repeat only the input transform (16 x C floats per tile, against 16 x C x K
/// multiply-adds). Each channel's sums are the whole layer's: the output is bit-identical.
/// </summary>
public sealed unsafe partial class LayerBands
{
    /// <summary>Channels per band where K allows whole groups of them: the multiply's register tile.</summary>
    private const int WinogradChannelGroup = 64;

    /// <summary>
    /// The default <see cref="MinimumChannelSplitWeightFloats"/>: 2 MB of transformed weights. Measured on 2 workers
    /// (2-core EPYC, one layer, caches warm and flushed): channels beat rows at 7x7x512 (U = 16 MB: 560 -> 450 us
    /// warm, 810 -> 690 us cold) and 14x14x256 (4 MB: about 5%), not at 28x28x128 (1 MB: within the noise either
    /// way), whose rows stay as they were.
    /// </summary>
    public const long DefaultMinimumChannelSplitWeightFloats = 524_288;

    /// <summary>
    /// Winograd layers with fewer transformed weights (<see cref="Conv2D.WinogradWeightFloats"/>) are split by rows of
    /// tiles: weights that stay in cache cost little to read once per worker. <see cref="long.MaxValue"/> splits every
    /// layer by rows.
    /// </summary>
    public long MinimumChannelSplitWeightFloats { get; init; } = DefaultMinimumChannelSplitWeightFloats;

    /// <summary>
    /// Whether a Winograd layer splits by output channels: when its transformed weights (16 x C x K floats) are at
    /// least <see cref="MinimumChannelSplitWeightFloats"/> and outweigh its input and output maps (H x W x C + P x Q x K).
    /// For ResNet-18's 3x3 stride-1 convolutions (padding 1): 56x56x64 has U = 0.07M floats against maps of 0.40M
    /// (rows), 28x28x128 0.26M against 0.20M (rows: under the minimum), 14x14x256 1.05M against 0.10M and 7x7x512
    /// 4.19M against 0.05M (channels).
    /// </summary>
    internal bool SplitsWinogradByChannels(in Conv2DDims dims)
    {
        long weights = Conv2D.WinogradWeightFloats(dims);
        return weights >= MinimumChannelSplitWeightFloats && weights > (long)dims.P * dims.Q * dims.K + (long)dims.H * dims.W * dims.C;
    }

    /// <summary>Channels per band step: whole groups of 64 when K is made of them and has one per worker, else blocks of 16.</summary>
    private int WinogradChannelStep(in Conv2DDims dims) =>
        dims.K % WinogradChannelGroup == 0 && dims.K / WinogradChannelGroup >= Pool.Workers ? WinogradChannelGroup : Simd.Block;

    /// <summary>Bands of a layer split by channels: one per worker, at most its steps of channels; 1 when it is small or not one sample.</summary>
    private int ChannelBands(in Conv2DDims dims)
    {
        if (dims.N != 1 || MultiplyAdds(dims) < MinimumMultiplyAdds)
        {
            return 1;
        }
        int count = Math.Min(Pool.Workers, dims.K / WinogradChannelStep(dims));
        return count <= 1 ? 1 : count;
    }

    private void SplitWinogradChannels(string name, int count, Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights,
        ReadOnlySpan<float> bias, Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha)
    {
        Check.Length(x.Length, (long)dims.H * dims.W * dims.C, name, nameof(x), "H*W*C");
        Check.AtLeast(workspace.Length, Conv2D.WinogradWorkspaceFloats(dims), name, nameof(workspace), "Conv2D.WinogradWorkspaceFloats(dims)");
        Check.AtLeast(_workspaceFloats, Conv2D.WinogradWorkspaceFloats(dims), name, "workspaceFloats", "Conv2D.WinogradWorkspaceFloats(dims)");
        // Spans cannot cross threads: the caller's spans are pinned for the (synchronous) pool run.
        fixed (float* py = y, px = x, pw = winogradWeights, pb = bias, ps = workspace)
        {
            var work = new WinogradChannelBand(this, count, WinogradChannelStep(dims), new PinnedCall(py, y.Length, px, x.Length,
                pw, winogradWeights.Length, pb, bias.Length, ps, workspace.Length, dims, activation, alpha));
            Pool.Run(count, in work);
        }
    }

    /// <summary>Band i of a Winograd layer split by channels, on worker i: its whole steps of output channels of every pixel.</summary>
    private readonly struct WinogradChannelBand : IRangeWork
    {
        private readonly LayerBands _owner;
        private readonly int _count, _step;
        private readonly PinnedCall _call;

        public WinogradChannelBand(LayerBands owner, int count, int step, in PinnedCall call)
        {
            _owner = owner;
            _count = count;
            _step = step;
            _call = call;
        }

        public void Execute(int worker, int start, int end)
        {
            int steps = _call.Dims.K / _step;
            for (int i = start; i < end; i++)
            {
                int first = BandStart(i, _count, steps) * _step, next = BandStart(i + 1, _count, steps) * _step;
                Conv2D.ForwardWinogradChannels(_call.Y, _call.X, _call.Weights, _call.Bias, _call.Workspace(_owner, worker), _call.Dims,
                    _call.Activation, _call.Alpha, first, next, KernelPath.Hardware);
            }
        }
    }
}
