using System;

namespace NetGen.Kernels;

/// <summary>
/// The input gradient of a stride-1 3x3 convolution through Winograd F(2x2, 3x3). With stride 1,
/// dX is the convolution of dY by the flipped kernel with C and K exchanged and padding
/// (R - 1) - pad (<see cref="GradientConvolution"/>); <see cref="PackForBackward"/> already stores
/// that convolution's forward layout, so its Winograd weights come from it by
/// <see cref="PackWinograd(Span{float}, ReadOnlySpan{float}, in Conv2DDims)"/>, and dX is one <see cref="ForwardWinograd(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> call.
/// </summary>
public static partial class Conv2D
{
    /// <summary>
    /// Whether <see cref="BackwardDataWinograd"/> takes this convolution: its input gradient runs as
    /// a convolution (stride 1, top/left padding within the kernel) that <see cref="SuitsWinograd"/>
    /// (3x3, no dilation or groups, C and K multiples of 16).
    /// </summary>
    public static bool SuitsWinogradBackwardData(in Conv2DDims dims) =>
        BackwardAsConvolution(dims) && SuitsWinograd(GradientConvolution(dims));

    /// <summary>
    /// Backward-packed weights (<see cref="PackForBackward"/>) to the Winograd layout of the gradient
    /// convolution, <see cref="WinogradWeightFloats"/>(dims) = 16 * C * K floats. Overwrites winograd.
    /// </summary>
    /// <param name="winograd">(16 * C * K) destination.</param>
    /// <param name="packedBackwardWeights">(<see cref="PackedBackwardWeightFloats"/>) weights packed by <see cref="PackForBackward"/>.</param>
    /// <param name="dims">The layer's convolution; <see cref="SuitsWinogradBackwardData"/> must hold.</param>
    public static void PackWinogradForBackward(Span<float> winograd, ReadOnlySpan<float> packedBackwardWeights, in Conv2DDims dims)
    {
        dims.Validate();
        RequireWinogradBackwardData("Conv2D.PackWinogradForBackward", dims);
        PackWinograd(winograd, packedBackwardWeights, GradientConvolution(dims));
    }

    /// <summary>
    /// dX = conv_transpose(dY, w) through Winograd F(2x2, 3x3). Unlike <see cref="BackwardData(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims)"/>
    /// this overwrites dX: callers use it where the layer is the first to write its input's
    /// gradient (otherwise add through <see cref="BackwardData(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims)"/>).
    /// </summary>
    /// <param name="dX">(N, H, W, C) input gradient, overwritten.</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="winogradBackwardWeights">Weights from <see cref="PackWinogradForBackward"/>.</param>
    /// <param name="workspace">At least <see cref="WinogradWorkspaceFloats"/>(dims) = 16 * 32 * (C + K) floats.</param>
    /// <param name="dims">The layer's convolution; <see cref="SuitsWinogradBackwardData"/> must hold.</param>
    public static void BackwardDataWinograd(
        Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> winogradBackwardWeights, Span<float> workspace, in Conv2DDims dims)
    {
        const string kernel = "Conv2D.BackwardDataWinograd";
        dims.Validate();
        RequireWinogradBackwardData(kernel, dims);
        Check.Length(dX.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(dX), "N*H*W*C");
        Check.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(dY), "N*P*Q*K");
        ForwardWinograd(dX, dY, winogradBackwardWeights, default, workspace, GradientConvolution(dims));
    }

    private static void RequireWinogradBackwardData(string kernel, in Conv2DDims dims)
    {
        if (!SuitsWinogradBackwardData(dims))
        {
            throw Check.Failure(kernel,
                $"the input gradient runs through Winograd F(2x2, 3x3) for a 3x3 stride-1 undilated convolution without groups, " +
                $"top/left padding at most 2, C and K multiples of 16; this one is {dims.R}x{dims.S}, stride {dims.StrideH}x{dims.StrideW}, " +
                $"dilation {dims.DilationH}x{dims.DilationW}, padding {dims.PadTop},{dims.PadLeft}, {dims.Groups} groups, C = {dims.C}, K = {dims.K}.");
        }
    }
}
