using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// Depthwise convolution (G = C, one input channel per group, K/G = multiplier outputs each):
/// too little reduction (R S taps) for a GEMM tile, so one thread per output value, channels
/// fastest across threads (coalesced in channels-last tensors). Weights in the GPU layout
/// (G, R, S, 1, K/G). Backward data is one thread per input value; backward weights one thread
/// per (tap, channel, part of the N P Q pixels), adding its partial sum atomically.
/// </summary>
internal sealed class DepthwiseKernels
{
    private readonly Action<Index1D, DepthwiseForwardArgs, ConvGeometry> _forward;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvGeometry> _backwardData;
    private readonly Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvGeometry, int> _backwardWeights;

    private DepthwiseKernels(GpuDevice device)
    {
        var a = device.Accelerator;
        _forward = a.LoadAutoGroupedStreamKernel<Index1D, DepthwiseForwardArgs, ConvGeometry>(Forward);
        _backwardData = a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvGeometry>(BackwardData);
        _backwardWeights = a.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ConvGeometry, int>(BackwardWeights);
    }

    public static DepthwiseKernels On(GpuDevice device) => device.Kernels(static d => new DepthwiseKernels(d));

    public void LaunchForward(DepthwiseForwardArgs args, ConvGeometry g)
    {
        if (g.N > 0) _forward(g.N * g.P * g.Q * g.K, args, g);
    }

    public void LaunchBackwardData(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> packed, ConvGeometry g)
    {
        if (g.N > 0) _backwardData(g.N * g.H * g.W * g.C, dX, dY, packed, g);
    }

    public void LaunchBackwardWeights(GpuDevice device, ArrayView<float> dW, ArrayView<float> dY, ArrayView<float> x, ConvGeometry g)
    {
        int pixels = g.N * g.P * g.Q;
        if (pixels == 0) return;
        int perPart = ColumnSums.RowsPerPart(device, pixels, g.K * g.R * g.S);
        _backwardWeights(new Index2D(g.K * g.R * g.S, (pixels + perPart - 1) / perPart), dW, dY, x, g, perPart);
    }

    internal static void Forward(Index1D i, DepthwiseForwardArgs a, ConvGeometry g)
    {
        int pixel = g.ByK.DivRem(i, out int k), n = g.ByPQ.DivRem(pixel, out int pq), p = g.ByQ.DivRem(pq, out int q);
        int group = g.ByGroupK.DivRem(k, out int kl), taps = g.R * g.S;
        float sum = 0f;
        for (int r = 0; r < g.R; r++)
        {
            int h = p * g.StrideH - g.PadTop + r * g.DilationH;
            for (int s = 0; s < g.S; s++)
            {
                float w = a.Packed[(group * taps + r * g.S + s) * g.GroupK + kl];
                sum += w * g.Tap(a.X, n, h, q * g.StrideW - g.PadLeft + s * g.DilationW, group);
            }
        }
        if (a.HasBias != 0) sum += a.Bias[k];
        if (a.HasResidual != 0) sum += a.Residual[i];
        a.Y[i] = EpilogueMath.Activate(sum, a.Activation, a.ActivationAlpha);
    }

    internal static void BackwardData(Index1D i, ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> packed, ConvGeometry g)
    {
        int pixel = g.ByC.DivRem(i, out int c), n = g.ByHW.DivRem(pixel, out int hw), h = g.ByW.DivRem(hw, out int w);
        int taps = g.R * g.S;
        float sum = 0f;
        for (int r = 0; r < g.R; r++)
        {
            int p = g.OutputRow(h, r);
            if (p < 0) continue;
            for (int s = 0; s < g.S; s++)
            {
                int q = g.OutputColumn(w, s);
                if (q < 0) continue;
                int dy = ((n * g.P + p) * g.Q + q) * g.K + c * g.GroupK, wi = (c * taps + r * g.S + s) * g.GroupK;
                for (int kl = 0; kl < g.GroupK; kl++) sum += dY[dy + kl] * packed[wi + kl];
            }
        }
        dX[i] += sum;
    }

    /// <summary>index.X = (r, s, k) with k fastest; index.Y = part of the pixels. dW canonical (K, 1, R, S).</summary>
    internal static void BackwardWeights(Index2D index, ArrayView<float> dW, ArrayView<float> dY, ArrayView<float> x, ConvGeometry g, int perPart)
    {
        int rs = g.ByK.DivRem(index.X, out int k), r = g.ByS.DivRem(rs, out int s), group = g.ByGroupK.Divide(k);
        int m0 = index.Y * perPart, m1 = Math.Min(g.N * g.P * g.Q, m0 + perPart);
        float sum = 0f;
        for (int m = m0; m < m1; m++)
        {
            int n = g.ByPQ.DivRem(m, out int pq), p = g.ByQ.DivRem(pq, out int q);
            sum += dY[m * g.K + k] * g.Tap(x, n, p * g.StrideH - g.PadTop + r * g.DilationH, q * g.StrideW - g.PadLeft + s * g.DilationW, group);
        }
        Atomic.Add(ref dW[k * g.R * g.S + rs], sum);
    }
}

/// <summary>The views and epilogue of the depthwise forward, one blittable kernel argument.</summary>
internal struct DepthwiseForwardArgs
{
    public ArrayView<float> Y, X, Packed, Bias, Residual;
    public int HasBias, HasResidual, Activation;
    public float ActivationAlpha;
}
