using System;

namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>Output pixels [PLo, PHi) x [QLo, QHi): those whose every tap lies inside the input.</summary>
    internal readonly record struct InteriorRect(int PLo, int PHi, int QLo, int QHi)
    {
        public bool IsEmpty => PHi <= PLo || QHi <= QLo;
        public int Pixels => (PHi - PLo) * (QHi - QLo);
    }

    /// <summary>The output pixels of a convolution whose taps all lie inside its input.</summary>
    internal static InteriorRect InteriorOf(in Conv2DDims dims) => InteriorTiles.Of(dims);

    /// <summary>
    /// The forward pass over a convolution's interior, in register tiles of 8 output pixels x
    /// 32 channels or 4 (or 3) pixels x 64 channels (16 accumulators: enough independent FMAs to
    /// cover the FMA latency on two pipes, and with 32 vector registers none spill). The pixels
    /// of a tile are consecutive in the interior taken row by row, so a tile may span rows and
    /// a small output (3 x 3) still fills whole tiles. As no tap reads padding, each pixel's
    /// input is one pointer and the taps one offset: with dilation 1 and no groups, the
    /// S x C/G taps of a kernel row are contiguous both in the input and in the packed weights,
    /// so the inner loop runs once over them (3 steps for a one-channel 3x3 kernel, 96 for 32
    /// channels) instead of per tap.
    /// </summary>
    private static partial class InteriorTiles
    {
        /// <summary>The interior of a convolution (its top padding may be negative: a band of a larger output).</summary>
        public static InteriorRect Of(in Conv2DDims d)
        {
            var (pLo, pHi) = Range(d.P, d.H, d.StrideH, d.PadTop, (d.R - 1) * d.DilationH + 1);
            var (qLo, qHi) = Range(d.Q, d.W, d.StrideW, d.PadLeft, (d.S - 1) * d.DilationW + 1);
            return new InteriorRect(pLo, pHi, qLo, qHi);
        }

        /// <summary>Outputs o with o * stride - pad &gt;= 0 and o * stride - pad + reach &lt;= size, clamped to [0, outputs).</summary>
        private static (int Lo, int Hi) Range(int outputs, int size, int stride, int pad, int reach)
        {
            int lo = pad <= 0 ? 0 : (pad + stride - 1) / stride;
            int last = size - reach + pad;
            int hi = last < 0 ? 0 : Math.Min(outputs, last / stride + 1);
            return (Math.Min(lo, hi), hi);
        }

        /// <summary>The shape the tile kernels loop over, in floats, copied into locals by each.</summary>
        private readonly struct Taps(in Conv2DDims d)
        {
            /// <summary>Kernel rows.</summary>
            public readonly int Rows = d.R;
            /// <summary>Input floats from one kernel row to the next: dilation x W x C.</summary>
            public readonly int RowStep = d.DilationH * d.W * d.C;
            /// <summary>Contiguous runs per kernel row: 1 when S x C/G taps are contiguous, else S runs of C/G.</summary>
            public readonly int Runs = Contiguous(d) ? 1 : d.S;
            /// <summary>Input floats from one run to the next: dilation x C.</summary>
            public readonly int RunStep = d.DilationW * d.C;
            /// <summary>Taps per run.</summary>
            public readonly int RunLength = Contiguous(d) ? d.S * d.C : d.C / d.Groups;
            /// <summary>Floats of one packed block of 16 output channels: R x S x C/G x 16.</summary>
            public readonly int BlockFloats = d.R * d.S * (d.C / d.Groups) * Simd.Block;

            private static bool Contiguous(in Conv2DDims d) => d.DilationW == 1 && d.Groups == 1;
        }

        /// <summary>
        /// One group's interior at one sample: y at its first channel (P, Q, K), x at its first
        /// channel (H, W, C), w its packed blocks, b its bias or null, tail 16 floats of scratch.
        /// </summary>
        public static void Run(float* y, float* x, float* w, float* b, float* tail, in Conv2DDims d, in InteriorRect rect,
            Activation act, float alpha, bool accumulate)
        {
            int c = d.C, k = d.K, wd = d.W, q0 = d.Q, sh = d.StrideH, sw = d.StrideW, pt = d.PadTop, pl = d.PadLeft;
            int kg = k / d.Groups, blocks = Simd.Blocks(kg);
            int pixels = rect.Pixels, qLo = rect.QLo, qHi = rect.QHi;
            var taps = new Taps(d);
            bool relu = act == Activation.ReLU, slowActivation = act > Activation.ReLU;
            float** xs = stackalloc float*[8];
            float** ys = stackalloc float*[8];
            for (int kb = 0; kb < blocks;)
            {
                int take = blocks - kb >= 4 ? 4 : blocks - kb >= 2 ? 2 : 1;
                int tilePixels = take == 4 ? FourBlockPixels(pixels) : 8;
                int channel = kb * Simd.Block;
                int last = Math.Min(Simd.Block, kg - (kb + take - 1) * Simd.Block);
                float* wb = w + kb * taps.BlockFloats;
                float* bb = b == null ? null : b + channel;
                int p = rect.PLo, q = qLo;
                for (int t = 0; t < pixels; t += tilePixels)
                {
                    int count = Math.Min(tilePixels, pixels - t);
                    for (int i = 0; i < count; i++)
                    {
                        xs[i] = x + ((p * sh - pt) * wd + q * sw - pl) * c;
                        ys[i] = y + (p * q0 + q) * k + channel;
                        if (++q == qHi)
                        {
                            q = qLo;
                            p++;
                        }
                    }
                    // Past the last pixel, lanes recompute it and are not stored.
                    for (int i = count; i < tilePixels; i++)
                    {
                        xs[i] = xs[count - 1];
                    }
                    if (take == 4 && tilePixels == 3)
                    {
                        Three<Lanes512>(xs, ys, wb, bb, tail, count, last, taps, relu, accumulate);
                    }
                    else if (take == 4)
                    {
                        Four<Lanes512>(xs, ys, wb, bb, tail, count, last, taps, relu, accumulate);
                    }
                    else if (take == 2)
                    {
                        EightByTwo<Lanes512>(xs, ys, wb, bb, tail, count, last, taps, relu, accumulate);
                    }
                    else
                    {
                        EightByOne<Lanes512>(xs, ys, wb, bb, tail, count, last, taps, relu, accumulate);
                    }
                    if (slowActivation)
                    {
                        for (int i = 0; i < count; i++)
                        {
                            Epilogue.Activate(ys[i], (take - 1) * Simd.Block + last, act, alpha);
                        }
                    }
                }
                kb += take;
            }
        }

        /// <summary>
        /// Pixels per 4-block tile, 3 or 4, whichever costs less counting each tile's pixel slots
        /// (idle ones in the last tile included) plus about one pixel's work of overhead per tile:
        /// 9 pixels run as 3 x 3 rather than 4 + 4 + 1; 121 as 31 tiles of 4.
        /// </summary>
        private static int FourBlockPixels(int pixels) => (pixels + 2) / 3 * 4 < (pixels + 3) / 4 * 5 ? 3 : 4;

        /// <summary>
        /// 4 pixels x 4 blocks of 16 channels; the fourth block holds <paramref name="last"/> channels.
        /// <paramref name="pooled"/>: the 4 pixels are one 2x2 pool window, stored as their maximum at ys[0].
        /// </summary>
        private static void Four<TV>(float** xs, float** ys, float* w, float* bias, float* tail, int count, int last,
            in Taps shape, bool relu, bool accumulate, bool pooled = false)
            where TV : struct, ILanes16<TV>
        {
            int rows = shape.Rows, rowStep = shape.RowStep, runs = shape.Runs, runStep = shape.RunStep, runLength = shape.RunLength;
            int bf = shape.BlockFloats;
            float* x0 = xs[0], x1 = xs[1], x2 = xs[2], x3 = xs[3];
            float* w0 = w, w1 = w + bf, w2 = w + 2 * bf, w3 = w + 3 * bf;
            TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero;
            TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero;
            TV c0 = TV.Zero, c1 = TV.Zero, c2 = TV.Zero, c3 = TV.Zero;
            TV d0 = TV.Zero, d1 = TV.Zero, d2 = TV.Zero, d3 = TV.Zero;
            for (int r = 0; r < rows; r++)
            {
                for (int run = 0; run < runs; run++)
                {
                    int j = r * rowStep + run * runStep, end = j + runLength;
                    for (; j < end; j++)
                    {
                        TV wa = TV.Load(w0), wb = TV.Load(w1), wc = TV.Load(w2), wd = TV.Load(w3);
                        TV v = TV.Broadcast(x0[j]);
                        a0 = TV.Fma(v, wa, a0);
                        b0 = TV.Fma(v, wb, b0);
                        c0 = TV.Fma(v, wc, c0);
                        d0 = TV.Fma(v, wd, d0);
                        v = TV.Broadcast(x1[j]);
                        a1 = TV.Fma(v, wa, a1);
                        b1 = TV.Fma(v, wb, b1);
                        c1 = TV.Fma(v, wc, c1);
                        d1 = TV.Fma(v, wd, d1);
                        v = TV.Broadcast(x2[j]);
                        a2 = TV.Fma(v, wa, a2);
                        b2 = TV.Fma(v, wb, b2);
                        c2 = TV.Fma(v, wc, c2);
                        d2 = TV.Fma(v, wd, d2);
                        v = TV.Broadcast(x3[j]);
                        a3 = TV.Fma(v, wa, a3);
                        b3 = TV.Fma(v, wb, b3);
                        c3 = TV.Fma(v, wc, c3);
                        d3 = TV.Fma(v, wd, d3);
                        w0 += Simd.Block;
                        w1 += Simd.Block;
                        w2 += Simd.Block;
                        w3 += Simd.Block;
                    }
                }
            }
            const int B = Simd.Block;
            float* bias1 = bias == null ? null : bias + B;
            float* bias2 = bias == null ? null : bias + 2 * B;
            float* bias3 = bias == null ? null : bias + 3 * B;
            float* y = ys[0];
            if (pooled)
            {
                // Bias and a non-decreasing activation commute with the maximum.
                Epilogue.Store(y, TV.Max(TV.Max(a0, a1), TV.Max(a2, a3)), bias, B, relu, tail);
                Epilogue.Store(y + B, TV.Max(TV.Max(b0, b1), TV.Max(b2, b3)), bias1, B, relu, tail);
                Epilogue.Store(y + 2 * B, TV.Max(TV.Max(c0, c1), TV.Max(c2, c3)), bias2, B, relu, tail);
                Epilogue.Store(y + 3 * B, TV.Max(TV.Max(d0, d1), TV.Max(d2, d3)), bias3, last, relu, tail);
                return;
            }
            Epilogue.Store(y, a0, bias, B, relu, tail, accumulate);
            Epilogue.Store(y + B, b0, bias1, B, relu, tail, accumulate);
            Epilogue.Store(y + 2 * B, c0, bias2, B, relu, tail, accumulate);
            Epilogue.Store(y + 3 * B, d0, bias3, last, relu, tail, accumulate);
            if (count > 1)
            {
                y = ys[1];
                Epilogue.Store(y, a1, bias, B, relu, tail, accumulate);
                Epilogue.Store(y + B, b1, bias1, B, relu, tail, accumulate);
                Epilogue.Store(y + 2 * B, c1, bias2, B, relu, tail, accumulate);
                Epilogue.Store(y + 3 * B, d1, bias3, last, relu, tail, accumulate);
            }
            if (count > 2)
            {
                y = ys[2];
                Epilogue.Store(y, a2, bias, B, relu, tail, accumulate);
                Epilogue.Store(y + B, b2, bias1, B, relu, tail, accumulate);
                Epilogue.Store(y + 2 * B, c2, bias2, B, relu, tail, accumulate);
                Epilogue.Store(y + 3 * B, d2, bias3, last, relu, tail, accumulate);
            }
            if (count > 3)
            {
                y = ys[3];
                Epilogue.Store(y, a3, bias, B, relu, tail, accumulate);
                Epilogue.Store(y + B, b3, bias1, B, relu, tail, accumulate);
                Epilogue.Store(y + 2 * B, c3, bias2, B, relu, tail, accumulate);
                Epilogue.Store(y + 3 * B, d3, bias3, last, relu, tail, accumulate);
            }
        }
    }
}
