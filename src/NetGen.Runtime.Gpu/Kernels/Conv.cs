using ILGPU;
using NetGen.Kernels;

namespace NetGen.Gpu;

/// <summary>
/// 2-D convolution on the GPU, the semantics of <see cref="Conv2D"/>: channels-last x (N, H, W, C)
/// to y (N, P, Q, K), any kernel, stride, padding, dilation and groups <see cref="Conv2DDims"/>
/// allows. Every case but depthwise is an implicit GEMM on the tiled kernel, one GEMM per group
/// (grid Z), nothing materialised:
/// <code>
/// forward          y (N P Q, K/G)      = im2col(x) (N P Q, R S C/G) * w (R S C/G, K/G)   fused bias, residual, activation
/// backward data    dX (N H W, C/G)    += col2im(dY) (N H W, R S K/G) * w^T (R S K/G, C/G)
/// backward weights dW (K/G, C/G R S)  += dY^T (K/G, N P Q) * im2col(x) (N P Q, C/G R S)     reduction split over groups
/// </code>
/// Depthwise (G = C) runs direct kernels (<see cref="DepthwiseKernels"/>). The forward and
/// backward data read the GPU weight layout (G, R, S, C/G, K/G) that <see cref="PackWeights"/>
/// makes from the canonical (K, C/G, R, S); backward weights writes canonical dW. Backward takes
/// the pre-activation dY; dX, dW and dB accumulate with +=.
/// </summary>
public static class GpuConv2D
{
    /// <summary>Floats of the GPU weight layout: K * C/G * R * S (the canonical count).</summary>
    public static int PackedWeightFloats(in Conv2DDims dims) => dims.K * dims.GroupC * dims.R * dims.S;

    /// <summary>Canonical (K, C/G, R, S) weights to the GPU layout (G, R, S, C/G, K/G). Overwrites packed.</summary>
    /// <param name="device">The device.</param>
    /// <param name="packed">(<see cref="PackedWeightFloats"/>) destination.</param>
    /// <param name="weights">(K, C/G, R, S) canonical weights.</param>
    /// <param name="dims">The convolution.</param>
    public static void PackWeights(GpuDevice device, ArrayView<float> packed, ArrayView<float> weights, in Conv2DDims dims)
    {
        const string kernel = "GpuConv2D.PackWeights";
        dims.Validate();
        GpuCheck.Length(packed.Length, PackedWeightFloats(dims), kernel, nameof(packed), "K*(C/G)*R*S");
        GpuCheck.Length(weights.Length, PackedWeightFloats(dims), kernel, nameof(weights), "K*(C/G)*R*S");
        ConvPack.On(device).Launch(packed, weights, ConvGeometry.Of(dims));
    }

