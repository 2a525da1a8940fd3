using System;

namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>
    /// <see cref="ForwardWinograd(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> for output channels [<paramref name="firstChannel"/>, <paramref name="endChannel"/>)
    /// only: every tile's input transform, then the products and output transform of those channels, which are written
    /// into y (pixels K floats apart as ever) and no others. A layer split this way reads only its range's share of the
    /// transformed weights (16 x C x range floats), so workers that each take a range stream U once between them, where
    /// bands of rows would each stream all of it. Each channel's sums are the whole layer's, bit for bit.
    /// </summary>
    /// <param name="y">(N, P, Q, K) output; channels outside the range are left as they are.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="winogradWeights">Weights transformed by <see cref="PackWinograd(Span{float}, ReadOnlySpan{float}, in Conv2DDims)"/> (all K channels).</param>
    /// <param name="bias">(K), or empty for no bias.</param>
    /// <param name="workspace">At least <see cref="WinogradWorkspaceFloats"/> floats of scratch.</param>
    /// <param name="dims">The convolution; <see cref="SuitsWinograd"/> must hold.</param>
    /// <param name="activation">Activation fused into the store.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    /// <param name="firstChannel">The range's first output channel, a multiple of 16.</param>
    /// <param name="endChannel">One past its last, a multiple of 16 above <paramref name="firstChannel"/>, at most K.</param>
    /// <param name="path">The kernels to run: <see cref="KernelPath.Hardware"/>, as every band of a layer.</param>
    internal static void ForwardWinogradChannels(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha, int firstChannel, int endChannel, KernelPath path)
    {
        const string kernel = "Conv2D.ForwardWinogradChannels";
        dims.Validate();
        RequireWinograd(kernel, dims);
        if (firstChannel < 0 || endChannel > dims.K || firstChannel >= endChannel ||
            firstChannel % Simd.Block != 0 || endChannel % Simd.Block != 0)
        {
            throw Check.Failure(kernel,
                $"the output channels [{firstChannel}, {endChannel}) are not a non-empty range of whole blocks of {Simd.Block} within K = {dims.K}.");
        }
        Check.Length(y.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(y), "N*P*Q*K");
        CheckWinogradInputs(kernel, x, winogradWeights, bias, workspace, dims);
        var tiles = new WinogradTiles((dims.P + 1) / 2, (dims.Q + 1) / 2, Pooled: false);
        WinogradRun(y, x, winogradWeights, bias, workspace, dims, tiles, activation, alpha, firstChannel, endChannel - firstChannel, path);
    }
}
