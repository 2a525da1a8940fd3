using System;
using ILGPU;
using ILGPU.Runtime;
using NetGen.Kernels;

namespace NetGen.Gpu;

/// <summary>
/// Pooling on the device, channels-last, with NetGen.Kernels' semantics (<see cref="PoolDims"/>:
/// padding, ceil mode folded into P and Q). Forward is one thread per output element (consecutive
/// threads take consecutive channels, so reads coalesce). Backward gathers instead of scattering:
/// one thread per input element visits the windows that cover it and adds their share, so
/// overlapping windows need no atomics and the sums are deterministic. Max pooling's backward
/// recomputes each window's arg-max from x (the first maximum in row-major order, a tap
/// replacing it only when strictly greater, as the CPU and PyTorch); nothing else is saved.
/// dX accumulates with +=.
/// </summary>
public sealed partial class GpuPool
{
    private readonly LaunchShape _shape;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, PoolDims, int> _maxForward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, PoolDims, int, int> _avgForward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, PoolDims, int> _maxBackward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, PoolDims, int, int> _avgBackward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int> _globalForward, _globalBackward;

    private GpuPool(GpuDevice device)
    {
        _shape = new LaunchShape(device);
        var a = device.Accelerator;
        _maxForward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, PoolDims, int>(MaxForwardKernel);
        _avgForward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, PoolDims, int, int>(AvgForwardKernel);
        _maxBackward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, PoolDims, int>(MaxBackwardKernel);
        _avgBackward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, PoolDims, int, int>(AvgBackwardKernel);
        _globalForward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int>(GlobalForwardKernel);
        _globalBackward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int>(GlobalBackwardKernel);
        _upsampleForward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, UpsampleDims, int, int>(UpsampleForwardKernel);
        _upsampleBackward = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, UpsampleDims, int, int>(UpsampleBackwardKernel);
        _crop = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, CropDims, int, int>(CropKernel);
    }

    /// <summary>The pooling, resampling and crop kernels on <paramref name="device"/>, loaded once.</summary>
    public static GpuPool On(GpuDevice device) => device.Kernels(static d => new GpuPool(d));

    /// <summary>y = window max of x (padding taps ignored). Overwrites y.</summary>
    /// <param name="y">(N, P, Q, C) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="dims">The pooling.</param>
    public void MaxForward(ArrayView<float> y, ArrayView<float> x, in PoolDims dims)
    {
        int outputs = CheckPool("GpuPool.MaxForward", y, "y", x, "x", dims);
        _maxForward(_shape.GridStride(outputs), y, x, dims, outputs);
    }

    /// <summary>dX[arg-max of each window] += dY. Saved from forward: x.</summary>
    /// <param name="dX">(N, H, W, C) input gradient, accumulated.</param>
    /// <param name="dY">(N, P, Q, C) output gradient.</param>
    /// <param name="x">(N, H, W, C) the forward input.</param>
    /// <param name="dims">The pooling.</param>
    public void MaxBackward(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> x, in PoolDims dims)
    {
        const string kernel = "GpuPool.MaxBackward";
        CheckPool(kernel, dY, "dY", x, "x", dims);
        OpsCheck.Length(dX.Length, x.Length, kernel, nameof(dX), "N*H*W*C");
        int inputs = (int)x.Length;
        _maxBackward(_shape.GridStride(inputs), dX, dY, x, dims, inputs);
    }

    /// <summary>y = window mean of x. Overwrites y.</summary>
    /// <param name="y">(N, P, Q, C) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="dims">The pooling.</param>
    /// <param name="countPadding">Whether padding taps count in the divisor (PyTorch's count_include_pad).</param>
    public void AvgForward(ArrayView<float> y, ArrayView<float> x, in PoolDims dims, bool countPadding)
    {
        int outputs = CheckPool("GpuPool.AvgForward", y, "y", x, "x", dims);
        _avgForward(_shape.GridStride(outputs), y, x, dims, outputs, countPadding ? 1 : 0);
    }

    /// <summary>dX[each tap of a window] += dY / divisor. Saved from forward: nothing.</summary>
    /// <param name="dX">(N, H, W, C) input gradient, accumulated.</param>
    /// <param name="dY">(N, P, Q, C) output gradient.</param>
    /// <param name="dims">The pooling.</param>
    /// <param name="countPadding">As in forward.</param>
    public void AvgBackward(ArrayView<float> dX, ArrayView<float> dY, in PoolDims dims, bool countPadding)
    {
        CheckPool("GpuPool.AvgBackward", dY, "dY", dX, "dX", dims);
        int inputs = (int)dX.Length;
        _avgBackward(_shape.GridStride(inputs), dX, dY, dims, inputs, countPadding ? 1 : 0);
    }

