using System;

namespace NetGen.Kernels;

/// <summary>
/// The forward of a convolution whose packed weights outgrow the core's L2 cache (ResNet's
/// later stages: 3x3 over 256 and 512 channels, 2.4 and 9.4 MB). <see cref="Forward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> runs every
/// output channel for a tile of 4 pixels before moving on, so such weights stream from L3 once
/// per 4 pixels. Here the channel blocks are the outer loop: a pair of 16-channel blocks
/// (R * S * C * 32 floats, 590 KB at 3x3 x 512) runs over every pixel of the sample while it
/// stays in L2, 8 pixels at a time (16 accumulators, 2 weight loads and 8 broadcasts per 16 FMAs).
/// Pixels are taken in row-major order across row ends; a tap in the padding, or a pixel past
/// the end, reads the zero row.
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>Pixels per tile of ForwardPixelTiles: a pixel range starting at a multiple of it keeps every tile but the last full.</summary>
    public const int PixelTilesWidth = ConvKernelChoice.PixelTilesWidth;

    /// <summary>Whether <c>ForwardPixelTiles</c> takes this convolution: no groups, K a multiple of 32.</summary>
    public static bool RunsAsPixelTiles(in Conv2DDims dims) => ConvKernelChoice.PixelTiles(dims.Shape);

    /// <summary>
    /// Whether the kernel choice (<see cref="ConvKernelChoice.PixelTilesWin"/>) finds <c>ForwardPixelTiles</c> faster: it takes it,
    /// with at least 16 input channels and 32 output pixels per sample. Measured here (thread CPU
    /// time, one core, batch 1) against <see cref="Forward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> on every ResNet-18 shape: 3x3 over 128,
    /// 256 and 512 channels 154 -> 201, 125 -> 181 and 120 -> 143 GFLOP/s, the stride-2 3x3 and 1x1
    /// 122-124 -> 167-185 and 143-153 -> 166-167, stage 1 170 -> 179; slower on a 3-channel stem
    /// (one broadcast per 16 FMAs is then a tap's pointer set-up) and on 3x3 pixels (an 8-pixel
    /// tile one-third full).
    /// </summary>
    public static bool SuitsPixelTiles(in Conv2DDims dims) => ConvKernelChoice.PixelTilesWin(dims.Shape);

    /// <summary>
    /// y = act(conv(x, w) + b) for a convolution <see cref="RunsAsPixelTiles"/> takes; arguments as
    /// <see cref="Forward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> (the same packed weights and workspace). Overwrites y.
    /// </summary>
    /// <param name="y">(N, P, Q, K) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="packedWeights">Weights packed by <see cref="Pack"/>.</param>
    /// <param name="bias">(K), or empty for no bias.</param>
    /// <param name="workspace">At least <see cref="ForwardWorkspaceFloats"/> floats of scratch.</param>
    /// <param name="dims">The convolution.</param>
    /// <param name="activation">Activation fused into the store.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void ForwardPixelTiles(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation = Activation.None, float alpha = 0f) =>
        ForwardPixelTiles(y, x, packedWeights, bias, workspace, dims, activation, alpha, KernelPath.Hardware);

    /// <summary><see cref="ForwardPixelTiles(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> on <paramref name="path"/>.</summary>
    internal static void ForwardPixelTiles(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha, KernelPath path)
    {
        dims.Validate();
        Check.Length(y.Length, (long)dims.N * dims.P * dims.Q * dims.K, "Conv2D.ForwardPixelTiles", nameof(y), "N*P*Q*K");
        PixelTiles(y, x, packedWeights, bias, workspace, dims, activation, alpha, 0, dims.P * dims.Q, 0, dims.K, path);
    }

    /// <summary>
    /// Output pixels [<paramref name="firstPixel"/>, <paramref name="endPixel"/>) (row-major, p * Q + q) of
    /// one sample, as <see cref="ForwardPixelTiles(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/>
    /// computes them, bit for bit: <paramref name="y"/> holds those pixels only ((endPixel - firstPixel) x K),
    /// <paramref name="x"/> the whole input. Splits one sample's layer over threads by pixels rather than rows.
    /// </summary>
    public static void ForwardPixelTiles(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha, int firstPixel, int endPixel)
    {
        const string kernel = "Conv2D.ForwardPixelTiles";
        dims.Validate();
        if (dims.N != 1 || !(0 <= firstPixel && firstPixel < endPixel && endPixel <= dims.P * dims.Q))
        {
            throw Check.Failure(kernel, $"a pixel range needs N = 1 and 0 <= first < end <= P*Q = {dims.P * dims.Q}; got N = {dims.N}, [{firstPixel}, {endPixel}).");
        }
        Check.Length(y.Length, (long)(endPixel - firstPixel) * dims.K, kernel, nameof(y), "(endPixel - firstPixel)*K");
        PixelTiles(y, x, packedWeights, bias, workspace, dims, activation, alpha, firstPixel, endPixel, 0, dims.K, KernelPath.Hardware);
    }

    /// <summary>The checks every entry shares, then the kernel over pixels [first, end) and channels [firstChannel, endChannel) of every sample, on <paramref name="path"/>.</summary>
    private static void PixelTiles(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha, int firstPixel, int endPixel,
        int firstChannel, int endChannel, KernelPath path)
    {
        const string kernel = "Conv2D.ForwardPixelTiles";
        if (!RunsAsPixelTiles(dims))
        {
            throw Check.Failure(kernel, $"needs groups 1 and K a multiple of 32; got groups {dims.Groups}, K {dims.K}.");
        }
        CheckForwardInputs(kernel, x, packedWeights, bias, workspace, dims);
        workspace[..dims.C].Clear();
        fixed (float* py = y, px = x, pw = packedWeights, pb = bias, ps = workspace)
        {
            float* b = bias.Length == 0 ? null : pb;
            if (path.Use512)
            {
                PixelTilesCore<Lanes512>(py, px, pw, b, ps, ps + dims.C, dims, activation, alpha, firstPixel, endPixel, firstChannel, endChannel);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                PixelTilesCore<Lanes256>(py, px, pw, b, ps, ps + dims.C, dims, activation, alpha, firstPixel, endPixel, firstChannel, endChannel);
            }
            else if (path.Fused)
            {
                PixelTilesCore<Lanes128<Fused>>(py, px, pw, b, ps, ps + dims.C, dims, activation, alpha, firstPixel, endPixel, firstChannel, endChannel);
            }
            else
            {
                PixelTilesCore<Lanes128<Unfused>>(py, px, pw, b, ps, ps + dims.C, dims, activation, alpha, firstPixel, endPixel, firstChannel, endChannel);
            }
        }
    }

    /// <summary>Pixels [first, end) and channels [firstChannel, endChannel) (multiples of 32) of each sample; y holds (end - first) pixels of K channels per sample.</summary>
    private static void PixelTilesCore<TV>(float* y, float* x, float* w, float* b, float* zero, float* tail, in Conv2DDims dims,
        Activation act, float alpha, int first, int end, int firstChannel, int endChannel)
        where TV : struct, ILanes16<TV>
    {
        int n0 = dims.N, k = dims.K, pixels = end - first;
        int blockFloats = dims.R * dims.S * dims.C * Simd.Block;
        bool relu = act == Activation.ReLU, slowActivation = act > Activation.ReLU;
        for (int n = 0; n < n0; n++)
        {
            float* xImage = x + (long)n * dims.H * dims.W * dims.C;
            float* yImage = y + (long)n * pixels * k;
            for (int kb = firstChannel; kb < endChannel; kb += 2 * Simd.Block)
            {
                float* wBlock = w + kb / Simd.Block * blockFloats;
                float* bb = b == null ? null : b + kb;
                for (int f = 0; f < pixels; f += PixelTilesWidth)
                {
                    int count = Math.Min(PixelTilesWidth, pixels - f);
                    EightPixels<TV>(yImage + (long)f * k + kb, xImage, wBlock, bb, zero, tail, first + f, count, dims, relu);
                    if (slowActivation)
                    {
                        for (int i = 0; i < count; i++)
                        {
                            Epilogue.Activate(yImage + (long)(f + i) * k + kb, 2 * Simd.Block, act, alpha);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Output pixels f .. f + count - 1 (row-major, count &lt;= 8) x 32 channels.</summary>
    private static void EightPixels<TV>(float* yb, float* x, float* wBlock, float* bias, float* zero, float* tail,
        int f, int count, in Conv2DDims d, bool relu)
        where TV : struct, ILanes16<TV>
    {
        int h = d.H, wd = d.W, c = d.C, k = d.K, r0 = d.R, s0 = d.S, q0 = d.Q, dh = d.DilationH, dw = d.DilationW;
        int blockFloats = r0 * s0 * c * Simd.Block;
        // Each pixel's window origin (input row, column), in the padding when negative.
        int* origin = stackalloc int[2 * PixelTilesWidth];
        for (int i = 0; i < PixelTilesWidth; i++)
        {
            int pixel = Math.Min(f + i, f + count - 1);
            origin[2 * i] = pixel / q0 * d.StrideH - d.PadTop;
            origin[2 * i + 1] = pixel % q0 * d.StrideW - d.PadLeft;
        }
        TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero, a5 = TV.Zero, a6 = TV.Zero, a7 = TV.Zero;
        TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero, b4 = TV.Zero, b5 = TV.Zero, b6 = TV.Zero, b7 = TV.Zero;
        for (int r = 0; r < r0; r++)
        {
            for (int s = 0; s < s0; s++)
            {
                float* x0 = Tap(x, zero, origin, 0, count, r * dh, s * dw, h, wd, c);
                float* x1 = Tap(x, zero, origin, 1, count, r * dh, s * dw, h, wd, c);
                float* x2 = Tap(x, zero, origin, 2, count, r * dh, s * dw, h, wd, c);
                float* x3 = Tap(x, zero, origin, 3, count, r * dh, s * dw, h, wd, c);
                float* x4 = Tap(x, zero, origin, 4, count, r * dh, s * dw, h, wd, c);
                float* x5 = Tap(x, zero, origin, 5, count, r * dh, s * dw, h, wd, c);
                float* x6 = Tap(x, zero, origin, 6, count, r * dh, s * dw, h, wd, c);
                float* x7 = Tap(x, zero, origin, 7, count, r * dh, s * dw, h, wd, c);
                float* w0 = wBlock + (r * s0 + s) * c * Simd.Block;
                for (int ci = 0; ci < c; ci++)
                {
                    TV wa = TV.Load(w0), wb = TV.Load(w0 + blockFloats);
                    TV v = TV.Broadcast(x0[ci]);
                    a0 = TV.Fma(v, wa, a0);
                    b0 = TV.Fma(v, wb, b0);
                    v = TV.Broadcast(x1[ci]);
                    a1 = TV.Fma(v, wa, a1);
                    b1 = TV.Fma(v, wb, b1);
                    v = TV.Broadcast(x2[ci]);
                    a2 = TV.Fma(v, wa, a2);
                    b2 = TV.Fma(v, wb, b2);
                    v = TV.Broadcast(x3[ci]);
                    a3 = TV.Fma(v, wa, a3);
                    b3 = TV.Fma(v, wb, b3);
                    v = TV.Broadcast(x4[ci]);
                    a4 = TV.Fma(v, wa, a4);
                    b4 = TV.Fma(v, wb, b4);
                    v = TV.Broadcast(x5[ci]);
                    a5 = TV.Fma(v, wa, a5);
                    b5 = TV.Fma(v, wb, b5);
                    v = TV.Broadcast(x6[ci]);
                    a6 = TV.Fma(v, wa, a6);
                    b6 = TV.Fma(v, wb, b6);
                    v = TV.Broadcast(x7[ci]);
                    a7 = TV.Fma(v, wa, a7);
                    b7 = TV.Fma(v, wb, b7);
                    w0 += Simd.Block;
                }
            }
        }
        float* bias1 = bias == null ? null : bias + Simd.Block;
        StorePair(yb, a0, b0, bias, bias1, tail, relu);
        if (count > 1)
        {
            StorePair(yb + k, a1, b1, bias, bias1, tail, relu);
        }
        if (count > 2)
        {
            StorePair(yb + 2 * k, a2, b2, bias, bias1, tail, relu);
        }
        if (count > 3)
        {
            StorePair(yb + 3 * k, a3, b3, bias, bias1, tail, relu);
        }
        if (count > 4)
        {
            StorePair(yb + 4 * k, a4, b4, bias, bias1, tail, relu);
        }
        if (count > 5)
        {
            StorePair(yb + 5 * k, a5, b5, bias, bias1, tail, relu);
        }
        if (count > 6)
        {
            StorePair(yb + 6 * k, a6, b6, bias, bias1, tail, relu);
        }
        if (count > 7)
        {
            StorePair(yb + 7 * k, a7, b7, bias, bias1, tail, relu);
        }
    }

    /// <summary>Where pixel i of the tile reads tap (dr, ds): its input pixel, or the zero row in the padding or past the tile's count.</summary>
    private static float* Tap(float* x, float* zero, int* origin, int i, int count, int dr, int ds, int h, int wd, int c)
    {
        int ih = origin[2 * i] + dr, iw = origin[2 * i + 1] + ds;
        return i < count && (uint)ih < (uint)h && (uint)iw < (uint)wd ? x + ((long)ih * wd + iw) * c : zero;
    }

    private static void StorePair<TV>(float* y, TV a, TV b, float* bias, float* bias1, float* tail, bool relu)
        where TV : struct, ILanes16<TV>
    {
        Epilogue.Store(y, a, bias, Simd.Block, relu, tail);
        Epilogue.Store(y + Simd.Block, b, bias1, Simd.Block, relu, tail);
    }
}
