using System;

namespace NetGen.Kernels;

/// <summary>
/// Average pooling, channels-last: y (N, P, Q, C) = sum of the valid taps of each R x S window
/// of x (N, H, W, C) / divisor. The divisor counts either only the taps inside the input
/// (<c>countPadding: false</c>, Keras, ONNX's default) or the window clipped to the padded
/// input (<c>countPadding: true</c>, PyTorch's default count_include_pad). Each window adds
/// whole channel rows, vectorised over C. Backward needs nothing saved; dX accumulates.
/// </summary>
public static class AvgPool2D
{
    /// <summary>y = window mean of x. Overwrites y.</summary>
    /// <param name="y">(N, P, Q, C) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="dims">The pooling.</param>
    /// <param name="countPadding">Whether padding taps count in the divisor.</param>
    public static void Forward(Span<float> y, ReadOnlySpan<float> x, in PoolDims dims, bool countPadding)
    {
        dims.Validate();
        Check.Length(y.Length, (long)dims.N * dims.P * dims.Q * dims.C, "AvgPool2D.Forward", nameof(y), "N*P*Q*C");
        Check.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, "AvgPool2D.Forward", nameof(x), "N*H*W*C");
        PoolDims d = dims;
        int c = d.C;
        for (int n = 0; n < d.N; n++)
        {
            for (int p = 0; p < d.P; p++)
            {
                for (int q = 0; q < d.Q; q++)
                {
                    var yp = y.Slice(((n * d.P + p) * d.Q + q) * c, c);
                    yp.Clear();
                    Window(d, p, q, countPadding, out int hLo, out int hHi, out int wLo, out int wHi, out float scale);
                    for (int ih = hLo; ih < hHi; ih++)
                    {
                        for (int iw = wLo; iw < wHi; iw++)
                        {
                            Reduce.AddInto(yp, x.Slice(((n * d.H + ih) * d.W + iw) * c, c));
                        }
                    }
                    Reduce.Scale(yp, scale);
                }
            }
        }
    }

    /// <summary>dX[each tap of a window] += dY / divisor.</summary>
    /// <param name="dX">(N, H, W, C) input gradient, accumulated.</param>
    /// <param name="dY">(N, P, Q, C) output gradient.</param>
    /// <param name="dims">The pooling.</param>
    /// <param name="countPadding">As in forward.</param>
    public static void Backward(Span<float> dX, ReadOnlySpan<float> dY, in PoolDims dims, bool countPadding)
    {
        dims.Validate();
        Check.Length(dX.Length, (long)dims.N * dims.H * dims.W * dims.C, "AvgPool2D.Backward", nameof(dX), "N*H*W*C");
        Check.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.C, "AvgPool2D.Backward", nameof(dY), "N*P*Q*C");
        PoolDims d = dims;
        int c = d.C;
        for (int n = 0; n < d.N; n++)
        {
            for (int p = 0; p < d.P; p++)
            {
                for (int q = 0; q < d.Q; q++)
                {
                    var dyp = dY.Slice(((n * d.P + p) * d.Q + q) * c, c);
                    Window(d, p, q, countPadding, out int hLo, out int hHi, out int wLo, out int wHi, out float scale);
                    for (int ih = hLo; ih < hHi; ih++)
                    {
                        for (int iw = wLo; iw < wHi; iw++)
                        {
                            Reduce.AddScaledInto(dX.Slice(((n * d.H + ih) * d.W + iw) * c, c), dyp, scale);
                        }
                    }
                }
            }
        }
    }

    /// <summary>The window's rows/columns inside the input, and 1 / divisor.</summary>
    private static void Window(in PoolDims d, int p, int q, bool countPadding, out int hLo, out int hHi, out int wLo, out int wHi, out float scale)
    {
        int h0 = p * d.StrideH - d.PadTop, w0 = q * d.StrideW - d.PadLeft;
        hLo = Math.Max(0, h0);
        hHi = Math.Min(d.H, h0 + d.R);
        wLo = Math.Max(0, w0);
        wHi = Math.Min(d.W, w0 + d.S);
        int taps = countPadding
            ? (Math.Min(h0 + d.R, d.H + d.PadBottom) - h0) * (Math.Min(w0 + d.S, d.W + d.PadRight) - w0)
            : (hHi - hLo) * (wHi - wLo);
        scale = 1f / taps;
    }
}

/// <summary>
/// Global average pooling: y (N, C) = mean over H, W of x (N, H, W, C) (a (N, 1, 1, C) tensor
/// with keep-dims is the same floats). Backward needs nothing saved; dX accumulates.
/// </summary>
public static class GlobalAvgPool
{
    /// <summary>y[n, c] = mean of x[n, :, :, c]. Overwrites y.</summary>
    /// <param name="y">(N, C) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="n">Batch N.</param>
    /// <param name="pixels">H * W.</param>
    /// <param name="c">Channels C.</param>
    public static void Forward(Span<float> y, ReadOnlySpan<float> x, int n, int pixels, int c)
    {
        Check.Length(y.Length, (long)n * c, "GlobalAvgPool.Forward", nameof(y), "N*C");
        Check.Length(x.Length, (long)n * pixels * c, "GlobalAvgPool.Forward", nameof(x), "N*H*W*C");
        for (int b = 0; b < n; b++)
        {
            var yr = y.Slice(b * c, c);
            yr.Clear();
            for (int i = 0; i < pixels; i++)
            {
                Reduce.AddInto(yr, x.Slice((b * pixels + i) * c, c));
            }
            Reduce.Scale(yr, 1f / pixels);
        }
    }

    /// <summary>dX[n, h, w, c] += dY[n, c] / (H * W).</summary>
    /// <param name="dX">(N, H, W, C) input gradient, accumulated.</param>
    /// <param name="dY">(N, C) output gradient.</param>
    /// <param name="n">Batch N.</param>
    /// <param name="pixels">H * W.</param>
    /// <param name="c">Channels C.</param>
    public static void Backward(Span<float> dX, ReadOnlySpan<float> dY, int n, int pixels, int c)
    {
        Check.Length(dY.Length, (long)n * c, "GlobalAvgPool.Backward", nameof(dY), "N*C");
        Check.Length(dX.Length, (long)n * pixels * c, "GlobalAvgPool.Backward", nameof(dX), "N*H*W*C");
        float scale = 1f / pixels;
        for (int b = 0; b < n; b++)
        {
            var dyr = dY.Slice(b * c, c);
            for (int i = 0; i < pixels; i++)
            {
                Reduce.AddScaledInto(dX.Slice((b * pixels + i) * c, c), dyr, scale);
            }
        }
    }
}
