using System;

namespace NetGen.Kernels;

/// <summary>
/// Max pooling, channels-last: y (N, P, Q, C) = max over the valid taps of each R x S window
/// of x (N, H, W, C); padding taps are ignored (as PyTorch's -inf padding). Vectorised over
/// 16 channels. Backward needs x saved and recomputes each window's arg-max (the first
/// maximum in row-major window order, as PyTorch); dX accumulates with +=.
/// </summary>
public static unsafe class MaxPool2D
{
    /// <summary>y = window max of x. Overwrites y.</summary>
    /// <param name="y">(N, P, Q, C) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="dims">The pooling.</param>
    public static void Forward(Span<float> y, ReadOnlySpan<float> x, in PoolDims dims) => Forward(y, x, dims, KernelPath.Hardware);

    /// <summary><see cref="Forward(Span{float}, ReadOnlySpan{float}, in PoolDims)"/> on <paramref name="path"/>.</summary>
    internal static void Forward(Span<float> y, ReadOnlySpan<float> x, in PoolDims dims, KernelPath path) =>
        Rows(y, x, dims, 0, dims.P, "MaxPool2D.Forward", path);

    /// <summary>
    /// Output rows [<paramref name="firstRow"/>, <paramref name="endRow"/>) of every sample of <see cref="Forward(Span{float}, ReadOnlySpan{float}, in PoolDims)"/>, the
    /// same values; the other rows of <paramref name="y"/> are left as they are. Splits one sample's pooling over threads.
    /// </summary>
    /// <param name="y">(N, P, Q, C) output, the whole of it.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="dims">The pooling.</param>
    /// <param name="firstRow">First output row.</param>
    /// <param name="endRow">End of the rows (exclusive), at most P.</param>
    public static void ForwardRows(Span<float> y, ReadOnlySpan<float> x, in PoolDims dims, int firstRow, int endRow)
    {
        if (!(0 <= firstRow && firstRow < endRow && endRow <= dims.P))
        {
            throw Check.Failure("MaxPool2D.ForwardRows", $"a row range needs 0 <= first < end <= P = {dims.P}; got [{firstRow}, {endRow}).");
        }
        Rows(y, x, dims, firstRow, endRow, "MaxPool2D.ForwardRows", KernelPath.Hardware);
    }

