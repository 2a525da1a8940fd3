using System;

namespace NetGen.Kernels;

/// <summary>
/// Depthwise convolution with multiplier 1 (Groups == C == K), the MobileNet case. The
/// general grouped path would fill 1 lane of each 16-lane block; here the vector runs over
/// channels instead: both packed layouts are (R, S, ceil(C/16) * 16), tap-major, channels
/// innermost and zero-filled, and every tap is one multiply-add of 16 channels of x with
/// 16 channels of the tap's weights into the output pixel.
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>Groups == C == K > 1: one filter per channel.</summary>
    internal static bool IsDepthwise(in Conv2DDims d) => ConvKernelChoice.IsDepthwise(d.Shape);

    private static int DepthwisePackedFloats(in Conv2DDims d) => d.R * d.S * Simd.Blocks(d.C) * Simd.Block;

    /// <summary>(C, 1, R, S) to (R, S, ceil(C/16) * 16), used for both forward and backward data.</summary>
    private static void PackDepthwise(Span<float> packed, ReadOnlySpan<float> weights, in Conv2DDims d)
    {
        int padded = Simd.Blocks(d.C) * Simd.Block, taps = d.R * d.S;
        packed.Clear();
        for (int c = 0; c < d.C; c++)
        {
            for (int t = 0; t < taps; t++)
            {
                packed[t * padded + c] = weights[c * taps + t];
            }
        }
    }

    private static void DepthwiseForward<TV>(float* y, float* x, float* w, float* b, in Conv2DDims dims, Activation act, float alpha, bool accumulate)
        where TV : struct, ILanes16<TV>
    {
        int n0 = dims.N, h = dims.H, wd = dims.W, c = dims.C, r0 = dims.R, s0 = dims.S;
        int p0 = dims.P, q0 = dims.Q, sh = dims.StrideH, sw = dims.StrideW, pt = dims.PadTop, pl = dims.PadLeft;
        int dh = dims.DilationH, dw = dims.DilationW;
        int padded = Simd.Blocks(c) * Simd.Block, full = c / Simd.Block * Simd.Block;
        for (int n = 0; n < n0; n++)
        {
            for (int p = 0; p < p0; p++)
            {
                for (int q = 0; q < q0; q++)
                {
                    float* yp = y + ((n * p0 + p) * q0 + q) * c;
                    if (!accumulate)
                    {
                        for (int i = 0; i < c; i++)
                        {
                            yp[i] = b == null ? 0f : b[i];
                        }
                    }
                    for (int r = 0; r < r0; r++)
                    {
                        int ih = p * sh - pt + r * dh;
                        if ((uint)ih >= (uint)h)
                        {
                            continue;
                        }
                        for (int s = 0; s < s0; s++)
                        {
                            int iw = q * sw - pl + s * dw;
                            if ((uint)iw >= (uint)wd)
                            {
                                continue;
                            }
                            MultiplyAddRow<TV>(yp, x + ((n * h + ih) * wd + iw) * c, w + (r * s0 + s) * padded, full, c);
                        }
                    }
                    if (act != Activation.None)
                    {
                        Epilogue.Activate(yp, c, act, alpha);
                    }
                }
            }
        }
    }

    private static void DepthwiseBackwardData<TV>(float* dx, float* dy, float* w, in Conv2DDims dims)
        where TV : struct, ILanes16<TV>
    {
        int n0 = dims.N, h = dims.H, wd = dims.W, c = dims.C, r0 = dims.R, s0 = dims.S;
        int p0 = dims.P, q0 = dims.Q, sh = dims.StrideH, sw = dims.StrideW, pt = dims.PadTop, pl = dims.PadLeft;
        int dh = dims.DilationH, dw = dims.DilationW;
        int padded = Simd.Blocks(c) * Simd.Block, full = c / Simd.Block * Simd.Block;
        for (int n = 0; n < n0; n++)
        {
            for (int p = 0; p < p0; p++)
            {
                for (int q = 0; q < q0; q++)
                {
                    float* dyp = dy + ((n * p0 + p) * q0 + q) * c;
                    for (int r = 0; r < r0; r++)
                    {
                        int ih = p * sh - pt + r * dh;
                        if ((uint)ih >= (uint)h)
                        {
                            continue;
                        }
                        for (int s = 0; s < s0; s++)
                        {
                            int iw = q * sw - pl + s * dw;
                            if ((uint)iw >= (uint)wd)
                            {
                                continue;
                            }
                            MultiplyAddRow<TV>(dx + ((n * h + ih) * wd + iw) * c, dyp, w + (r * s0 + s) * padded, full, c);
                        }
                    }
                }
            }
        }
    }

    /// <summary>acc[i] += a[i] * w[i] for i &lt; c; 16 at a time up to <paramref name="full"/>, then scalar.</summary>
    private static void MultiplyAddRow<TV>(float* acc, float* a, float* w, int full, int c)
        where TV : struct, ILanes16<TV>
    {
        int i = 0;
        for (; i < full; i += Simd.Block)
        {
            TV.Store(acc + i, TV.Fma(TV.Load(a + i), TV.Load(w + i), TV.Load(acc + i)));
        }
        for (; i < c; i++)
        {
            acc[i] += a[i] * w[i];
        }
    }
}
