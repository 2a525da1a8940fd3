namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>
    /// The interior of a one-channel 3x3 convolution with unit horizontal stride and dilation
    /// (a grayscale network's first layer): each tap would otherwise be a single FMA behind a
    /// loop, so here the 9 taps x 2 weight vectors of each pair of 16-channel blocks stay in registers
    /// across the interior and 4 neighbouring output pixels of a row are computed at once (a
    /// last single block: its 9 weight vectors and 8 pixels), every input read at a constant
    /// offset from one pointer per kernel row. A row's last 8 pixels start where they
    /// must to end at the row's end, recomputing a few pixels with identical results (so this
    /// path is never used to accumulate).
    /// </summary>
    private static class OneChannelTiles
    {
        private const int Pixels = 8;

        /// <summary>Whether <see cref="Run"/> takes this convolution's interior.</summary>
        public static bool Applies(in Conv2DDims d, in InteriorRect rect, bool accumulate) =>
            !accumulate && d.C == 1 && d.Groups == 1 && d.R == 3 && d.S == 3 && d.StrideW == 1 && d.DilationW == 1
            && rect.QHi - rect.QLo >= Pixels;

        /// <summary>One sample's interior: y (P, Q, K), x (H, W, 1), w packed (ceil(K/16), 3, 3, 1, 16), b (K) or null.</summary>
        public static void Run(float* y, float* x, float* w, float* b, float* tail, in Conv2DDims d, in InteriorRect rect,
            Activation act, float alpha)
        {
            int k = d.K, wd = d.W, q0 = d.Q, sh = d.StrideH, pt = d.PadTop, pl = d.PadLeft, rowStep = d.DilationH * d.W;
            int blocks = Simd.Blocks(k), qLo = rect.QLo, qHi = rect.QHi;
            bool relu = act == Activation.ReLU, slowActivation = act > Activation.ReLU;
            int kb = 0;
            for (; kb + 1 < blocks; kb += 2)
            {
                int channel = kb * Simd.Block;
                Pair<Lanes512>(y + channel, x, w + kb * 9 * Simd.Block, b == null ? null : b + channel, tail,
                    System.Math.Min(Simd.Block, k - channel - Simd.Block), d, rect, relu);
                if (slowActivation)
                {
                    ActivateRect(y + channel, d, rect, System.Math.Min(2 * Simd.Block, k - channel), act, alpha);
                }
            }
            for (; kb < blocks; kb++)
            {
                int channel = kb * Simd.Block;
                int count = System.Math.Min(Simd.Block, k - channel);
                float* wb = w + kb * 9 * Simd.Block;
                float* bb = b == null ? null : b + channel;
                for (int p = rect.PLo; p < rect.PHi; p++)
                {
                    float* row = x + (p * sh - pt) * wd - pl;
                    float* yRow = y + p * q0 * k + channel;
                    for (int q = qLo; q < qHi; q += Pixels)
                    {
                        int start = System.Math.Min(q, qHi - Pixels);
                        Eight<Lanes512>(yRow + start * k, row + start, rowStep, k, wb, bb, tail, count, relu);
                        if (slowActivation)
                        {
                            for (int i = 0; i < Pixels; i++)
                            {
                                Epilogue.Activate(yRow + (start + i) * k, count, act, alpha);
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Channels [0, 16 + count1) of the interior, 4 consecutive output pixels of a row at a
        /// time: the pair's 9 taps x 2 weight vectors stay in registers across the whole
        /// interior (18 registers, plus 8 accumulators), as in <see cref="OneChannelPooled"/>.
        /// y and bias at the pair's first channel.
        /// </summary>
        private static void Pair<TV>(float* y, float* x, float* w, float* bias, float* tail, int count1, in Conv2DDims d,
            in InteriorRect rect, bool relu)
            where TV : struct, ILanes16<TV>
        {
            const int B = Simd.Block, Four = 4;
            int k = d.K, wd = d.W, q0 = d.Q, sh = d.StrideH, pt = d.PadTop, pl = d.PadLeft, rowStep = d.DilationH * d.W;
            int qLo = rect.QLo, qHi = rect.QHi, pHi = rect.PHi;
            TV u0 = TV.Load(w), u1 = TV.Load(w + B), u2 = TV.Load(w + 2 * B);
            TV u3 = TV.Load(w + 3 * B), u4 = TV.Load(w + 4 * B), u5 = TV.Load(w + 5 * B);
            TV u6 = TV.Load(w + 6 * B), u7 = TV.Load(w + 7 * B), u8 = TV.Load(w + 8 * B);
            float* w1 = w + 9 * B;
            TV v0 = TV.Load(w1), v1 = TV.Load(w1 + B), v2 = TV.Load(w1 + 2 * B);
            TV v3 = TV.Load(w1 + 3 * B), v4 = TV.Load(w1 + 4 * B), v5 = TV.Load(w1 + 5 * B);
            TV v6 = TV.Load(w1 + 6 * B), v7 = TV.Load(w1 + 7 * B), v8 = TV.Load(w1 + 8 * B);
            float* bias1 = bias == null ? null : bias + B;
            for (int p = rect.PLo; p < pHi; p++)
            {
                float* row = x + (p * sh - pt) * wd - pl;
                float* yRow = y + p * q0 * k;
                for (int q = qLo; q < qHi; q += Four)
                {
                    // The row's last 4 pixels end at its end, recomputing some (identical results).
                    int start = System.Math.Min(q, qHi - Four);
                    float* x0 = row + start, x1 = x0 + 1, x2 = x0 + 2, x3 = x0 + 3;
                    float* y0 = yRow + start * k;
                    TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, c0 = TV.Zero, c1 = TV.Zero, c2 = TV.Zero, c3 = TV.Zero;
                    OneChannelRow.Pair(x0, u0, u1, u2, v0, v1, v2, ref a0, ref c0);
                    OneChannelRow.Pair(x1, u0, u1, u2, v0, v1, v2, ref a1, ref c1);
                    OneChannelRow.Pair(x2, u0, u1, u2, v0, v1, v2, ref a2, ref c2);
                    OneChannelRow.Pair(x3, u0, u1, u2, v0, v1, v2, ref a3, ref c3);
                    OneChannelRow.Pair(x0 + rowStep, u3, u4, u5, v3, v4, v5, ref a0, ref c0);
                    OneChannelRow.Pair(x1 + rowStep, u3, u4, u5, v3, v4, v5, ref a1, ref c1);
                    OneChannelRow.Pair(x2 + rowStep, u3, u4, u5, v3, v4, v5, ref a2, ref c2);
                    OneChannelRow.Pair(x3 + rowStep, u3, u4, u5, v3, v4, v5, ref a3, ref c3);
                    int twoRows = 2 * rowStep;
                    OneChannelRow.Pair(x0 + twoRows, u6, u7, u8, v6, v7, v8, ref a0, ref c0);
                    OneChannelRow.Pair(x1 + twoRows, u6, u7, u8, v6, v7, v8, ref a1, ref c1);
                    OneChannelRow.Pair(x2 + twoRows, u6, u7, u8, v6, v7, v8, ref a2, ref c2);
                    OneChannelRow.Pair(x3 + twoRows, u6, u7, u8, v6, v7, v8, ref a3, ref c3);
                    Epilogue.Store(y0, a0, bias, B, relu, tail);
                    Epilogue.Store(y0 + B, c0, bias1, count1, relu, tail);
                    Epilogue.Store(y0 + k, a1, bias, B, relu, tail);
                    Epilogue.Store(y0 + k + B, c1, bias1, count1, relu, tail);
                    Epilogue.Store(y0 + 2 * k, a2, bias, B, relu, tail);
                    Epilogue.Store(y0 + 2 * k + B, c2, bias1, count1, relu, tail);
                    Epilogue.Store(y0 + 3 * k, a3, bias, B, relu, tail);
                    Epilogue.Store(y0 + 3 * k + B, c3, bias1, count1, relu, tail);
                }
            }
        }

        /// <summary>Applies an activation other than None/ReLU to channels [0, count) of every interior pixel; y at the first channel.</summary>
        private static void ActivateRect(float* y, in Conv2DDims d, in InteriorRect rect, int count, Activation act, float alpha)
        {
            for (int p = rect.PLo; p < rect.PHi; p++)
            {
                for (int q = rect.QLo; q < rect.QHi; q++)
                {
                    Epilogue.Activate(y + (p * d.Q + q) * d.K, count, act, alpha);
                }
            }
        }

        /// <summary>8 consecutive output pixels x 16 channels; x at the first pixel's top-left tap, rows rowStep floats apart.</summary>
        private static void Eight<TV>(float* y, float* x, int rowStep, int k, float* w, float* bias, float* tail, int count, bool relu)
            where TV : struct, ILanes16<TV>
        {
            const int B = Simd.Block;
            TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero, a5 = TV.Zero, a6 = TV.Zero, a7 = TV.Zero;
            for (int r = 0; r < 3; r++)
            {
                float* xr = x + r * rowStep;
                float* wr = w + r * 3 * B;
                TV w0 = TV.Load(wr), w1 = TV.Load(wr + B), w2 = TV.Load(wr + 2 * B);
                a0 = TV.Fma(TV.Broadcast(xr[0]), w0, a0);
                a1 = TV.Fma(TV.Broadcast(xr[1]), w0, a1);
                a2 = TV.Fma(TV.Broadcast(xr[2]), w0, a2);
                a3 = TV.Fma(TV.Broadcast(xr[3]), w0, a3);
                a4 = TV.Fma(TV.Broadcast(xr[4]), w0, a4);
                a5 = TV.Fma(TV.Broadcast(xr[5]), w0, a5);
                a6 = TV.Fma(TV.Broadcast(xr[6]), w0, a6);
                a7 = TV.Fma(TV.Broadcast(xr[7]), w0, a7);
                a0 = TV.Fma(TV.Broadcast(xr[1]), w1, a0);
                a1 = TV.Fma(TV.Broadcast(xr[2]), w1, a1);
                a2 = TV.Fma(TV.Broadcast(xr[3]), w1, a2);
                a3 = TV.Fma(TV.Broadcast(xr[4]), w1, a3);
                a4 = TV.Fma(TV.Broadcast(xr[5]), w1, a4);
                a5 = TV.Fma(TV.Broadcast(xr[6]), w1, a5);
                a6 = TV.Fma(TV.Broadcast(xr[7]), w1, a6);
                a7 = TV.Fma(TV.Broadcast(xr[8]), w1, a7);
                a0 = TV.Fma(TV.Broadcast(xr[2]), w2, a0);
                a1 = TV.Fma(TV.Broadcast(xr[3]), w2, a1);
                a2 = TV.Fma(TV.Broadcast(xr[4]), w2, a2);
                a3 = TV.Fma(TV.Broadcast(xr[5]), w2, a3);
                a4 = TV.Fma(TV.Broadcast(xr[6]), w2, a4);
                a5 = TV.Fma(TV.Broadcast(xr[7]), w2, a5);
                a6 = TV.Fma(TV.Broadcast(xr[8]), w2, a6);
                a7 = TV.Fma(TV.Broadcast(xr[9]), w2, a7);
            }
            Epilogue.Store(y, a0, bias, count, relu, tail);
            Epilogue.Store(y + k, a1, bias, count, relu, tail);
            Epilogue.Store(y + 2 * k, a2, bias, count, relu, tail);
            Epilogue.Store(y + 3 * k, a3, bias, count, relu, tail);
            Epilogue.Store(y + 4 * k, a4, bias, count, relu, tail);
            Epilogue.Store(y + 5 * k, a5, bias, count, relu, tail);
            Epilogue.Store(y + 6 * k, a6, bias, count, relu, tail);
            Epilogue.Store(y + 7 * k, a7, bias, count, relu, tail);
        }
    }
}