    private static void Rows(Span<float> y, ReadOnlySpan<float> x, in PoolDims dims, int firstRow, int endRow, string kernel, KernelPath path)
    {
        dims.Validate();
        Check.Length(y.Length, (long)dims.N * dims.P * dims.Q * dims.C, kernel, nameof(y), "N*P*Q*C");
        Check.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(x), "N*H*W*C");
        fixed (float* py = y, px = x)
        {
            if (path.Use512)
            {
                ForwardCore<Lanes512>(py, px, dims, firstRow, endRow);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                ForwardCore<Lanes256>(py, px, dims, firstRow, endRow);
            }
            else if (path.Fused)
            {
                ForwardCore<Lanes128<Fused>>(py, px, dims, firstRow, endRow);
            }
            else
            {
                ForwardCore<Lanes128<Unfused>>(py, px, dims, firstRow, endRow);
            }
        }
    }

    private static void ForwardCore<TV>(float* y, float* x, in PoolDims dims, int firstRow, int endRow)
        where TV : struct, ILanes16<TV>
    {
        int n0 = dims.N, h = dims.H, wd = dims.W, c = dims.C, r0 = dims.R, s0 = dims.S;
        int p0 = dims.P, q0 = dims.Q, sh = dims.StrideH, sw = dims.StrideW, pt = dims.PadTop, pl = dims.PadLeft;
        int full = c / Simd.Block * Simd.Block;
        TV lowest = TV.Broadcast(float.NegativeInfinity);
        for (int n = 0; n < n0; n++)
        {
            for (int p = firstRow; p < endRow; p++)
            {
                int hLo = Math.Max(0, p * sh - pt), hHi = Math.Min(h, p * sh - pt + r0);
                for (int q = 0; q < q0; q++)
                {
                    int wLo = Math.Max(0, q * sw - pl), wHi = Math.Min(wd, q * sw - pl + s0);
                    float* yp = y + ((n * p0 + p) * q0 + q) * c;
                    for (int cb = 0; cb < full; cb += Simd.Block)
                    {
                        TV m = lowest;
                        for (int ih = hLo; ih < hHi; ih++)
                        {
                            float* xr = x + ((n * h + ih) * wd) * c + cb;
                            for (int iw = wLo; iw < wHi; iw++)
                            {
                                m = TV.Max(m, TV.Load(xr + iw * c));
                            }
                        }
                        TV.Store(yp + cb, m);
                    }
                    for (int ci = full; ci < c; ci++)
                    {
                        float m = float.NegativeInfinity;
                        for (int ih = hLo; ih < hHi; ih++)
                        {
                            for (int iw = wLo; iw < wHi; iw++)
                            {
                                m = MathF.Max(m, x[((n * h + ih) * wd + iw) * c + ci]);
                            }
                        }
                        yp[ci] = m;
                    }
                }
            }
        }
    }

    /// <summary>dX[arg-max of each window] += dY.</summary>
    /// <param name="dX">(N, H, W, C) input gradient, accumulated.</param>
    /// <param name="dY">(N, P, Q, C) output gradient.</param>
    /// <param name="x">(N, H, W, C) the forward input.</param>
    /// <param name="dims">The pooling.</param>
    public static void Backward(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, in PoolDims dims) =>
        Backward(dX, dY, x, dims, KernelPath.Hardware);

    /// <summary><see cref="Backward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, in PoolDims)"/> on <paramref name="path"/>.</summary>
    internal static void Backward(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, in PoolDims dims, KernelPath path)
    {
        const string kernel = "MaxPool2D.Backward";
        dims.Validate();
        Check.Length(dX.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(dX), "N*H*W*C");
        Check.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.C, kernel, nameof(dY), "N*P*Q*C");
        Check.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(x), "N*H*W*C");
        fixed (float* pdx = dX, pdy = dY, px = x)
        {
            if (path.Use512)
            {
                BackwardCore<Lanes512>(pdx, pdy, px, dims, false);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                BackwardCore<Lanes256>(pdx, pdy, px, dims, false);
            }
            else if (path.Fused)
            {
                BackwardCore<Lanes128<Fused>>(pdx, pdy, px, dims, false);
            }
            else
            {
                BackwardCore<Lanes128<Unfused>>(pdx, pdy, px, dims, false);
            }
        }
    }

    /// <summary>Whether every input pixel lies in exactly one window: stride = window, no padding, P x R = H and Q x S = W.</summary>
    public static bool Tiles(in PoolDims dims) =>
        dims.StrideH == dims.R && dims.StrideW == dims.S && dims.PadTop == 0 && dims.PadLeft == 0 &&
        dims.P * dims.R == dims.H && dims.Q * dims.S == dims.W;

    /// <summary>
    /// dX = the gradient of a pooling whose windows tile the input (<see cref="Tiles"/>): every
    /// element is written once (dY at each window's first maximum, 0 elsewhere), so dX needs no
    /// clearing first; the values equal <see cref="Backward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, in PoolDims)"/> into a zeroed dX.
    /// </summary>
    /// <param name="dX">(N, H, W, C) input gradient, overwritten.</param>
    /// <param name="dY">(N, P, Q, C) output gradient.</param>
    /// <param name="x">(N, H, W, C) the forward input.</param>
    /// <param name="dims">The pooling.</param>
    public static void BackwardOverwrite(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, in PoolDims dims) =>
        BackwardOverwrite(dX, dY, x, dims, KernelPath.Hardware);

    /// <summary><see cref="BackwardOverwrite(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, in PoolDims)"/> on <paramref name="path"/>.</summary>
    internal static void BackwardOverwrite(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, in PoolDims dims, KernelPath path)
    {
        const string kernel = "MaxPool2D.BackwardOverwrite";
        dims.Validate();
        if (!Tiles(dims))
        {
            throw new ArgumentException(
                $"{kernel}: the {dims.R}x{dims.S} windows with stride {dims.StrideH}x{dims.StrideW} and padding {dims.PadTop},{dims.PadLeft} do not tile the {dims.H}x{dims.W} input exactly; use Backward into a cleared dX.", nameof(dims));
        }
        Check.Length(dX.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(dX), "N*H*W*C");
        Check.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.C, kernel, nameof(dY), "N*P*Q*C");
        Check.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(x), "N*H*W*C");
        fixed (float* pdx = dX, pdy = dY, px = x)
        {
            if (path.Use512)
            {
                BackwardCore<Lanes512>(pdx, pdy, px, dims, true);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                BackwardCore<Lanes256>(pdx, pdy, px, dims, true);
            }
            else if (path.Fused)
            {
                BackwardCore<Lanes128<Fused>>(pdx, pdy, px, dims, true);
            }
            else
            {
                BackwardCore<Lanes128<Unfused>>(pdx, pdy, px, dims, true);
            }
        }
    }

    /// <summary>
    /// 16 channels at a time: each lane keeps the window's running maximum and the index of the
    /// tap that first reached it (a tap replaces it only when strictly greater, so the first
    /// maximum wins and a NaN never does, as in the scalar scan), then every tap adds dY in the
    /// lanes whose index is its own.
    /// </summary>
    private static void BackwardCore<TV>(float* dx, float* dy, float* x, in PoolDims dims, bool overwrite)
        where TV : struct, ILanes16<TV>
    {
        int n0 = dims.N, h = dims.H, wd = dims.W, c = dims.C, r0 = dims.R, s0 = dims.S;
        int p0 = dims.P, q0 = dims.Q, sh = dims.StrideH, sw = dims.StrideW, pt = dims.PadTop, pl = dims.PadLeft;
        int full = c / Simd.Block * Simd.Block;
        for (int n = 0; n < n0; n++)
        {
            for (int p = 0; p < p0; p++)
            {
                int hLo = Math.Max(0, p * sh - pt), hHi = Math.Min(h, p * sh - pt + r0);
                for (int q = 0; q < q0; q++)
                {
                    int wLo = Math.Max(0, q * sw - pl), wHi = Math.Min(wd, q * sw - pl + s0);
                    float* dyPixel = dy + ((n * p0 + p) * q0 + q) * c;
                    float* first = x + ((n * h + hLo) * wd + wLo) * c;
                    float* dxFirst = dx + ((n * h + hLo) * wd + wLo) * c;
                    int rowFloats = wd * c;
                    for (int cb = 0; cb < full; cb += Simd.Block)
                    {
                        TV best = TV.Load(first + cb), index = TV.Zero;
                        int tap = 0;
                        for (int ih = hLo; ih < hHi; ih++)
                        {
                            for (int iw = wLo; iw < wHi; iw++, tap++)
                            {
                                TV v = TV.Load(first + (ih - hLo) * rowFloats + (iw - wLo) * c + cb);
                                TV greater = TV.GreaterThan(v, best);
                                best = TV.Select(greater, v, best);
                                index = TV.Select(greater, TV.Broadcast(tap), index);
                            }
                        }
                        TV g = TV.Load(dyPixel + cb);
                        tap = 0;
                        for (int ih = hLo; ih < hHi; ih++)
                        {
                            for (int iw = wLo; iw < wHi; iw++, tap++)
                            {
                                float* d = dxFirst + (ih - hLo) * rowFloats + (iw - wLo) * c + cb;
                                TV routed = TV.And(g, TV.Equal(index, TV.Broadcast(tap)));
                                TV.Store(d, overwrite ? routed : TV.Add(TV.Load(d), routed));
                            }
                        }
                    }
                    for (int ci = full; ci < c; ci++)
                    {
                        int best = ((n * h + hLo) * wd + wLo) * c + ci;
                        float m = x[best];
                        for (int ih = hLo; ih < hHi; ih++)
                        {
                            for (int iw = wLo; iw < wHi; iw++)
                            {
                                int at = ((n * h + ih) * wd + iw) * c + ci;
                                if (overwrite)
                                {
                                    dx[at] = 0f;
                                }
                                if (x[at] > m)
                                {
                                    m = x[at];
                                    best = at;
                                }
                            }
                        }
                        dx[best] += dyPixel[ci];
                    }
                }
            }
        }
    }
}
