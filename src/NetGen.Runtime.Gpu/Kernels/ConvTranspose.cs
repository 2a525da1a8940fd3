using ILGPU;
using NetGen.Kernels;

namespace NetGen.Gpu;

/// <summary>
/// Transposed 2-D convolution on the GPU, the semantics of <see cref="Conv2DTranspose"/>: the
/// gradient of the convolution <see cref="Conv2DTransposeDims.AsConvolution"/>, so its forward
/// is that convolution's backward-data GEMM (with the bias and activation fused into the store
/// instead of accumulating) and its input gradient that convolution's forward GEMM. Weights are
/// PyTorch's ConvTranspose2d (C, K/G, R, S), packed by <see cref="PackWeights"/> into the
/// convolution's GPU layout. Depthwise cases run through the GEMMs as well.
/// </summary>
public static class GpuConv2DTranspose
{
    /// <summary>Floats of the packed weights: C * K/G * R * S.</summary>
    public static int PackedWeightFloats(in Conv2DTransposeDims dims) => GpuConv2D.PackedWeightFloats(dims.AsConvolution());

    /// <summary>(C, K/G, R, S) weights to the GPU layout. Overwrites packed.</summary>
    public static void PackWeights(GpuDevice device, ArrayView<float> packed, ArrayView<float> weights, in Conv2DTransposeDims dims) =>
        GpuConv2D.PackWeights(device, packed, weights, dims.AsConvolution());

    /// <summary>y = act(conv_transpose(x, w) + b + residual). Overwrites y.</summary>
    /// <typeparam name="TTile">The GEMM tile sizes.</typeparam>
    /// <param name="device">The device.</param>
    /// <param name="y">(N, P, Q, K) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="packedWeights">Weights from <see cref="PackWeights"/>.</param>
    /// <param name="bias">(K), or empty for none.</param>
    /// <param name="residual">(N, P, Q, K) added before the activation, or empty for none.</param>
    /// <param name="dims">The transposed convolution.</param>
    /// <param name="activation">Activation fused into the store (<see cref="EpilogueMath.Fuses"/>).</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void Forward<TTile>(
        GpuDevice device, ArrayView<float> y, ArrayView<float> x, ArrayView<float> packedWeights, ArrayView<float> bias, ArrayView<float> residual,
        in Conv2DTransposeDims dims, Activation activation = Activation.None, float alpha = 0f)
        where TTile : struct, IGemmTile
    {
        const string kernel = "GpuConv2DTranspose.Forward";
        Conv2DDims conv = dims.AsConvolution();
        conv.Validate();
        EpilogueMath.Require(activation, kernel);
        long outputs = (long)dims.N * dims.P * dims.Q * dims.K;
        GpuCheck.Length(y.Length, outputs, kernel, nameof(y), "N*P*Q*K");
        GpuCheck.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(x), "N*H*W*C");
        GpuCheck.Length(packedWeights.Length, PackedWeightFloats(dims), kernel, nameof(packedWeights), "C*(K/G)*R*S");
        GpuCheck.Optional(bias.Length, dims.K, kernel, nameof(bias), "K");
        GpuCheck.Optional(residual.Length, outputs, kernel, nameof(residual), "N*P*Q*K");
        var store = new ChannelsEpilogue
        {
            Y = y, Bias = bias, Residual = residual, HasBias = bias.Length != 0 ? 1 : 0, HasResidual = residual.Length != 0 ? 1 : 0,
            Channels = dims.K, GroupChannels = conv.GroupC, Activation = (int)activation, ActivationAlpha = alpha,
        };
        GpuConv2D.BackwardDataGemm<TTile, ChannelsEpilogue>(device, store, x, packedWeights, conv);
    }

    /// <summary>dX += conv(dY, w).</summary>
    /// <param name="device">The device.</param>
    /// <param name="dX">(N, H, W, C) accumulated.</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="packedWeights">Weights from <see cref="PackWeights"/>.</param>
    /// <param name="dims">The transposed convolution.</param>
    public static void BackwardData<TTile>(GpuDevice device, ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> packedWeights, in Conv2DTransposeDims dims)
        where TTile : struct, IGemmTile
    {
        const string kernel = "GpuConv2DTranspose.BackwardData";
        Conv2DDims conv = dims.AsConvolution();
        conv.Validate();
        GpuCheck.Length(dX.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(dX), "N*H*W*C");
        GpuCheck.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(dY), "N*P*Q*K");
        GpuCheck.Length(packedWeights.Length, PackedWeightFloats(dims), kernel, nameof(packedWeights), "C*(K/G)*R*S");
        var store = new StoreEpilogue { Target = dX, Ld = dims.C, BatchStride = conv.GroupK, Alpha = 1f, Beta = 1f };
        GpuConv2D.ForwardInto<TTile, StoreEpilogue>(device, store, dY, packedWeights, conv);
    }

    /// <summary>dW += the (C, K/G, R, S) weight gradient: the convolution's weight gradient with x and dY in swapped roles.</summary>
    /// <param name="device">The device.</param>
    /// <param name="dW">(C, K/G, R, S) accumulated.</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="x">(N, H, W, C) the forward input.</param>
    /// <param name="dims">The transposed convolution.</param>
    /// <param name="splitK">Parts of the pixel reduction (0: from the shape and the device).</param>
    public static void BackwardWeights<TTile>(GpuDevice device, ArrayView<float> dW, ArrayView<float> dY, ArrayView<float> x, in Conv2DTransposeDims dims, int splitK = 0)
        where TTile : struct, IGemmTile
    {
        const string kernel = "GpuConv2DTranspose.BackwardWeights";
        GpuCheck.Length(dW.Length, PackedWeightFloats(dims), kernel, nameof(dW), "C*(K/G)*R*S");
        GpuCheck.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(dY), "N*P*Q*K");
        GpuCheck.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(x), "N*H*W*C");
        GpuConv2D.BackwardWeights<TTile>(device, dW, x, dY, dims.AsConvolution(), splitK);
    }

    /// <summary>dB[k] += sum over n, p, q of dY[n, p, q, k].</summary>
    public static void BackwardBias(GpuDevice device, ArrayView<float> dB, ArrayView<float> dY, in Conv2DTransposeDims dims)
    {
        const string kernel = "GpuConv2DTranspose.BackwardBias";
        GpuCheck.Length(dB.Length, dims.K, kernel, nameof(dB), "K");
        GpuCheck.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(dY), "N*P*Q*K");
        ColumnSums.On(device).Launch(device, dB, dY, dims.N * dims.P * dims.Q, dims.K);
    }
}
