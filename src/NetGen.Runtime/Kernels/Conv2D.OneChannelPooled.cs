using System;
using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>
    /// A one-channel 3x3 convolution + bias + activation + 2x2/2 max pool (a grayscale
    /// network's first layer, e.g. MNIST's 1 -> 32 channels, 28x28 -> 26x26 -> 13x13), when
    /// every pool window's pixels lie in the convolution's interior. With one input channel a
    /// tap is a single FMA, so the generic tiles spend their time on loop and weight loads;
    /// here the 9 taps x 2 weight vectors of a pair of 16-channel blocks (18 registers) are
    /// loaded once per sample and stay in registers across all windows, each input pixel is
    /// broadcast once for the two blocks' FMAs, and the 4 pixels of one window x 2 blocks
    /// (8 accumulators, 8 independent FMA chains: the FMA latency on two pipes) are max-pooled
    /// in registers. Bias and ReLU are applied after the maximum: both are non-decreasing, so
    /// they commute with it (as in <see cref="InteriorTiles.RunPooled"/>). A last single block
    /// runs two windows at once to keep 8 chains.
    /// </summary>
    private static class OneChannelPooled
    {
        /// <summary>
        /// Whether <see cref="Run"/> takes this convolution and pool; the caller has checked
        /// <see cref="InteriorTiles.PooledApplies"/> (2x2/2 pool, windows in the interior, 512-bit, non-decreasing activation).
        /// </summary>
        public static bool Applies(in Conv2DDims d) => ConvKernelChoice.OneChannelPooled(d.Shape);

        /// <summary>One sample: y (P_pool, Q_pool, K), x (H, W, 1), w packed (ceil(K/16), 3, 3, 1, 16), b (K) or null, tail 16 floats.</summary>
        public static void Run(float* y, float* x, float* w, float* b, float* tail, in Conv2DDims d, in PoolDims pool,
            Activation act, float alpha)
        {
            int k = d.K, blocks = Simd.Blocks(k);
            var g = new Geometry(d, pool);
            bool relu = act == Activation.ReLU;
            for (int kb = 0; kb < blocks; kb += 2)
            {
                int channel = kb * Simd.Block;
                float* wb = w + kb * 9 * Simd.Block;
                float* bb = b == null ? null : b + channel;
                if (kb + 1 < blocks)
                {
                    Pair<Lanes512>(y + channel, x, wb, bb, tail, Math.Min(Simd.Block, k - channel - Simd.Block), g, relu);
                }
                else
                {
                    Single<Lanes512>(y + channel, x, wb, bb, tail, k - channel, g, relu);
                }
            }
            if (act > Activation.ReLU)
            {
                Epilogue.Activate(y, pool.P * pool.Q * k, act, alpha);
            }
        }

        /// <summary>Strides in floats, copied into locals by the kernels so the JIT keeps them in registers.</summary>
        private readonly struct Geometry(in Conv2DDims d, in PoolDims pool)
        {
            /// <summary>Pool windows down and across.</summary>
            public readonly int PoolP = pool.P, PoolQ = pool.Q, K = d.K;
            /// <summary>Input offset from a window's top-left pixel's first tap to its right and lower pixels', and between kernel rows.</summary>
            public readonly int Right = d.StrideW, Down = d.StrideH * d.W, RowStep = d.DilationH * d.W;
            /// <summary>Input offset of window (0, 0)'s top-left pixel's first tap (inside the input: the windows are interior).</summary>
            public readonly int Origin = -d.PadTop * d.W - d.PadLeft;
        }

        /// <summary>Output channels [0, 16 + count1) of every window: y and bias at the pair's first channel.</summary>
        private static void Pair<TV>(float* y, float* x, float* w, float* bias, float* tail, int count1, in Geometry g, bool relu)
            where TV : struct, ILanes16<TV>
        {
            const int B = Simd.Block;
            int pPool = g.PoolP, qPool = g.PoolQ, k = g.K, right = g.Right, down = g.Down, rowStep = g.RowStep;
            int windowRight = 2 * right, windowDown = 2 * down;
            TV u0 = TV.Load(w), u1 = TV.Load(w + B), u2 = TV.Load(w + 2 * B);
            TV u3 = TV.Load(w + 3 * B), u4 = TV.Load(w + 4 * B), u5 = TV.Load(w + 5 * B);
            TV u6 = TV.Load(w + 6 * B), u7 = TV.Load(w + 7 * B), u8 = TV.Load(w + 8 * B);
            float* w1 = w + 9 * B;
            TV v0 = TV.Load(w1), v1 = TV.Load(w1 + B), v2 = TV.Load(w1 + 2 * B);
            TV v3 = TV.Load(w1 + 3 * B), v4 = TV.Load(w1 + 4 * B), v5 = TV.Load(w1 + 5 * B);
            TV v6 = TV.Load(w1 + 6 * B), v7 = TV.Load(w1 + 7 * B), v8 = TV.Load(w1 + 8 * B);
            float* bias1 = bias == null ? null : bias + B;
            float* xRow = x + g.Origin;
            for (int pp = 0; pp < pPool; pp++, xRow += windowDown)
            {
                float* yw = y + pp * qPool * k;
                float* x0 = xRow;
                for (int pq = 0; pq < qPool; pq++, x0 += windowRight, yw += k)
                {
                    float* x1 = x0 + right, x2 = x0 + down, x3 = x2 + right;
                    float* x0b = x0 + rowStep, x1b = x1 + rowStep, x2b = x2 + rowStep, x3b = x3 + rowStep;
                    float* x0c = x0b + rowStep, x1c = x1b + rowStep, x2c = x2b + rowStep, x3c = x3b + rowStep;
                    TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, c0 = TV.Zero, c1 = TV.Zero, c2 = TV.Zero, c3 = TV.Zero;
                    OneChannelRow.Pair(x0, u0, u1, u2, v0, v1, v2, ref a0, ref c0);
                    OneChannelRow.Pair(x1, u0, u1, u2, v0, v1, v2, ref a1, ref c1);
                    OneChannelRow.Pair(x2, u0, u1, u2, v0, v1, v2, ref a2, ref c2);
                    OneChannelRow.Pair(x3, u0, u1, u2, v0, v1, v2, ref a3, ref c3);
                    OneChannelRow.Pair(x0b, u3, u4, u5, v3, v4, v5, ref a0, ref c0);
                    OneChannelRow.Pair(x1b, u3, u4, u5, v3, v4, v5, ref a1, ref c1);
                    OneChannelRow.Pair(x2b, u3, u4, u5, v3, v4, v5, ref a2, ref c2);
                    OneChannelRow.Pair(x3b, u3, u4, u5, v3, v4, v5, ref a3, ref c3);
                    OneChannelRow.Pair(x0c, u6, u7, u8, v6, v7, v8, ref a0, ref c0);
                    OneChannelRow.Pair(x1c, u6, u7, u8, v6, v7, v8, ref a1, ref c1);
                    OneChannelRow.Pair(x2c, u6, u7, u8, v6, v7, v8, ref a2, ref c2);
                    OneChannelRow.Pair(x3c, u6, u7, u8, v6, v7, v8, ref a3, ref c3);
                    Epilogue.Store(yw, TV.Max(TV.Max(a0, a1), TV.Max(a2, a3)), bias, B, relu, tail);
                    Epilogue.Store(yw + B, TV.Max(TV.Max(c0, c1), TV.Max(c2, c3)), bias1, count1, relu, tail);
                }
            }
        }

        /// <summary>
        /// Output channels [0, count) of every window, two windows of a pool row at once; with
        /// an odd number of windows across, the row's last pair overlaps the one before it
        /// (recomputing a window with identical results).
        /// </summary>
        private static void Single<TV>(float* y, float* x, float* w, float* bias, float* tail, int count, in Geometry g, bool relu)
            where TV : struct, ILanes16<TV>
        {
            const int B = Simd.Block;
            int pPool = g.PoolP, qPool = g.PoolQ, k = g.K, right = g.Right, down = g.Down, rowStep = g.RowStep;
            int windowRight = 2 * right, windowDown = 2 * down;
            // The second window of a pair: one to the right, or the same one when the row has one window.
            int second = qPool > 1 ? 1 : 0;
            TV u0 = TV.Load(w), u1 = TV.Load(w + B), u2 = TV.Load(w + 2 * B);
            TV u3 = TV.Load(w + 3 * B), u4 = TV.Load(w + 4 * B), u5 = TV.Load(w + 5 * B);
            TV u6 = TV.Load(w + 6 * B), u7 = TV.Load(w + 7 * B), u8 = TV.Load(w + 8 * B);
            float* xRow = x + g.Origin;
            for (int pp = 0; pp < pPool; pp++, xRow += windowDown)
            {
                for (int pq = 0; pq < qPool; pq += 2)
                {
                    int first = Math.Min(pq, qPool - 1 - second);
                    float* ya = y + (pp * qPool + first) * k, yb = ya + second * k;
                    float* x0 = xRow + first * windowRight, x4 = x0 + second * windowRight;
                    float* x1 = x0 + right, x2 = x0 + down, x3 = x2 + right;
                    float* x5 = x4 + right, x6 = x4 + down, x7 = x6 + right;
                    TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero, a5 = TV.Zero, a6 = TV.Zero, a7 = TV.Zero;
                    OneChannelRow.Single(x0, u0, u1, u2, ref a0);
                    OneChannelRow.Single(x1, u0, u1, u2, ref a1);
                    OneChannelRow.Single(x2, u0, u1, u2, ref a2);
                    OneChannelRow.Single(x3, u0, u1, u2, ref a3);
                    OneChannelRow.Single(x4, u0, u1, u2, ref a4);
                    OneChannelRow.Single(x5, u0, u1, u2, ref a5);
                    OneChannelRow.Single(x6, u0, u1, u2, ref a6);
                    OneChannelRow.Single(x7, u0, u1, u2, ref a7);
                    OneChannelRow.Single(x0 + rowStep, u3, u4, u5, ref a0);
                    OneChannelRow.Single(x1 + rowStep, u3, u4, u5, ref a1);
                    OneChannelRow.Single(x2 + rowStep, u3, u4, u5, ref a2);
                    OneChannelRow.Single(x3 + rowStep, u3, u4, u5, ref a3);
                    OneChannelRow.Single(x4 + rowStep, u3, u4, u5, ref a4);
                    OneChannelRow.Single(x5 + rowStep, u3, u4, u5, ref a5);
                    OneChannelRow.Single(x6 + rowStep, u3, u4, u5, ref a6);
                    OneChannelRow.Single(x7 + rowStep, u3, u4, u5, ref a7);
                    int twoRows = 2 * rowStep;
                    OneChannelRow.Single(x0 + twoRows, u6, u7, u8, ref a0);
                    OneChannelRow.Single(x1 + twoRows, u6, u7, u8, ref a1);
                    OneChannelRow.Single(x2 + twoRows, u6, u7, u8, ref a2);
                    OneChannelRow.Single(x3 + twoRows, u6, u7, u8, ref a3);
                    OneChannelRow.Single(x4 + twoRows, u6, u7, u8, ref a4);
                    OneChannelRow.Single(x5 + twoRows, u6, u7, u8, ref a5);
                    OneChannelRow.Single(x6 + twoRows, u6, u7, u8, ref a6);
                    OneChannelRow.Single(x7 + twoRows, u6, u7, u8, ref a7);
                    Epilogue.Store(ya, TV.Max(TV.Max(a0, a1), TV.Max(a2, a3)), bias, count, relu, tail);
                    Epilogue.Store(yb, TV.Max(TV.Max(a4, a5), TV.Max(a6, a7)), bias, count, relu, tail);
                }
            }
        }
    }

    /// <summary>The taps of one kernel row of a one-channel 3x3 convolution, shared by <see cref="OneChannelPooled"/> and <see cref="OneChannelTiles"/>.</summary>
    private static class OneChannelRow
    {
        /// <summary>
        /// Adds the 3 taps of one kernel row to both blocks' accumulators: each broadcast feeds
        /// its two FMAs at once and dies, and each FMA writes the accumulator it reads (the
        /// JIT then picks the FMA form that overwrites it, with no register copies).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Pair<TV>(float* x, TV u0, TV u1, TV u2, TV v0, TV v1, TV v2, ref TV a, ref TV c)
            where TV : struct, ILanes16<TV>
        {
            TV t = TV.Broadcast(x[0]);
            a = TV.Fma(t, u0, a);
            c = TV.Fma(t, v0, c);
            t = TV.Broadcast(x[1]);
            a = TV.Fma(t, u1, a);
            c = TV.Fma(t, v1, c);
            t = TV.Broadcast(x[2]);
            a = TV.Fma(t, u2, a);
            c = TV.Fma(t, v2, c);
        }

        /// <summary>Adds the 3 taps of one kernel row to an accumulator, written back to the accumulator it reads (as <see cref="Pair"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Single<TV>(float* x, TV w0, TV w1, TV w2, ref TV a) where TV : struct, ILanes16<TV>
        {
            a = TV.Fma(TV.Broadcast(x[0]), w0, a);
            a = TV.Fma(TV.Broadcast(x[1]), w1, a);
            a = TV.Fma(TV.Broadcast(x[2]), w2, a);
        }
    }
}
