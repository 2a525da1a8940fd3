using ILGPU;
using NetGen.Kernels;

namespace NetGen.Gpu;

/// <summary>
/// Fully connected layer on the GPU, the semantics of <see cref="NetGen.Kernels.Dense"/>:
/// y (N, K) = act(x (N, C) w^T + b). Weights stay in PyTorch's canonical (K, C) layout, the
/// parameter block's: the tiled GEMM reads them as the transposed B operand along C (coalesced),
/// so the GPU needs no packed copy. Backward takes the pre-activation dY (run the activation's
/// backward first), reads x saved from forward and the canonical weights; dX, dW and dB
/// accumulate with +=. Every call launches on the device's stream and returns at once.
/// </summary>
public static class GpuDense
{
    /// <summary>y = act(x w^T + b). Overwrites y.</summary>
    /// <typeparam name="TTile">The GEMM tile sizes.</typeparam>
    /// <param name="device">The device.</param>
    /// <param name="y">(N, K) output.</param>
    /// <param name="x">(N, C) input.</param>
    /// <param name="weights">(K, C) canonical weights.</param>
    /// <param name="bias">(K), or empty for none.</param>
    /// <param name="dims">The layer.</param>
    /// <param name="activation">Activation fused into the store (<see cref="EpilogueMath.Fuses"/>).</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void Forward<TTile>(
        GpuDevice device, ArrayView<float> y, ArrayView<float> x, ArrayView<float> weights, ArrayView<float> bias,
        in DenseDims dims, Activation activation = Activation.None, float alpha = 0f)
        where TTile : struct, IGemmTile
    {
        const string kernel = "GpuDense.Forward";
        dims.Validate();
        EpilogueMath.Require(activation, kernel);
        GpuCheck.Length(y.Length, (long)dims.N * dims.K, kernel, nameof(y), "N*K");
        GpuCheck.Length(x.Length, (long)dims.N * dims.C, kernel, nameof(x), "N*C");
        GpuCheck.Length(weights.Length, (long)dims.K * dims.C, kernel, nameof(weights), "K*C");
        GpuCheck.Optional(bias.Length, dims.K, kernel, nameof(bias), "K");
        var store = new ChannelsEpilogue
        {
            Y = y, Bias = bias, HasBias = bias.Length != 0 ? 1 : 0, Channels = dims.K, GroupChannels = dims.K,
            Activation = (int)activation, ActivationAlpha = alpha,
        };
        ForwardInto<TTile, ChannelsEpilogue>(device, store, x, weights, dims);
    }

    /// <summary>
    /// x w^T into a caller's epilogue, the hook for fusing what <see cref="ChannelsEpilogue"/>
    /// does not: <paramref name="store"/> gets (0, sample, unit, the sum). No argument checks beyond the dims'.
    /// <typeparamref name="TE"/> must be public (ILGPU's CPU accelerator emits code that reads it).
    /// </summary>
    /// <param name="device">The device.</param>
    /// <param name="store">Where each output goes.</param>
    /// <param name="x">(N, C) input.</param>
    /// <param name="weights">(K, C) canonical weights.</param>
    /// <param name="dims">The layer.</param>
    public static void ForwardInto<TTile, TE>(GpuDevice device, TE store, ArrayView<float> x, ArrayView<float> weights, in DenseDims dims)
        where TTile : struct, IGemmTile
        where TE : struct, IGemmEpilogue
    {
        dims.Validate();
        TiledGemm<TTile, MatrixOperand, MatrixOperand, TE>.On(device).Launch(
            device, new MatrixOperand(x, dims.C), new MatrixOperand(weights, dims.C, transposed: true), store, dims.N, dims.K, dims.C, 1, 1);
    }

    /// <summary>dX += dY w.</summary>
    /// <param name="device">The device.</param>
    /// <param name="dX">(N, C) input gradient, accumulated.</param>
    /// <param name="dY">(N, K) pre-activation output gradient.</param>
    /// <param name="weights">(K, C) canonical weights.</param>
    /// <param name="dims">The layer.</param>
    public static void BackwardData<TTile>(GpuDevice device, ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> weights, in DenseDims dims)
        where TTile : struct, IGemmTile
    {
        const string kernel = "GpuDense.BackwardData";
        dims.Validate();
        GpuCheck.Length(dX.Length, (long)dims.N * dims.C, kernel, nameof(dX), "N*C");
        GpuCheck.Length(dY.Length, (long)dims.N * dims.K, kernel, nameof(dY), "N*K");
        GpuCheck.Length(weights.Length, (long)dims.K * dims.C, kernel, nameof(weights), "K*C");
        var store = new StoreEpilogue { Target = dX, Ld = dims.C, Alpha = 1f, Beta = 1f };
        TiledGemm<TTile, MatrixOperand, MatrixOperand, StoreEpilogue>.On(device).Launch(
            device, new MatrixOperand(dY, dims.K), new MatrixOperand(weights, dims.C), store, dims.N, dims.C, dims.K, 1, 1);
    }

    /// <summary>dW += dY^T x, the reduction over the batch split over groups when the layer alone leaves the GPU idle.</summary>
    /// <param name="device">The device.</param>
    /// <param name="dW">(K, C) weight gradient, accumulated.</param>
    /// <param name="dY">(N, K) pre-activation output gradient.</param>
    /// <param name="x">(N, C) the forward input.</param>
    /// <param name="dims">The layer.</param>
    /// <param name="splitK">Parts of the batch reduction (0: from the shape and the device).</param>
    public static void BackwardWeights<TTile>(GpuDevice device, ArrayView<float> dW, ArrayView<float> dY, ArrayView<float> x, in DenseDims dims, int splitK = 0)
        where TTile : struct, IGemmTile
    {
        const string kernel = "GpuDense.BackwardWeights";
        dims.Validate();
        GpuCheck.Length(dW.Length, (long)dims.K * dims.C, kernel, nameof(dW), "K*C");
        GpuCheck.Length(dY.Length, (long)dims.N * dims.K, kernel, nameof(dY), "N*K");
        GpuCheck.Length(x.Length, (long)dims.N * dims.C, kernel, nameof(x), "N*C");
        GpuCheck.Splits(splitK, kernel);
        var gemm = TiledGemm<TTile, MatrixOperand, MatrixOperand, StoreEpilogue>.On(device);
        int splits = splitK == 0 ? gemm.AutoSplits(device, dims.K, dims.C, dims.N, 1) : splitK;
        var store = new StoreEpilogue { Target = dW, Ld = dims.C, Alpha = 1f, Beta = 1f, Atomic = splits > 1 ? 1 : 0 };
        gemm.Launch(device, new MatrixOperand(dY, dims.K, transposed: true), new MatrixOperand(x, dims.C), store, dims.K, dims.C, dims.N, 1, splits);
    }

    /// <summary>dB[k] += sum over n of dY[n, k].</summary>
    /// <param name="device">The device.</param>
    /// <param name="dB">(K) bias gradient, accumulated.</param>
    /// <param name="dY">(N, K) pre-activation output gradient.</param>
    /// <param name="dims">The layer.</param>
    public static void BackwardBias(GpuDevice device, ArrayView<float> dB, ArrayView<float> dY, in DenseDims dims)
    {
        const string kernel = "GpuDense.BackwardBias";
        dims.Validate();
        GpuCheck.Length(dB.Length, dims.K, kernel, nameof(dB), "K");
        GpuCheck.Length(dY.Length, (long)dims.N * dims.K, kernel, nameof(dY), "N*K");
        ColumnSums.On(device).Launch(device, dB, dY, dims.N, dims.K);
    }
}
