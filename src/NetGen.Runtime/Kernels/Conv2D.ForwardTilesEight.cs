namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>The 8-pixel register tiles of <see cref="InteriorTiles"/>, for the last one or two blocks of output channels.</summary>
    private static partial class InteriorTiles
    {
        /// <summary>
        /// 8 pixels x 2 blocks of 16 channels; the second block holds <paramref name="last"/> channels.
        /// <paramref name="pooled"/>: pixels 0-3 and 4-7 are two 2x2 pool windows (<paramref name="count"/> of them
        /// real), each stored as its maximum at ys[0] and ys[1].
        /// </summary>
        private static void EightByTwo<TV>(float** xs, float** ys, float* w, float* bias, float* tail, int count, int last,
            in Taps shape, bool relu, bool accumulate, bool pooled = false)
            where TV : struct, ILanes16<TV>
        {
            int rows = shape.Rows, rowStep = shape.RowStep, runs = shape.Runs, runStep = shape.RunStep, runLength = shape.RunLength;
            float* x0 = xs[0], x1 = xs[1], x2 = xs[2], x3 = xs[3], x4 = xs[4], x5 = xs[5], x6 = xs[6], x7 = xs[7];
            float* w0 = w, w1 = w + shape.BlockFloats;
            TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero, a5 = TV.Zero, a6 = TV.Zero, a7 = TV.Zero;
            TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero, b4 = TV.Zero, b5 = TV.Zero, b6 = TV.Zero, b7 = TV.Zero;
            for (int r = 0; r < rows; r++)
            {
                for (int run = 0; run < runs; run++)
                {
                    int j = r * rowStep + run * runStep, end = j + runLength;
                    for (; j < end; j++)
                    {
                        TV wa = TV.Load(w0), wb = TV.Load(w1);
                        TV v = TV.Broadcast(x0[j]);
                        a0 = TV.Fma(v, wa, a0);
                        b0 = TV.Fma(v, wb, b0);
                        v = TV.Broadcast(x1[j]);
                        a1 = TV.Fma(v, wa, a1);
                        b1 = TV.Fma(v, wb, b1);
                        v = TV.Broadcast(x2[j]);
                        a2 = TV.Fma(v, wa, a2);
                        b2 = TV.Fma(v, wb, b2);
                        v = TV.Broadcast(x3[j]);
                        a3 = TV.Fma(v, wa, a3);
                        b3 = TV.Fma(v, wb, b3);
                        v = TV.Broadcast(x4[j]);
                        a4 = TV.Fma(v, wa, a4);
                        b4 = TV.Fma(v, wb, b4);
                        v = TV.Broadcast(x5[j]);
                        a5 = TV.Fma(v, wa, a5);
                        b5 = TV.Fma(v, wb, b5);
                        v = TV.Broadcast(x6[j]);
                        a6 = TV.Fma(v, wa, a6);
                        b6 = TV.Fma(v, wb, b6);
                        v = TV.Broadcast(x7[j]);
                        a7 = TV.Fma(v, wa, a7);
                        b7 = TV.Fma(v, wb, b7);
                        w0 += Simd.Block;
                        w1 += Simd.Block;
                    }
                }
            }
            const int B = Simd.Block;
            float* bias1 = bias == null ? null : bias + B;
            if (pooled)
            {
                // Bias and a non-decreasing activation commute with the maximum.
                Epilogue.Store(ys[0], TV.Max(TV.Max(a0, a1), TV.Max(a2, a3)), bias, B, relu, tail);
                Epilogue.Store(ys[0] + B, TV.Max(TV.Max(b0, b1), TV.Max(b2, b3)), bias1, last, relu, tail);
                if (count > 1)
                {
                    Epilogue.Store(ys[1], TV.Max(TV.Max(a4, a5), TV.Max(a6, a7)), bias, B, relu, tail);
                    Epilogue.Store(ys[1] + B, TV.Max(TV.Max(b4, b5), TV.Max(b6, b7)), bias1, last, relu, tail);
                }
                return;
            }
            Epilogue.Store(ys[0], a0, bias, B, relu, tail, accumulate);
            Epilogue.Store(ys[0] + B, b0, bias1, last, relu, tail, accumulate);
            if (count > 1)
            {
                Epilogue.Store(ys[1], a1, bias, B, relu, tail, accumulate);
                Epilogue.Store(ys[1] + B, b1, bias1, last, relu, tail, accumulate);
            }
            if (count > 2)
            {
                Epilogue.Store(ys[2], a2, bias, B, relu, tail, accumulate);
                Epilogue.Store(ys[2] + B, b2, bias1, last, relu, tail, accumulate);
            }
            if (count > 3)
            {
                Epilogue.Store(ys[3], a3, bias, B, relu, tail, accumulate);
                Epilogue.Store(ys[3] + B, b3, bias1, last, relu, tail, accumulate);
            }
            if (count > 4)
            {
                Epilogue.Store(ys[4], a4, bias, B, relu, tail, accumulate);
                Epilogue.Store(ys[4] + B, b4, bias1, last, relu, tail, accumulate);
            }
            if (count > 5)
            {
                Epilogue.Store(ys[5], a5, bias, B, relu, tail, accumulate);
                Epilogue.Store(ys[5] + B, b5, bias1, last, relu, tail, accumulate);
            }
            if (count > 6)
            {
                Epilogue.Store(ys[6], a6, bias, B, relu, tail, accumulate);
                Epilogue.Store(ys[6] + B, b6, bias1, last, relu, tail, accumulate);
            }
            if (count > 7)
            {
                Epilogue.Store(ys[7], a7, bias, B, relu, tail, accumulate);
                Epilogue.Store(ys[7] + B, b7, bias1, last, relu, tail, accumulate);
            }
        }

        /// <summary>
        /// 8 pixels x 1 block of <paramref name="last"/> channels (a group's last, or only, block);
        /// <paramref name="pooled"/> as for <see cref="EightByTwo{TV}"/>.
        /// </summary>
        private static void EightByOne<TV>(float** xs, float** ys, float* w, float* bias, float* tail, int count, int last,
            in Taps shape, bool relu, bool accumulate, bool pooled = false)
            where TV : struct, ILanes16<TV>
        {
            int rows = shape.Rows, rowStep = shape.RowStep, runs = shape.Runs, runStep = shape.RunStep, runLength = shape.RunLength;
            float* x0 = xs[0], x1 = xs[1], x2 = xs[2], x3 = xs[3], x4 = xs[4], x5 = xs[5], x6 = xs[6], x7 = xs[7];
            float* w0 = w;
            TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero, a5 = TV.Zero, a6 = TV.Zero, a7 = TV.Zero;
            for (int r = 0; r < rows; r++)
            {
                for (int run = 0; run < runs; run++)
                {
                    int j = r * rowStep + run * runStep, end = j + runLength;
                    for (; j < end; j++)
                    {
                        TV wa = TV.Load(w0);
                        a0 = TV.Fma(TV.Broadcast(x0[j]), wa, a0);
                        a1 = TV.Fma(TV.Broadcast(x1[j]), wa, a1);
                        a2 = TV.Fma(TV.Broadcast(x2[j]), wa, a2);
                        a3 = TV.Fma(TV.Broadcast(x3[j]), wa, a3);
                        a4 = TV.Fma(TV.Broadcast(x4[j]), wa, a4);
                        a5 = TV.Fma(TV.Broadcast(x5[j]), wa, a5);
                        a6 = TV.Fma(TV.Broadcast(x6[j]), wa, a6);
                        a7 = TV.Fma(TV.Broadcast(x7[j]), wa, a7);
                        w0 += Simd.Block;
                    }
                }
            }
            if (pooled)
            {
                Epilogue.Store(ys[0], TV.Max(TV.Max(a0, a1), TV.Max(a2, a3)), bias, last, relu, tail);
                if (count > 1) Epilogue.Store(ys[1], TV.Max(TV.Max(a4, a5), TV.Max(a6, a7)), bias, last, relu, tail);
                return;
            }
            Epilogue.Store(ys[0], a0, bias, last, relu, tail, accumulate);
            if (count > 1) Epilogue.Store(ys[1], a1, bias, last, relu, tail, accumulate);
            if (count > 2) Epilogue.Store(ys[2], a2, bias, last, relu, tail, accumulate);
            if (count > 3) Epilogue.Store(ys[3], a3, bias, last, relu, tail, accumulate);
            if (count > 4) Epilogue.Store(ys[4], a4, bias, last, relu, tail, accumulate);
            if (count > 5) Epilogue.Store(ys[5], a5, bias, last, relu, tail, accumulate);
            if (count > 6) Epilogue.Store(ys[6], a6, bias, last, relu, tail, accumulate);
            if (count > 7) Epilogue.Store(ys[7], a7, bias, last, relu, tail, accumulate);
        }
    }
}