    /// <summary>y[n, c] = mean over the pixels of x[n, :, :, c]. Overwrites y.</summary>
    /// <param name="y">(N, C) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="n">Batch N.</param>
    /// <param name="pixels">H * W.</param>
    /// <param name="c">Channels C.</param>
    public void GlobalAvgForward(ArrayView<float> y, ArrayView<float> x, int n, int pixels, int c)
    {
        CheckGlobal("GpuPool.GlobalAvgForward", y, "y", x, "x", n, pixels, c);
        _globalForward(_shape.GridStride((long)n * c), y, x, n, pixels, c);
    }

    /// <summary>dX[n, h, w, c] += dY[n, c] / (H * W). Saved from forward: nothing.</summary>
    /// <param name="dX">(N, H, W, C) input gradient, accumulated.</param>
    /// <param name="dY">(N, C) output gradient.</param>
    /// <param name="n">Batch N.</param>
    /// <param name="pixels">H * W.</param>
    /// <param name="c">Channels C.</param>
    public void GlobalAvgBackward(ArrayView<float> dX, ArrayView<float> dY, int n, int pixels, int c)
    {
        CheckGlobal("GpuPool.GlobalAvgBackward", dY, "dY", dX, "dX", n, pixels, c);
        _globalBackward(_shape.GridStride((long)n * pixels * c), dX, dY, n, pixels, c);
    }

    private static int CheckPool(string kernel, ArrayView<float> output, string outputName, ArrayView<float> input, string inputName, in PoolDims dims)
    {
        try
        {
            dims.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{kernel}: {e.Message}", nameof(dims), e);
        }
        OpsCheck.Length(output.Length, (long)dims.N * dims.P * dims.Q * dims.C, kernel, outputName, "N*P*Q*C");
        OpsCheck.Length(input.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, inputName, "N*H*W*C");
        OpsCheck.Elements(input.Length, kernel, inputName);
        return OpsCheck.Elements(output.Length, kernel, outputName);
    }

    private static void CheckGlobal(string kernel, ArrayView<float> pooled, string pooledName, ArrayView<float> full, string fullName, int n, int pixels, int c)
    {
        OpsCheck.NonNegative(n, kernel, nameof(n));
        OpsCheck.Positive(pixels, kernel, nameof(pixels));
        OpsCheck.Positive(c, kernel, nameof(c));
        OpsCheck.Length(pooled.Length, (long)n * c, kernel, pooledName, "N*C");
        OpsCheck.Length(full.Length, (long)n * pixels * c, kernel, fullName, "N*H*W*C");
        OpsCheck.Elements(full.Length, kernel, fullName);
    }

    /// <summary>Output rows p whose windows cover input row i: [first, last], clipped to [0, outputs).</summary>
    private static void Covering(int i, int pad, int window, int stride, int outputs, out int first, out int last)
    {
        int lowest = i + pad - window + 1;
        first = lowest <= 0 ? 0 : (lowest + stride - 1) / stride;
        last = Math.Min(outputs - 1, (i + pad) / stride);
    }

    private static void MaxForwardKernel(ArrayView<float> y, ArrayView<float> x, PoolDims d, int outputs)
    {
        for (int i = Grid.GlobalIndex.X; i < outputs; i += Grid.DimX * Group.DimX)
        {
            int c = i % d.C, t = i / d.C, q = t % d.Q;
            t /= d.Q;
            int p = t % d.P, n = t / d.P;
            int hLo = Math.Max(0, p * d.StrideH - d.PadTop), hHi = Math.Min(d.H, p * d.StrideH - d.PadTop + d.R);
            int wLo = Math.Max(0, q * d.StrideW - d.PadLeft), wHi = Math.Min(d.W, q * d.StrideW - d.PadLeft + d.S);
            float m = float.NegativeInfinity;
            for (int ih = hLo; ih < hHi; ih++)
            {
                for (int iw = wLo; iw < wHi; iw++)
                    m = MathF.Max(m, x[((n * d.H + ih) * d.W + iw) * d.C + c]);
            }
            y[i] = m;
        }
    }

