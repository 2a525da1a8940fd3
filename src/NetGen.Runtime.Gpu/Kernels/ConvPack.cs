using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// Canonical (K, C/G, R, S) weights to the GPU layout (G, R, S, C/G, K/G): per group a
/// row-major (R S C/G, K/G) matrix, the forward GEMM's B with output channels contiguous.
/// One thread per weight; run after every optimizer step, as the CPU repacks.
/// </summary>
internal sealed class ConvPack
{
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ConvGeometry> _kernel;

    private ConvPack(GpuDevice device) =>
        _kernel = device.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ConvGeometry>(Kernel);

    public static ConvPack On(GpuDevice device) => device.Kernels(static d => new ConvPack(d));

    public void Launch(ArrayView<float> packed, ArrayView<float> weights, ConvGeometry g) =>
        _kernel((int)weights.Length, packed, weights, g);

    internal static void Kernel(Index1D i, ArrayView<float> packed, ArrayView<float> weights, ConvGeometry g)
    {
        int taps = g.R * g.S, perK = g.GroupC * taps;
        int k = i / perK, rest = i - k * perK, c = rest / taps, rs = rest - c * taps;
        int group = k / g.GroupK, kl = k - group * g.GroupK;
        packed[((group * taps + rs) * g.GroupC + c) * g.GroupK + kl] = weights[i];
    }
}
