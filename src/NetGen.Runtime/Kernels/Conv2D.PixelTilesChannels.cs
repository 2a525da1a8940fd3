using System;

namespace NetGen.Kernels;

/// <summary>
/// One sample's pixel-tile convolution split by output channels instead of pixels: a range of
/// 32-channel pairs over every pixel. The kernel's outer loop is already the channel pair, so a
/// worker given half the pairs streams half the packed weights (ResNet-18's 3x3 over 512 channels:
/// 4.7 of 9.4 MB) and its tiles are the same 8-pixel tiles as one call's, so the results are the
/// same bit for bit. Worth it where the weights outweigh the input (the later stages), or where the
/// pixels make too few tiles to share evenly (7x7: 7 tiles split 3 against 4).
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>Output channels per unit of a channel split: the pair of 16-channel blocks the pixel-tile kernel computes together.</summary>
    public const int PixelTilesChannelUnit = 2 * Simd.Block;

    /// <summary>
    /// Channels [<paramref name="firstChannel"/>, <paramref name="endChannel"/>) of every output pixel of a convolution
    /// <see cref="RunsAsPixelTiles"/> takes, as <see cref="ForwardPixelTiles(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/>
    /// computes them, bit for bit; the other channels of <paramref name="y"/> are left as they are.
    /// </summary>
    /// <param name="y">(N, P, Q, K) output, the whole of it.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="packedWeights">Weights packed by <see cref="Pack"/>.</param>
    /// <param name="bias">(K), or empty for no bias.</param>
    /// <param name="workspace">At least <see cref="ForwardWorkspaceFloats"/> floats of scratch.</param>
    /// <param name="dims">The convolution.</param>
    /// <param name="activation">Activation fused into the store.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    /// <param name="firstChannel">First output channel, a multiple of <see cref="PixelTilesChannelUnit"/>.</param>
    /// <param name="endChannel">End of the range (exclusive), a multiple of <see cref="PixelTilesChannelUnit"/>, at most K.</param>
    public static void ForwardPixelTilesChannels(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha, int firstChannel, int endChannel)
    {
        const string kernel = "Conv2D.ForwardPixelTilesChannels";
        dims.Validate();
        if (!(0 <= firstChannel && firstChannel < endChannel && endChannel <= dims.K)
            || firstChannel % PixelTilesChannelUnit != 0 || endChannel % PixelTilesChannelUnit != 0)
        {
            throw Check.Failure(kernel,
                $"a channel range needs 0 <= first < end <= K = {dims.K}, both multiples of {PixelTilesChannelUnit}; got [{firstChannel}, {endChannel}).");
        }
        Check.Length(y.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(y), "N*P*Q*K");
        PixelTiles(y, x, packedWeights, bias, workspace, dims, activation, alpha, 0, dims.P * dims.Q, firstChannel, endChannel, KernelPath.Hardware);
    }
}
