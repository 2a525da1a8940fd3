using System;

namespace NetGen.Kernels;

/// <summary>
/// Conv2D weight gradient, two full 16-channel output blocks at once (512-bit lanes, sums on the
/// stack): for each (n, p, q) two dY loads and eight x broadcasts feed 16 FMAs, where one block
/// alone loads a dY vector per 8 FMAs and is bound by loads (MNIST conv2 ran at 38 % of the FMA
/// peak). Each accumulator sums the same (n, p, q) in the same order as the one-block loop, so
/// the results are bit-identical to it.
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>Whether BackwardWeightsChunk takes blocks kb and kb + 1 together.</summary>
    private static bool PairedBlocks<TV>(float* packed, int kg, int kb) where TV : struct, ILanes16<TV> =>
        typeof(TV) == typeof(Lanes512) && packed != null && kg - kb * Simd.Block >= 2 * Simd.Block;

    /// <summary>Adds the sums of images [nStart, nEnd) for output blocks kb and kb + 1 of group g into the packed copy.</summary>
    private static void BackwardWeightsPair<TV>(float* packed, float* dy, float* x, in Conv2DDims dims, int nStart, int nEnd, int g, int kb)
        where TV : struct, ILanes16<TV>
    {
        int h = dims.H, wd = dims.W, c = dims.C, k = dims.K, r0 = dims.R, s0 = dims.S;
        int p0 = dims.P, q0 = dims.Q, sh = dims.StrideH, sw = dims.StrideW, pt = dims.PadTop, pl = dims.PadLeft;
        int dh = dims.DilationH, dw = dims.DilationW;
        int cg = c / dims.Groups, kg = k / dims.Groups, blocks = Simd.Blocks(kg);
        int channel = g * kg + kb * Simd.Block;
        float* sums = stackalloc float[2 * ChannelTile * Simd.Block];
        for (int r = 0; r < r0; r++)
        {
            for (int s = 0; s < s0; s++)
            {
                ValidRange(s * dw - pl, sw, wd, q0, out int qLo, out int qHi);
                for (int c0 = 0; c0 < cg; c0 += ChannelTile)
                {
                    int nc = Math.Min(ChannelTile, cg - c0);
                    // Channels past the group's end re-read the last one; their sums are dropped.
                    int o1 = Math.Min(1, nc - 1), o2 = Math.Min(2, nc - 1), o3 = Math.Min(3, nc - 1);
                    int o4 = Math.Min(4, nc - 1), o5 = Math.Min(5, nc - 1), o6 = Math.Min(6, nc - 1), o7 = Math.Min(7, nc - 1);
                    TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero, a4 = TV.Zero, a5 = TV.Zero, a6 = TV.Zero, a7 = TV.Zero;
                    TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero, b4 = TV.Zero, b5 = TV.Zero, b6 = TV.Zero, b7 = TV.Zero;
                    for (int n = nStart; n < nEnd; n++)
                    {
                        for (int p = 0; p < p0; p++)
                        {
                            int ih = p * sh - pt + r * dh;
                            if ((uint)ih >= (uint)h)
                            {
                                continue;
                            }
                            float* xRow = x + ((long)n * h + ih) * wd * c + g * cg + c0;
                            float* dyRow = dy + ((long)n * p0 + p) * q0 * k + channel;
                            for (int q = qLo; q < qHi; q++)
                            {
                                TV da = TV.Load(dyRow + q * k);
                                TV db = TV.Load(dyRow + q * k + Simd.Block);
                                float* xp = xRow + (q * sw - pl + s * dw) * c;
                                TV v = TV.Broadcast(xp[0]);
                                a0 = TV.Fma(v, da, a0);
                                b0 = TV.Fma(v, db, b0);
                                v = TV.Broadcast(xp[o1]);
                                a1 = TV.Fma(v, da, a1);
                                b1 = TV.Fma(v, db, b1);
                                v = TV.Broadcast(xp[o2]);
                                a2 = TV.Fma(v, da, a2);
                                b2 = TV.Fma(v, db, b2);
                                v = TV.Broadcast(xp[o3]);
                                a3 = TV.Fma(v, da, a3);
                                b3 = TV.Fma(v, db, b3);
                                v = TV.Broadcast(xp[o4]);
                                a4 = TV.Fma(v, da, a4);
                                b4 = TV.Fma(v, db, b4);
                                v = TV.Broadcast(xp[o5]);
                                a5 = TV.Fma(v, da, a5);
                                b5 = TV.Fma(v, db, b5);
                                v = TV.Broadcast(xp[o6]);
                                a6 = TV.Fma(v, da, a6);
                                b6 = TV.Fma(v, db, b6);
                                v = TV.Broadcast(xp[o7]);
                                a7 = TV.Fma(v, da, a7);
                                b7 = TV.Fma(v, db, b7);
                            }
                        }
                    }
                    // Spill all sixteen before adding, so no accumulator is live across the loop below.
                    float* sb = sums + ChannelTile * Simd.Block;
                    TV.Store(sums, a0);
                    TV.Store(sums + Simd.Block, a1);
                    TV.Store(sums + 2 * Simd.Block, a2);
                    TV.Store(sums + 3 * Simd.Block, a3);
                    TV.Store(sums + 4 * Simd.Block, a4);
                    TV.Store(sums + 5 * Simd.Block, a5);
                    TV.Store(sums + 6 * Simd.Block, a6);
                    TV.Store(sums + 7 * Simd.Block, a7);
                    TV.Store(sb, b0);
                    TV.Store(sb + Simd.Block, b1);
                    TV.Store(sb + 2 * Simd.Block, b2);
                    TV.Store(sb + 3 * Simd.Block, b3);
                    TV.Store(sb + 4 * Simd.Block, b4);
                    TV.Store(sb + 5 * Simd.Block, b5);
                    TV.Store(sb + 6 * Simd.Block, b6);
                    TV.Store(sb + 7 * Simd.Block, b7);
                    // Packed copy (G, K/G/16, R, S, C/G, 16): block kb + 1 is R * S * C/G * 16 floats after kb.
                    float* sink = packed + ((((long)(g * blocks + kb) * r0 + r) * s0 + s) * cg + c0) * Simd.Block;
                    long next = (long)r0 * s0 * cg * Simd.Block;
                    for (int i = 0; i < nc; i++)
                    {
                        TV.Store(sink + i * Simd.Block, TV.Add(TV.Load(sink + i * Simd.Block), TV.Load(sums + i * Simd.Block)));
                        TV.Store(sink + next + i * Simd.Block, TV.Add(TV.Load(sink + next + i * Simd.Block), TV.Load(sb + i * Simd.Block)));
                    }
                }
            }
        }
    }
}
