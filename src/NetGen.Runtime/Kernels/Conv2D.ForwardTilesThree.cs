namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>The 3-pixel register tile of <see cref="InteriorTiles"/>: a small interior (3 x 3 outputs) in whole tiles.</summary>
    private static partial class InteriorTiles
    {
        /// <summary>3 pixels x 4 blocks of 16 channels (12 accumulators); the fourth block holds <paramref name="last"/> channels.</summary>
        private static void Three<TV>(float** xs, float** ys, float* w, float* bias, float* tail, int count, int last,
            in Taps shape, bool relu, bool accumulate)
            where TV : struct, ILanes16<TV>
        {
            int rows = shape.Rows, rowStep = shape.RowStep, runs = shape.Runs, runStep = shape.RunStep, runLength = shape.RunLength;
            int bf = shape.BlockFloats;
            float* x0 = xs[0], x1 = xs[1], x2 = xs[2];
            float* w0 = w, w1 = w + bf, w2 = w + 2 * bf, w3 = w + 3 * bf;
            TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero;
            TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero;
            TV c0 = TV.Zero, c1 = TV.Zero, c2 = TV.Zero;
            TV d0 = TV.Zero, d1 = TV.Zero, d2 = TV.Zero;
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
        }
    }
}
