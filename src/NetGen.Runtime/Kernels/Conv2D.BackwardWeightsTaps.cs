using System;

namespace NetGen.Kernels;

/// <summary>
/// Conv2D weight gradient for layers with fewer input channels per group than
/// BackwardWeights' channel tile (the first layer of an image network: C = 1 or 3), where
/// tiling over channels would leave most of the tile's registers doing repeated work. Here a
/// register holds one (input channel, r, s) combination for 16 output channels, 9 at a time,
/// and every output pixel's dY vector feeds all 9.
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>(c, r, s) combinations whose weight gradients are accumulated at once (9 registers: a 3x3 kernel).</summary>
    private const int TapTile = 9;

    /// <summary>
    /// Whether <see cref="BackwardWeightsTaps{TV}"/> handles the layer: fewer input channels per
    /// group than <see cref="ChannelTile"/>, and every window inside the input (no padding), so
    /// the pixel loop needs no bounds test.
    /// </summary>
    internal static bool TapTiled(in Conv2DDims d) =>
        !IsDepthwise(d) && d.GroupC < ChannelTile && d.PadTop == 0 && d.PadLeft == 0 &&
        (d.P - 1) * d.StrideH + (d.R - 1) * d.DilationH < d.H &&
        (d.Q - 1) * d.StrideW + (d.S - 1) * d.DilationW < d.W;

    /// <summary>dW (K, C/G, R, S) += correlation of x (N, H, W, C) with dY (N, P, Q, K), 9 (c, r, s) combinations per pass over dY.</summary>
    private static void BackwardWeightsTaps<TV>(float* dW, float* dy, float* x, float* scratch, in Conv2DDims dims)
        where TV : struct, ILanes16<TV>
    {
        int n0 = dims.N, h = dims.H, wd = dims.W, c = dims.C, k = dims.K, r0 = dims.R, s0 = dims.S;
        int p0 = dims.P, q0 = dims.Q, sh = dims.StrideH, sw = dims.StrideW, dh = dims.DilationH, dw = dims.DilationW;
        int groups = dims.Groups, cg = c / groups, kg = k / groups, blocks = Simd.Blocks(kg);
        int combos = cg * r0 * s0;
        float* dyTail = scratch;
        float* sums = scratch + Simd.Block;
        int* offsets = stackalloc int[TapTile];
        for (int i = 0; i < Simd.Block; i++)
        {
            dyTail[i] = 0f;
        }
        for (int g = 0; g < groups; g++)
        {
            for (int kb = 0; kb < blocks; kb++)
            {
                int count = Math.Min(Simd.Block, kg - kb * Simd.Block);
                int channel = g * kg + kb * Simd.Block;
                for (int j0 = 0; j0 < combos; j0 += TapTile)
                {
                    int nj = Math.Min(TapTile, combos - j0);
                    // Combination j = (ci, r, s) in canonical order reads x at this offset from the
                    // window's corner; combinations past the end re-read the last one, their sums dropped.
                    for (int i = 0; i < TapTile; i++)
                    {
                        int j = j0 + Math.Min(i, nj - 1);
                        int ci = j / (r0 * s0), r = j / s0 % r0, s = j % s0;
                        offsets[i] = (r * dh * wd + s * dw) * c + g * cg + ci;
                    }
                    int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3], o4 = offsets[4];
                    int o5 = offsets[5], o6 = offsets[6], o7 = offsets[7], o8 = offsets[8];
                    TV acc0 = TV.Zero, acc1 = TV.Zero, acc2 = TV.Zero, acc3 = TV.Zero, acc4 = TV.Zero;
                    TV acc5 = TV.Zero, acc6 = TV.Zero, acc7 = TV.Zero, acc8 = TV.Zero;
                    for (int n = 0; n < n0; n++)
                    {
                        for (int p = 0; p < p0; p++)
                        {
                            float* xRow = x + (n * h + p * sh) * wd * c;
                            float* dyRow = dy + (n * p0 + p) * q0 * k + channel;
                            for (int q = 0; q < q0; q++)
                            {
                                TV dv = Simd.LoadPartial<TV>(dyRow + q * k, count, dyTail);
                                float* xp = xRow + q * sw * c;
                                acc0 = TV.Fma(TV.Broadcast(xp[o0]), dv, acc0);
                                acc1 = TV.Fma(TV.Broadcast(xp[o1]), dv, acc1);
                                acc2 = TV.Fma(TV.Broadcast(xp[o2]), dv, acc2);
                                acc3 = TV.Fma(TV.Broadcast(xp[o3]), dv, acc3);
                                acc4 = TV.Fma(TV.Broadcast(xp[o4]), dv, acc4);
                                acc5 = TV.Fma(TV.Broadcast(xp[o5]), dv, acc5);
                                acc6 = TV.Fma(TV.Broadcast(xp[o6]), dv, acc6);
                                acc7 = TV.Fma(TV.Broadcast(xp[o7]), dv, acc7);
                                acc8 = TV.Fma(TV.Broadcast(xp[o8]), dv, acc8);
                            }
                        }
                    }
                    TV.Store(sums, acc0);
                    TV.Store(sums + Simd.Block, acc1);
                    TV.Store(sums + 2 * Simd.Block, acc2);
                    TV.Store(sums + 3 * Simd.Block, acc3);
                    TV.Store(sums + 4 * Simd.Block, acc4);
                    TV.Store(sums + 5 * Simd.Block, acc5);
                    TV.Store(sums + 6 * Simd.Block, acc6);
                    TV.Store(sums + 7 * Simd.Block, acc7);
                    TV.Store(sums + 8 * Simd.Block, acc8);
                    // dW[channel + lane, j] in canonical (K, C/G, R, S): combination j is the flat (ci, r, s) index.
                    for (int i = 0; i < nj; i++)
                    {
                        float* dst = dW + channel * combos + j0 + i;
                        for (int lane = 0; lane < count; lane++)
                        {
                            dst[lane * combos] += sums[i * Simd.Block + lane];
                        }
                    }
                }
            }
        }
    }
}
