using System;

namespace NetGen.Kernels;

/// <summary>
/// The forward of a convolution with few input channels (an image stem: ResNet's 7x7 stride-2
/// convolution from 3 channels). <see cref="Forward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> walks taps (r, s) and then the C/G
/// channels of each: with C = 3 that is 3 multiply-adds per pointer set-up and loop exit. Here,
/// for one kernel row r, the S taps times C channels of a window are S * C consecutive floats of
/// the input row (channels-last, dilation 1 across) and S * C consecutive 16-lane rows of the
/// packed weights (R, S, C, 16), so windows that lie inside the row run one loop of S * C steps.
/// A tile is 4 output pixels x 64 output channels (16 accumulators, 4 weight loads and 4
/// broadcasts per 16 FMAs); windows that cross the left or right edge, and pixels past Q, read
/// the zero row tap by tap. The kernel-choice table (<see cref="ConvKernelChoice"/>) gives it image stems: inference reaches it
/// through <see cref="Execution.LayerBands.Conv2DForward"/>, the generated training forward calls it directly.
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>Channels per tile of <see cref="ForwardRowTaps(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/>: 4 blocks of 16.</summary>
    private const int RowTapChannels = ConvKernelChoice.RowTapChannels;

    /// <summary>
    /// Whether <see cref="ForwardRowTaps(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> takes this convolution: no groups, at most 4 input
    /// channels, no horizontal dilation, K a multiple of 64.
    /// </summary>
    public static bool RunsAsRowTaps(in Conv2DDims dims) => ConvKernelChoice.RowTaps(dims.Shape);

    /// <summary>
    /// y = act(conv(x, w) + b) for a convolution <see cref="RunsAsRowTaps"/> takes; arguments as
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
    public static void ForwardRowTaps(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation = Activation.None, float alpha = 0f) =>
        ForwardRowTaps(y, x, packedWeights, bias, workspace, dims, activation, alpha, KernelPath.Hardware);

    /// <summary><see cref="ForwardRowTaps(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> on <paramref name="path"/>.</summary>
    internal static void ForwardRowTaps(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha, KernelPath path)
    {
        const string kernel = "Conv2D.ForwardRowTaps";
        dims.Validate();
        if (!RunsAsRowTaps(dims))
        {
            throw Check.Failure(kernel, $"needs groups 1, C <= 4, dilation 1 across and K a multiple of 64; got groups {dims.Groups}, C {dims.C}, dilation {dims.DilationW}, K {dims.K}.");
        }
        Check.Length(y.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(y), "N*P*Q*K");
        CheckForwardInputs(kernel, x, packedWeights, bias, workspace, dims);
        workspace[..dims.C].Clear();
        fixed (float* py = y, px = x, pw = packedWeights, pb = bias, ps = workspace)
        {
            float* b = bias.Length == 0 ? null : pb;
            if (path.Use512)
            {
                RowTapsCore<Lanes512>(py, px, pw, b, ps, ps + dims.C, dims, activation, alpha);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                RowTapsCore<Lanes256>(py, px, pw, b, ps, ps + dims.C, dims, activation, alpha);
            }
            else if (path.Fused)
            {
                RowTapsCore<Lanes128<Fused>>(py, px, pw, b, ps, ps + dims.C, dims, activation, alpha);
            }
            else
            {
                RowTapsCore<Lanes128<Unfused>>(py, px, pw, b, ps, ps + dims.C, dims, activation, alpha);
            }
        }
    }

    private static void RowTapsCore<TV>(float* y, float* x, float* w, float* b, float* zero, float* tail, in Conv2DDims dims, Activation act, float alpha)
        where TV : struct, ILanes16<TV>
    {
        // Locals, not struct reads, so the JIT keeps them in registers.
        int n0 = dims.N, h = dims.H, wd = dims.W, c = dims.C, k = dims.K, r0 = dims.R, s0 = dims.S;
        int p0 = dims.P, q0 = dims.Q, sh = dims.StrideH, sw = dims.StrideW, pt = dims.PadTop, pl = dims.PadLeft, dh = dims.DilationH;
        int blockFloats = r0 * s0 * c * Simd.Block;
        bool relu = act == Activation.ReLU, slowActivation = act > Activation.ReLU;
        for (int n = 0; n < n0; n++)
        {
            float* xImage = x + (long)n * h * wd * c;
            for (int p = 0; p < p0; p++)
            {
                int ihBase = p * sh - pt;
                for (int qt = 0; qt < q0; qt += PixelTile)
                {
                    int nq = Math.Min(PixelTile, q0 - qt), iwBase = qt * sw - pl;
                    // Every tap of the tile's 4 windows inside the row: one loop over S * C.
                    bool inside = nq == PixelTile && iwBase >= 0 && iwBase + (PixelTile - 1) * sw + s0 - 1 < wd;
                    for (int kb = 0; kb < k; kb += RowTapChannels)
                    {
                        var tile = new RowTapTile(xImage, w + kb / Simd.Block * blockFloats, zero, h, wd, c, r0, s0, sw, dh, blockFloats, ihBase, iwBase, nq);
                        float* yb = y + (((long)n * p0 + p) * q0 + qt) * k + kb;
                        float* bb = b == null ? null : b + kb;
                        if (inside)
                        {
                            RowTapsInside<TV>(yb, bb, tail, tile, k, relu);
                        }
                        else
                        {
                            RowTapsEdge<TV>(yb, bb, tail, tile, k, relu);
                        }
                        if (slowActivation)
                        {
                            for (int i = 0; i < nq; i++)
                            {
                                Epilogue.Activate(yb + i * k, RowTapChannels, act, alpha);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Where one tile reads: the sample, the first of its 4 weight blocks, and the window origin.</summary>
    private readonly struct RowTapTile(float* x, float* w, float* zero, int h, int wd, int c, int r, int s, int sw, int dh,
        int blockFloats, int ihBase, int iwBase, int nq)
    {
        public readonly float* X = x, W = w, Zero = zero;
        public readonly int H = h, Wd = wd, C = c, R = r, S = s, StrideW = sw, DilationH = dh, BlockFloats = blockFloats;
        public readonly int IhBase = ihBase, IwBase = iwBase, Nq = nq;
    }

    /// <summary>4 pixels whose windows lie inside the row: per kernel row, one loop over the S * C consecutive taps.</summary>
    private static void RowTapsInside<TV>(float* yb, float* bias, float* tail, in RowTapTile t, int k, bool relu)
        where TV : struct, ILanes16<TV>
    {
        int h = t.H, wd = t.Wd, c = t.C, r0 = t.R, sc = t.S * c, step = t.StrideW * c, dh = t.DilationH, bf = t.BlockFloats;
        TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero;
        TV c0 = TV.Zero, c1 = TV.Zero, c2 = TV.Zero, c3 = TV.Zero, d0 = TV.Zero, d1 = TV.Zero, d2 = TV.Zero, d3 = TV.Zero;
        for (int r = 0; r < r0; r++)
        {
            int ih = t.IhBase + r * dh;
            if ((uint)ih >= (uint)h)
            {
                continue;
            }
            float* x0 = t.X + ((long)ih * wd + t.IwBase) * c;
            float* w0 = t.W + r * sc * Simd.Block;
            for (int j = 0; j < sc; j++)
            {
                TV wa = TV.Load(w0), wb = TV.Load(w0 + bf), wc = TV.Load(w0 + 2 * bf), we = TV.Load(w0 + 3 * bf);
                TV v = TV.Broadcast(x0[j]);
                a0 = TV.Fma(v, wa, a0);
                b0 = TV.Fma(v, wb, b0);
                c0 = TV.Fma(v, wc, c0);
                d0 = TV.Fma(v, we, d0);
                v = TV.Broadcast(x0[j + step]);
                a1 = TV.Fma(v, wa, a1);
                b1 = TV.Fma(v, wb, b1);
                c1 = TV.Fma(v, wc, c1);
                d1 = TV.Fma(v, we, d1);
                v = TV.Broadcast(x0[j + 2 * step]);
                a2 = TV.Fma(v, wa, a2);
                b2 = TV.Fma(v, wb, b2);
                c2 = TV.Fma(v, wc, c2);
                d2 = TV.Fma(v, we, d2);
                v = TV.Broadcast(x0[j + 3 * step]);
                a3 = TV.Fma(v, wa, a3);
                b3 = TV.Fma(v, wb, b3);
                c3 = TV.Fma(v, wc, c3);
                d3 = TV.Fma(v, we, d3);
                w0 += Simd.Block;
            }
        }
        StorePixel(yb, a0, b0, c0, d0, bias, tail, relu);
        StorePixel(yb + k, a1, b1, c1, d1, bias, tail, relu);
        StorePixel(yb + 2 * k, a2, b2, c2, d2, bias, tail, relu);
        StorePixel(yb + 3 * k, a3, b3, c3, d3, bias, tail, relu);
    }

    /// <summary>4 pixels (or the last nq &lt; 4 of a row) whose windows may cross the edge: tap by tap, the padding reading the zero row.</summary>
    private static void RowTapsEdge<TV>(float* yb, float* bias, float* tail, in RowTapTile t, int k, bool relu)
        where TV : struct, ILanes16<TV>
    {
        int h = t.H, wd = t.Wd, c = t.C, r0 = t.R, s0 = t.S, sw = t.StrideW, dh = t.DilationH, bf = t.BlockFloats, nq = t.Nq;
        TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero;
        TV c0 = TV.Zero, c1 = TV.Zero, c2 = TV.Zero, c3 = TV.Zero, d0 = TV.Zero, d1 = TV.Zero, d2 = TV.Zero, d3 = TV.Zero;
        for (int r = 0; r < r0; r++)
        {
            int ih = t.IhBase + r * dh;
            if ((uint)ih >= (uint)h)
            {
                continue;
            }
            float* row = t.X + (long)ih * wd * c;
            for (int s = 0; s < s0; s++)
            {
                int iw = t.IwBase + s;
                float* x0 = (uint)iw < (uint)wd ? row + iw * c : t.Zero;
                iw += sw;
                float* x1 = nq > 1 && (uint)iw < (uint)wd ? row + iw * c : t.Zero;
                iw += sw;
                float* x2 = nq > 2 && (uint)iw < (uint)wd ? row + iw * c : t.Zero;
                iw += sw;
                float* x3 = nq > 3 && (uint)iw < (uint)wd ? row + iw * c : t.Zero;
                float* w0 = t.W + (r * s0 + s) * c * Simd.Block;
                for (int ci = 0; ci < c; ci++)
                {
                    TV wa = TV.Load(w0), wb = TV.Load(w0 + bf), wc = TV.Load(w0 + 2 * bf), we = TV.Load(w0 + 3 * bf);
                    TV v = TV.Broadcast(x0[ci]);
                    a0 = TV.Fma(v, wa, a0);
                    b0 = TV.Fma(v, wb, b0);
                    c0 = TV.Fma(v, wc, c0);
                    d0 = TV.Fma(v, we, d0);
                    v = TV.Broadcast(x1[ci]);
                    a1 = TV.Fma(v, wa, a1);
                    b1 = TV.Fma(v, wb, b1);
                    c1 = TV.Fma(v, wc, c1);
                    d1 = TV.Fma(v, we, d1);
                    v = TV.Broadcast(x2[ci]);
                    a2 = TV.Fma(v, wa, a2);
                    b2 = TV.Fma(v, wb, b2);
                    c2 = TV.Fma(v, wc, c2);
                    d2 = TV.Fma(v, we, d2);
                    v = TV.Broadcast(x3[ci]);
                    a3 = TV.Fma(v, wa, a3);
                    b3 = TV.Fma(v, wb, b3);
                    c3 = TV.Fma(v, wc, c3);
                    d3 = TV.Fma(v, we, d3);
                    w0 += Simd.Block;
                }
            }
        }
        StorePixel(yb, a0, b0, c0, d0, bias, tail, relu);
        if (nq > 1)
        {
            StorePixel(yb + k, a1, b1, c1, d1, bias, tail, relu);
        }
        if (nq > 2)
        {
            StorePixel(yb + 2 * k, a2, b2, c2, d2, bias, tail, relu);
        }
        if (nq > 3)
        {
            StorePixel(yb + 3 * k, a3, b3, c3, d3, bias, tail, relu);
        }
    }

    /// <summary>One pixel's 64 channels: bias, ReLU, store.</summary>
    private static void StorePixel<TV>(float* y, TV a, TV b, TV c, TV d, float* bias, float* tail, bool relu)
        where TV : struct, ILanes16<TV>
    {
        Epilogue.Store(y, a, bias, Simd.Block, relu, tail);
        Epilogue.Store(y + Simd.Block, b, bias == null ? null : bias + Simd.Block, Simd.Block, relu, tail);
        Epilogue.Store(y + 2 * Simd.Block, c, bias == null ? null : bias + 2 * Simd.Block, Simd.Block, relu, tail);
        Epilogue.Store(y + 3 * Simd.Block, d, bias == null ? null : bias + 3 * Simd.Block, Simd.Block, relu, tail);
    }
}
