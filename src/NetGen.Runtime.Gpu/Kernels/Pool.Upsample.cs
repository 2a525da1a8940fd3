using System;
using ILGPU;
using ILGPU.Runtime;
using NetGen.Kernels;

namespace NetGen.Gpu;

/// <summary>
/// Upsampling by integer factors (<see cref="UpsampleDims"/>), channels-last, as NetGen.Kernels.Upsample:
/// nearest copies x[p / scale]; bilinear is PyTorch's align_corners=false (source =
/// (p + 0.5) / scale - 0.5, clamped at 0, the last row repeated at the edge). Forward is a thread
/// per output element; backward a thread per input element gathering the outputs it fed
/// (deterministic, no atomics). dX accumulates.
/// </summary>
public sealed partial class GpuPool
{
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, UpsampleDims, int, int> _upsampleForward, _upsampleBackward;

    /// <summary>y = x upsampled. Overwrites y.</summary>
    /// <param name="y">(N, P, Q, C) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="dims">The upsampling.</param>
    /// <param name="bilinear">Bilinear instead of nearest.</param>
    public void UpsampleForward(ArrayView<float> y, ArrayView<float> x, in UpsampleDims dims, bool bilinear)
    {
        int outputs = CheckUpsample("GpuPool.UpsampleForward", y, "y", x, "x", dims);
        _upsampleForward(_shape.GridStride(outputs), y, x, dims, outputs, bilinear ? 1 : 0);
    }

    /// <summary>dX += the transpose of forward applied to dY. Saved from forward: nothing.</summary>
    /// <param name="dX">(N, H, W, C) accumulated.</param>
    /// <param name="dY">(N, P, Q, C) output gradient.</param>
    /// <param name="dims">The upsampling.</param>
    /// <param name="bilinear">Bilinear instead of nearest.</param>
    public void UpsampleBackward(ArrayView<float> dX, ArrayView<float> dY, in UpsampleDims dims, bool bilinear)
    {
        CheckUpsample("GpuPool.UpsampleBackward", dY, "dY", dX, "dX", dims);
        int inputs = (int)dX.Length;
        _upsampleBackward(_shape.GridStride(inputs), dX, dY, dims, inputs, bilinear ? 1 : 0);
    }

    private static int CheckUpsample(string kernel, ArrayView<float> output, string outputName, ArrayView<float> input, string inputName, in UpsampleDims d)
    {
        OpsCheck.NonNegative(d.N, kernel, "N");
        OpsCheck.Positive(d.H, kernel, "H");
        OpsCheck.Positive(d.W, kernel, "W");
        OpsCheck.Positive(d.C, kernel, "C");
        OpsCheck.Positive(d.ScaleH, kernel, "ScaleH");
        OpsCheck.Positive(d.ScaleW, kernel, "ScaleW");
        OpsCheck.Length(output.Length, (long)d.N * d.P * d.Q * d.C, kernel, outputName, "N*P*Q*C");
        OpsCheck.Length(input.Length, (long)d.N * d.H * d.W * d.C, kernel, inputName, "N*H*W*C");
        return OpsCheck.Elements(output.Length, kernel, outputName);
    }

    /// <summary>Input indices i0, i1 and the weight of i1 for output index o (the CPU's rule).</summary>
    private static void Source(int o, int size, int scale, int bilinear, out int i0, out int i1, out float weight1)
    {
        if (bilinear == 0)
        {
            i0 = o / scale;
            i1 = i0;
            weight1 = 0f;
            return;
        }
        float src = MathF.Max(0f, (o + 0.5f) / scale - 0.5f);
        i0 = Math.Min((int)src, size - 1);
        i1 = Math.Min(i0 + 1, size - 1);
        weight1 = src - i0;
    }

    /// <summary>The weight input index i has in output index o.</summary>
    private static float Weight(int i, int o, int size, int scale, int bilinear)
    {
        Source(o, size, scale, bilinear, out int i0, out int i1, out float w1);
        return (i0 == i ? 1f - w1 : 0f) + (i1 == i ? w1 : 0f);
    }

    private static void UpsampleForwardKernel(ArrayView<float> y, ArrayView<float> x, UpsampleDims d, int outputs, int bilinear)
    {
        int pOut = d.H * d.ScaleH, qOut = d.W * d.ScaleW;
        for (int i = Grid.GlobalIndex.X; i < outputs; i += Grid.DimX * Group.DimX)
        {
            int c = i % d.C, t = i / d.C, q = t % qOut;
            t /= qOut;
            int p = t % pOut, n = t / pOut;
            Source(p, d.H, d.ScaleH, bilinear, out int h0, out int h1, out float lh);
            Source(q, d.W, d.ScaleW, bilinear, out int w0, out int w1, out float lw);
            float v00 = x[((n * d.H + h0) * d.W + w0) * d.C + c];
            if (bilinear == 0)
            {
                y[i] = v00;
                continue;
            }
            float v01 = x[((n * d.H + h0) * d.W + w1) * d.C + c];
            float v10 = x[((n * d.H + h1) * d.W + w0) * d.C + c];
            float v11 = x[((n * d.H + h1) * d.W + w1) * d.C + c];
            y[i] = v00 * ((1 - lh) * (1 - lw)) + v01 * ((1 - lh) * lw) + v10 * (lh * (1 - lw)) + v11 * (lh * lw);
        }
    }

    /// <summary>
    /// Thread per input (n, h, w, c). Output row p reads input rows within one of (p + 0.5) / scale - 0.5,
    /// so the outputs that read row h lie in [(h - 1) scale, (h + 2) scale); nearest reads it from [h scale, (h + 1) scale).
    /// </summary>
    private static void UpsampleBackwardKernel(ArrayView<float> dX, ArrayView<float> dY, UpsampleDims d, int inputs, int bilinear)
    {
        int pOut = d.H * d.ScaleH, qOut = d.W * d.ScaleW;
        for (int i = Grid.GlobalIndex.X; i < inputs; i += Grid.DimX * Group.DimX)
        {
            int c = i % d.C, t = i / d.C, w = t % d.W;
            t /= d.W;
            int h = t % d.H, n = t / d.H;
            int pLo = bilinear != 0 ? Math.Max(0, (h - 1) * d.ScaleH) : h * d.ScaleH;
            int pHi = bilinear != 0 ? Math.Min(pOut, (h + 2) * d.ScaleH) : (h + 1) * d.ScaleH;
            int qLo = bilinear != 0 ? Math.Max(0, (w - 1) * d.ScaleW) : w * d.ScaleW;
            int qHi = bilinear != 0 ? Math.Min(qOut, (w + 2) * d.ScaleW) : (w + 1) * d.ScaleW;
            float sum = 0f;
            for (int p = pLo; p < pHi; p++)
            {
                float wh = Weight(h, p, d.H, d.ScaleH, bilinear);
                if (wh == 0f)
                    continue;
                for (int q = qLo; q < qHi; q++)
                {
                    float ww = Weight(w, q, d.W, d.ScaleW, bilinear);
                    if (ww != 0f)
                        sum += dY[((n * pOut + p) * qOut + q) * d.C + c] * (wh * ww);
                }
            }
            dX[i] += sum;
        }
    }
}
