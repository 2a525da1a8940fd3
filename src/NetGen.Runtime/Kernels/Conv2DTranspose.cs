using System;

namespace NetGen.Kernels;

/// <summary>
/// Transposed 2-D convolution (PyTorch ConvTranspose2d), channels-last: x (N, H, W, C) to
/// y (N, P, Q, K). Canonical weights are PyTorch's (C, K/G, R, S). It is the gradient of the
/// convolution <see cref="Conv2DTransposeDims.AsConvolution"/>, so each pass runs a Conv2D
/// kernel with the roles swapped:
/// forward = that convolution's BackwardData (weights packed by <see cref="Pack"/>, which is
/// <see cref="Conv2D.PackForBackward"/>), dX = its forward accumulated (weights packed by
/// <see cref="PackForBackward"/>, which is <see cref="Conv2D.Pack"/>), dW = its BackwardWeights
/// with x and dY exchanged. Backward needs x saved; dX, dW, dB accumulate.
/// </summary>
public static class Conv2DTranspose
{
    /// <summary>Floats of the forward-packed weights.</summary>
    public static int PackedWeightFloats(in Conv2DTransposeDims dims) => Conv2D.PackedBackwardWeightFloats(dims.AsConvolution());

    /// <summary>Floats of the backward-packed weights.</summary>
    public static int PackedBackwardWeightFloats(in Conv2DTransposeDims dims) => Conv2D.PackedWeightFloats(dims.AsConvolution());

    /// <summary>Scratch floats <see cref="Forward"/> needs (0 unless the stride is 1).</summary>
    public static int ForwardWorkspaceFloats(in Conv2DTransposeDims dims) => Conv2D.BackwardDataWorkspaceFloats(dims.AsConvolution());

    /// <summary>Scratch floats <see cref="BackwardData"/> needs.</summary>
    public static int BackwardWorkspaceFloats(in Conv2DTransposeDims dims) => Conv2D.ForwardWorkspaceFloats(dims.AsConvolution());

    /// <summary>Canonical (C, K/G, R, S) weights to the forward layout (G, ceil(K/G/16), R, S, C/G, 16). Overwrites packed.</summary>
    /// <param name="packed">(<see cref="PackedWeightFloats"/>) destination.</param>
    /// <param name="weights">(C, K/G, R, S) canonical weights.</param>
    /// <param name="dims">The transposed convolution.</param>
    public static void Pack(Span<float> packed, ReadOnlySpan<float> weights, in Conv2DTransposeDims dims) =>
        Conv2D.PackForBackward(packed, weights, dims.AsConvolution());

    /// <summary>Canonical (C, K/G, R, S) weights to the backward-data layout (G, ceil(C/G/16), R, S, K/G, 16). Overwrites packed.</summary>
    /// <param name="packed">(<see cref="PackedBackwardWeightFloats"/>) destination.</param>
    /// <param name="weights">(C, K/G, R, S) canonical weights.</param>
    /// <param name="dims">The transposed convolution.</param>
    public static void PackForBackward(Span<float> packed, ReadOnlySpan<float> weights, in Conv2DTransposeDims dims) =>
        Conv2D.Pack(packed, weights, dims.AsConvolution());

    /// <summary>y = act(conv_transpose(x, w) + b). Overwrites y.</summary>
    /// <param name="y">(N, P, Q, K) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="packedWeights">Weights packed by <see cref="Pack"/>.</param>
    /// <param name="bias">(K), or empty for none.</param>
    /// <param name="workspace">At least <see cref="ForwardWorkspaceFloats"/> floats.</param>
    /// <param name="dims">The transposed convolution.</param>
    /// <param name="activation">Activation applied after the bias.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void Forward(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DTransposeDims dims, Activation activation = Activation.None, float alpha = 0f)
    {
        const string kernel = "Conv2DTranspose.Forward";
        Conv2DDims conv = dims.AsConvolution();
        Check.Length(y.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(y), "N*P*Q*K");
        Check.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(x), "N*H*W*C");
        Check.Length(packedWeights.Length, PackedWeightFloats(dims), kernel, nameof(packedWeights), "Conv2DTranspose.PackedWeightFloats(dims)");
        if (bias.Length != 0)
        {
            Check.Length(bias.Length, dims.K, kernel, nameof(bias), "K");
        }
        y.Clear();
        Conv2D.BackwardData(y, x, packedWeights, workspace, conv);
        int k = dims.K;
        for (int row = 0; row < y.Length / k; row++)
        {
            var yr = y.Slice(row * k, k);
            if (bias.Length != 0)
            {
                Reduce.AddInto(yr, bias);
            }
            if (activation != Activation.None)
            {
                Activations.Forward(yr, yr, activation, alpha);
            }
        }
    }

    /// <summary>dX += conv(dY, w): the transposed convolution's input gradient.</summary>
    /// <param name="dX">(N, H, W, C) accumulated.</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="packedBackwardWeights">Weights packed by <see cref="PackForBackward"/>.</param>
    /// <param name="workspace">At least <see cref="BackwardWorkspaceFloats"/> floats.</param>
    /// <param name="dims">The transposed convolution.</param>
    public static void BackwardData(
        Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> packedBackwardWeights, Span<float> workspace, in Conv2DTransposeDims dims)
    {
        const string kernel = "Conv2DTranspose.BackwardData";
        Conv2DDims conv = dims.AsConvolution();
        conv.Validate();
        Check.Length(dX.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(dX), "N*H*W*C");
        Check.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(dY), "N*P*Q*K");
        Check.Length(packedBackwardWeights.Length, PackedBackwardWeightFloats(dims), kernel, nameof(packedBackwardWeights), "Conv2DTranspose.PackedBackwardWeightFloats(dims)");
        Check.AtLeast(workspace.Length, BackwardWorkspaceFloats(dims), kernel, nameof(workspace), "K/G + 16");
        Conv2D.Run(dX, dY, packedBackwardWeights, default, workspace, conv, Activation.None, 0f, accumulate: true, KernelPath.Hardware);
    }

    /// <summary>dW += the weight gradient, in canonical (C, K/G, R, S) layout.</summary>
    /// <param name="dW">(C, K/G, R, S) accumulated.</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="x">(N, H, W, C) the forward input.</param>
    /// <param name="dims">The transposed convolution.</param>
    public static void BackwardWeights(Span<float> dW, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, in Conv2DTransposeDims dims) =>
        Conv2D.BackwardWeights(dW, x, dY, dims.AsConvolution());

    /// <summary>dB[k] += sum over n, p, q of dY[n, p, q, k].</summary>
    /// <param name="dB">(K) accumulated.</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="dims">The transposed convolution.</param>
    public static void BackwardBias(Span<float> dB, ReadOnlySpan<float> dY, in Conv2DTransposeDims dims)
    {
        Check.Length(dB.Length, dims.K, "Conv2DTranspose.BackwardBias", nameof(dB), "K");
        Check.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.K, "Conv2DTranspose.BackwardBias", nameof(dY), "N*P*Q*K");
        Reduce.SumRowsInto(dB, dY, dims.N * dims.P * dims.Q, dims.K);
    }
}
