using System;

namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>
    /// Convolution + bias + activation + 2x2/2 max pool in registers: the interior tiles take
    /// the 4 pixels of one pool window (4 x 64-channel tiles) or of two (8 x 32, 8 x 16), and
    /// store the window's maximum, so neither the convolution's output nor its rows are stored.
    /// The maximum is taken before bias and activation, which is exact for a non-decreasing
    /// activation: rounding x + b is non-decreasing in x.
    /// </summary>
    private static partial class InteriorTiles
    {
        /// <summary>Whether <see cref="RunPooled"/> takes this convolution and pool (every window's pixels in the interior) on <paramref name="path"/>.</summary>
        public static bool PooledApplies(in Conv2DDims conv, in PoolDims pool, Activation act, float alpha, KernelPath path)
        {
            if (!path.InteriorTiles || conv.Groups != 1) return false;
            if (pool.R != 2 || pool.S != 2 || pool.StrideH != 2 || pool.StrideW != 2) return false;
            bool nonDecreasing = act is Activation.None or Activation.ReLU or Activation.Sigmoid or Activation.Tanh or Activation.ReLU6 or Activation.HardSigmoid
                || act is Activation.LeakyReLU or Activation.ELU && alpha >= 0f;
            var rect = Of(conv);
            return nonDecreasing && rect.PLo == 0 && rect.QLo == 0 && rect.PHi >= 2 * pool.P && rect.QHi >= 2 * pool.Q;
        }

        /// <summary>One sample: y (P_pool, Q_pool, K), x (H, W, C), w packed, b (K) or null, tail 16 floats.</summary>
        public static void RunPooled(float* y, float* x, float* w, float* b, float* tail, in Conv2DDims d, in PoolDims pool,
            Activation act, float alpha)
        {
            if (OneChannelPooled.Applies(d))
            {
                OneChannelPooled.Run(y, x, w, b, tail, d, pool, act, alpha);
                return;
            }
            int c = d.C, k = d.K, wd = d.W, sh = d.StrideH, sw = d.StrideW, pt = d.PadTop, pl = d.PadLeft;
            int qPool = pool.Q, windows = pool.P * pool.Q, blocks = Simd.Blocks(k);
            var taps = new Taps(d);
            bool relu = act == Activation.ReLU, slowActivation = act > Activation.ReLU;
            float** xs = stackalloc float*[8];
            float** ys = stackalloc float*[2];
            for (int kb = 0; kb < blocks;)
            {
                int take = blocks - kb >= 4 ? 4 : blocks - kb >= 2 ? 2 : 1;
                int perTile = take == 4 ? 1 : 2;
                int channel = kb * Simd.Block;
                int last = Math.Min(Simd.Block, k - (kb + take - 1) * Simd.Block);
                float* wb = w + kb * taps.BlockFloats;
                float* bb = b == null ? null : b + channel;
                for (int t = 0; t < windows; t += perTile)
                {
                    int count = Math.Min(perTile, windows - t);
                    for (int j = 0; j < perTile; j++)
                    {
                        // Past the last window, lanes recompute it and are not stored.
                        int window = t + Math.Min(j, count - 1);
                        int pp = window / qPool, pq = window % qPool;
                        ys[j] = y + window * k + channel;
                        for (int i = 0; i < 4; i++)
                        {
                            int p = 2 * pp + (i >> 1), q = 2 * pq + (i & 1);
                            xs[4 * j + i] = x + ((p * sh - pt) * wd + q * sw - pl) * c;
                        }
                    }
                    if (take == 4)
                    {
                        Four<Lanes512>(xs, ys, wb, bb, tail, count, last, taps, relu, false, pooled: true);
                    }
                    else if (take == 2)
                    {
                        EightByTwo<Lanes512>(xs, ys, wb, bb, tail, count, last, taps, relu, false, pooled: true);
                    }
                    else
                    {
                        EightByOne<Lanes512>(xs, ys, wb, bb, tail, count, last, taps, relu, false, pooled: true);
                    }
                    if (slowActivation)
                    {
                        for (int j = 0; j < count; j++)
                        {
                            Epilogue.Activate(ys[j], (take - 1) * Simd.Block + last, act, alpha);
                        }
                    }
                }
                kb += take;
            }
        }
    }
}