    /// <summary>y = act(conv(x, w) + b + residual). Overwrites y.</summary>
    /// <typeparam name="TTile">The GEMM tile sizes.</typeparam>
    /// <param name="device">The device.</param>
    /// <param name="y">(N, P, Q, K) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="packedWeights">(G, R, S, C/G, K/G) weights from <see cref="PackWeights"/>.</param>
    /// <param name="bias">(K), or empty for none.</param>
    /// <param name="residual">(N, P, Q, K) added before the activation, or empty for none.</param>
    /// <param name="dims">The convolution.</param>
    /// <param name="activation">Activation fused into the store (<see cref="EpilogueMath.Fuses"/>).</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void Forward<TTile>(
        GpuDevice device, ArrayView<float> y, ArrayView<float> x, ArrayView<float> packedWeights, ArrayView<float> bias, ArrayView<float> residual,
        in Conv2DDims dims, Activation activation = Activation.None, float alpha = 0f)
        where TTile : struct, IGemmTile
    {
        const string kernel = "GpuConv2D.Forward";
        dims.Validate();
        EpilogueMath.Require(activation, kernel);
        long outputs = (long)dims.N * dims.P * dims.Q * dims.K;
        GpuCheck.Length(y.Length, outputs, kernel, nameof(y), "N*P*Q*K");
        GpuCheck.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(x), "N*H*W*C");
        GpuCheck.Length(packedWeights.Length, PackedWeightFloats(dims), kernel, nameof(packedWeights), "K*(C/G)*R*S");
        GpuCheck.Optional(bias.Length, dims.K, kernel, nameof(bias), "K");
        GpuCheck.Optional(residual.Length, outputs, kernel, nameof(residual), "N*P*Q*K");
        var g = ConvGeometry.Of(dims);
        int hasBias = bias.Length != 0 ? 1 : 0, hasResidual = residual.Length != 0 ? 1 : 0;
        if (IsDepthwise(dims))
        {
            DepthwiseKernels.On(device).LaunchForward(new DepthwiseForwardArgs
            {
                Y = y, X = x, Packed = packedWeights, Bias = bias, Residual = residual,
                HasBias = hasBias, HasResidual = hasResidual, Activation = (int)activation, ActivationAlpha = alpha,
            }, g);
            return;
        }
        var store = new ChannelsEpilogue
        {
            Y = y, Bias = bias, Residual = residual, HasBias = hasBias, HasResidual = hasResidual,
            Channels = dims.K, GroupChannels = dims.GroupK, Activation = (int)activation, ActivationAlpha = alpha,
        };
        ForwardInto<TTile, ChannelsEpilogue>(device, store, x, packedWeights, dims);
    }

    /// <summary>
    /// The forward implicit GEMM (every convolution, depthwise too) into a caller's epilogue, the
    /// hook for fusing what <see cref="ChannelsEpilogue"/> does not: <paramref name="store"/> gets
    /// (group g, row (n, p, q), column k within the group, the sum). No argument checks beyond the dims'.
    /// <typeparamref name="TE"/> must be public (ILGPU's CPU accelerator emits code that reads it).
    /// </summary>
    /// <param name="device">The device.</param>
    /// <param name="store">Where each output goes.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="packedWeights">(G, R, S, C/G, K/G) weights from <see cref="PackWeights"/>.</param>
    /// <param name="dims">The convolution.</param>
    public static void ForwardInto<TTile, TE>(GpuDevice device, TE store, ArrayView<float> x, ArrayView<float> packedWeights, in Conv2DDims dims)
        where TTile : struct, IGemmTile
        where TE : struct, IGemmEpilogue
    {
        dims.Validate();
        int reduction = dims.R * dims.S * dims.GroupC;
        TiledGemm<TTile, ConvInputOperand, MatrixOperand, TE>.On(device).Launch(
            device, new ConvInputOperand { X = x, G = ConvGeometry.Of(dims) }, new MatrixOperand(packedWeights, dims.GroupK, batchStride: reduction * dims.GroupK), store,
            dims.N * dims.P * dims.Q, dims.GroupK, reduction, dims.Groups, 1);
    }

    /// <summary>The backward-data implicit GEMM (every convolution, depthwise too) into any epilogue: row (n, h, w), column c of group g.</summary>
    internal static void BackwardDataGemm<TTile, TE>(GpuDevice device, TE store, ArrayView<float> dY, ArrayView<float> packedWeights, in Conv2DDims dims)
        where TTile : struct, IGemmTile
        where TE : struct, IGemmEpilogue
    {
        var g = ConvGeometry.Of(dims);
        TiledGemm<TTile, ConvOutputGradOperand, ConvWeightsTransposedOperand, TE>.On(device).Launch(
            device, new ConvOutputGradOperand { DY = dY, G = g }, new ConvWeightsTransposedOperand { Packed = packedWeights, G = g }, store,
            dims.N * dims.H * dims.W, dims.GroupC, dims.R * dims.S * dims.GroupK, dims.Groups, 1);
    }

    /// <summary>dX += the gradient of the input.</summary>
    /// <param name="device">The device.</param>
    /// <param name="dX">(N, H, W, C) input gradient, accumulated.</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="packedWeights">(G, R, S, C/G, K/G) weights from <see cref="PackWeights"/>.</param>
    /// <param name="dims">The convolution.</param>
    public static void BackwardData<TTile>(GpuDevice device, ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> packedWeights, in Conv2DDims dims)
        where TTile : struct, IGemmTile
    {
        const string kernel = "GpuConv2D.BackwardData";
        dims.Validate();
        GpuCheck.Length(dX.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(dX), "N*H*W*C");
        GpuCheck.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(dY), "N*P*Q*K");
        GpuCheck.Length(packedWeights.Length, PackedWeightFloats(dims), kernel, nameof(packedWeights), "K*(C/G)*R*S");
        if (IsDepthwise(dims))
        {
            DepthwiseKernels.On(device).LaunchBackwardData(dX, dY, packedWeights, ConvGeometry.Of(dims));
            return;
        }
        var store = new StoreEpilogue { Target = dX, Ld = dims.C, BatchStride = dims.GroupC, Alpha = 1f, Beta = 1f };
        BackwardDataGemm<TTile, StoreEpilogue>(device, store, dY, packedWeights, dims);
    }

    /// <summary>dW += the gradient of the canonical weights, the reduction over N P Q split over groups when the layer alone leaves the GPU idle.</summary>
    /// <param name="device">The device.</param>
    /// <param name="dW">(K, C/G, R, S) canonical weight gradient, accumulated.</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="x">(N, H, W, C) the forward input.</param>
    /// <param name="dims">The convolution.</param>
    /// <param name="splitK">Parts of the pixel reduction (0: from the shape and the device).</param>
    public static void BackwardWeights<TTile>(GpuDevice device, ArrayView<float> dW, ArrayView<float> dY, ArrayView<float> x, in Conv2DDims dims, int splitK = 0)
        where TTile : struct, IGemmTile
    {
        const string kernel = "GpuConv2D.BackwardWeights";
        dims.Validate();
        GpuCheck.Length(dW.Length, PackedWeightFloats(dims), kernel, nameof(dW), "K*(C/G)*R*S");
        GpuCheck.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(dY), "N*P*Q*K");
        GpuCheck.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(x), "N*H*W*C");
        GpuCheck.Splits(splitK, kernel);
        var g = ConvGeometry.Of(dims);
        if (IsDepthwise(dims))
        {
            DepthwiseKernels.On(device).LaunchBackwardWeights(device, dW, dY, x, g);
            return;
        }
        int columns = dims.GroupC * dims.R * dims.S, pixels = dims.N * dims.P * dims.Q;
        var gemm = TiledGemm<TTile, MatrixOperand, ConvInputColumnsOperand, StoreEpilogue>.On(device);
        int splits = splitK == 0 ? gemm.AutoSplits(device, dims.GroupK, columns, pixels, dims.Groups) : splitK;
        var store = new StoreEpilogue { Target = dW, Ld = columns, BatchStride = dims.GroupK * columns, Alpha = 1f, Beta = 1f, Atomic = splits > 1 ? 1 : 0 };
        gemm.Launch(
            device, new MatrixOperand(dY, dims.K, transposed: true, batchStride: dims.GroupK), new ConvInputColumnsOperand { X = x, G = g }, store,
            dims.GroupK, columns, pixels, dims.Groups, splits);
    }

    /// <summary>dB[k] += sum over n, p, q of dY[n, p, q, k].</summary>
    /// <param name="device">The device.</param>
    /// <param name="dB">(K) bias gradient, accumulated.</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="dims">The convolution.</param>
    public static void BackwardBias(GpuDevice device, ArrayView<float> dB, ArrayView<float> dY, in Conv2DDims dims)
    {
        const string kernel = "GpuConv2D.BackwardBias";
        dims.Validate();
        GpuCheck.Length(dB.Length, dims.K, kernel, nameof(dB), "K");
        GpuCheck.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(dY), "N*P*Q*K");
        ColumnSums.On(device).Launch(device, dB, dY, dims.N * dims.P * dims.Q, dims.K);
    }

    /// <summary>One input channel per group: the direct depthwise kernels, not a GEMM of width K/G.</summary>
    internal static bool IsDepthwise(in Conv2DDims dims) => dims.Groups > 1 && dims.GroupC == 1;
}