    private static void MaxBackwardKernel(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> x, PoolDims d, int inputs)
    {
        for (int i = Grid.GlobalIndex.X; i < inputs; i += Grid.DimX * Group.DimX)
        {
            int c = i % d.C, t = i / d.C, w = t % d.W;
            t /= d.W;
            int h = t % d.H, n = t / d.H;
            Covering(h, d.PadTop, d.R, d.StrideH, d.P, out int pFirst, out int pLast);
            Covering(w, d.PadLeft, d.S, d.StrideW, d.Q, out int qFirst, out int qLast);
            float sum = 0f;
            for (int p = pFirst; p <= pLast; p++)
            {
                int hLo = Math.Max(0, p * d.StrideH - d.PadTop), hHi = Math.Min(d.H, p * d.StrideH - d.PadTop + d.R);
                for (int q = qFirst; q <= qLast; q++)
                {
                    int wLo = Math.Max(0, q * d.StrideW - d.PadLeft), wHi = Math.Min(d.W, q * d.StrideW - d.PadLeft + d.S);
                    int bestH = hLo, bestW = wLo;
                    float best = x[((n * d.H + hLo) * d.W + wLo) * d.C + c];
                    for (int ih = hLo; ih < hHi; ih++)
                    {
                        for (int iw = wLo; iw < wHi; iw++)
                        {
                            float v = x[((n * d.H + ih) * d.W + iw) * d.C + c];
                            if (v > best)
                            {
                                best = v;
                                bestH = ih;
                                bestW = iw;
                            }
                        }
                    }
                    if (bestH == h && bestW == w)
                        sum += dY[((n * d.P + p) * d.Q + q) * d.C + c];
                }
            }
            dX[i] += sum;
        }
    }

    /// <summary>1 / the divisor of window (p, q), as the CPU's AvgPool2D counts it.</summary>
    private static float AvgScale(PoolDims d, int p, int q, int countPadding)
    {
        int h0 = p * d.StrideH - d.PadTop, w0 = q * d.StrideW - d.PadLeft;
        int taps = countPadding != 0
            ? (Math.Min(h0 + d.R, d.H + d.PadBottom) - h0) * (Math.Min(w0 + d.S, d.W + d.PadRight) - w0)
            : (Math.Min(d.H, h0 + d.R) - Math.Max(0, h0)) * (Math.Min(d.W, w0 + d.S) - Math.Max(0, w0));
        return 1f / taps;
    }

    private static void AvgForwardKernel(ArrayView<float> y, ArrayView<float> x, PoolDims d, int outputs, int countPadding)
    {
        for (int i = Grid.GlobalIndex.X; i < outputs; i += Grid.DimX * Group.DimX)
        {
            int c = i % d.C, t = i / d.C, q = t % d.Q;
            t /= d.Q;
            int p = t % d.P, n = t / d.P;
            int hLo = Math.Max(0, p * d.StrideH - d.PadTop), hHi = Math.Min(d.H, p * d.StrideH - d.PadTop + d.R);
            int wLo = Math.Max(0, q * d.StrideW - d.PadLeft), wHi = Math.Min(d.W, q * d.StrideW - d.PadLeft + d.S);
            float sum = 0f;
            for (int ih = hLo; ih < hHi; ih++)
            {
                for (int iw = wLo; iw < wHi; iw++)
                    sum += x[((n * d.H + ih) * d.W + iw) * d.C + c];
            }
            y[i] = sum * AvgScale(d, p, q, countPadding);
        }
    }

    private static void AvgBackwardKernel(ArrayView<float> dX, ArrayView<float> dY, PoolDims d, int inputs, int countPadding)
    {
        for (int i = Grid.GlobalIndex.X; i < inputs; i += Grid.DimX * Group.DimX)
        {
            int c = i % d.C, t = i / d.C, w = t % d.W;
            t /= d.W;
            int h = t % d.H, n = t / d.H;
            Covering(h, d.PadTop, d.R, d.StrideH, d.P, out int pFirst, out int pLast);
            Covering(w, d.PadLeft, d.S, d.StrideW, d.Q, out int qFirst, out int qLast);
            float sum = 0f;
            for (int p = pFirst; p <= pLast; p++)
            {
                for (int q = qFirst; q <= qLast; q++)
                    sum += dY[((n * d.P + p) * d.Q + q) * d.C + c] * AvgScale(d, p, q, countPadding);
            }
            dX[i] += sum;
        }
    }

    /// <summary>Thread per (n, c): the pixels in order, then the scale (the CPU's order of operations).</summary>
    private static void GlobalForwardKernel(ArrayView<float> y, ArrayView<float> x, int n, int pixels, int c)
    {
        for (int i = Grid.GlobalIndex.X; i < n * c; i += Grid.DimX * Group.DimX)
        {
            int b = i / c, k = i % c;
            float sum = 0f;
            for (int j = 0; j < pixels; j++)
                sum += x[(b * pixels + j) * c + k];
            y[i] = sum * (1f / pixels);
        }
    }

    private static void GlobalBackwardKernel(ArrayView<float> dX, ArrayView<float> dY, int n, int pixels, int c)
    {
        for (int i = Grid.GlobalIndex.X; i < n * pixels * c; i += Grid.DimX * Group.DimX)
        {
            int k = i % c, b = i / (pixels * c);
            dX[i] += dY[b * c + k] * (1f / pixels);
        }
    }
}
