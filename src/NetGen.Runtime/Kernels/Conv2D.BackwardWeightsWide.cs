using System;

namespace NetGen.Kernels;

/// <summary>
/// Conv2D weight gradient as a GEMM over the flat (c, r, s) combinations of a group, for layers
/// whose windows all lie inside the input (no padding) and whose output channels per group are a
/// multiple of 32, on 512-bit lanes: a register tile of 64 output channels x 6 combinations
/// (24 accumulators) reads 4 dY vectors and 6 x values per output pixel, 2.4 FMAs per load where
/// BackwardWeightsPair's 32 x 8 tile does 1.6 and its channel tiles leave combinations of a
/// 3x3 kernel unused when C/G is not a multiple of 8. Channels past the last 64 go through a
/// 32 x 9 tile. Every accumulator sums its (n, p, q) in a fixed order, chunk by chunk of
/// images, so the result does not depend on anything but the dimensions.
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>(c, r, s) combinations of the 64-channel tile (6 x 4 = 24 accumulators).</summary>
    private const int WideCombos = 6;

    /// <summary>(c, r, s) combinations of the 32-channel tile (9 x 2 = 18 accumulators: one 3x3 kernel).</summary>
    private const int NarrowCombos = 9;

    /// <summary>
    /// Bytes of x and dY per chunk of images for the wide tiles: half of a 1 MB L2, so a chunk is
    /// re-read from L2 by every tile. Smaller chunks flush the 24 sums more often: MNIST conv2 at
    /// N = 32 ran 0.83x the time with chunks of 9 images as with chunks of 1 (96 KB).
    /// </summary>
    private const long WideChunkBytes = 512 * 1024;

    /// <summary>Whether <see cref="BackwardWeightsWide"/> handles the layer.</summary>
    internal static bool WideTiled(in Conv2DDims d) =>
        Simd.Use512 && d.GroupK % (2 * Simd.Block) == 0 && d.PadTop == 0 && d.PadLeft == 0 &&
        (d.P - 1) * d.StrideH + (d.R - 1) * d.DilationH < d.H &&
        (d.Q - 1) * d.StrideW + (d.S - 1) * d.DilationW < d.W;

    /// <summary>dW (K, C/G, R, S) += correlation of x (N, H, W, C) with dY (N, P, Q, K), in tiles of 64 (or 32) output channels x (c, r, s) combinations.</summary>
    private static void BackwardWeightsWide(float* dW, float* dy, float* x, in Conv2DDims dims)
    {
        // Each chunk's tile sums are added as vectors into a (G, K/G/16, C/G*R*S, 16) copy of dW
        // on the stack, transposed into dW at the end; a gradient too big for the stack is
        // scattered into dW after every tile of every chunk instead.
        int combos = dims.GroupC * dims.R * dims.S;
        long packedFloats = (long)dims.K * combos;
        bool stacked = packedFloats <= StackedWeightGradientFloats;
        Span<float> buffer = stacked ? stackalloc float[(int)packedFloats] : default;
        buffer.Clear();
        // The larger tile's sums: 6 combinations x 4 vectors (the 32 x 9 tile stores 9 x 2).
        float* sums = stackalloc float[WideCombos * 4 * Simd.Block];
        int* offsets = stackalloc int[NarrowCombos];
        long imageBytes = ((long)dims.H * dims.W * dims.C + (long)dims.P * dims.Q * dims.K) * sizeof(float);
        int chunk = (int)Math.Clamp(WideChunkBytes / imageBytes, 1, Math.Max(1, dims.N));
        fixed (float* packed = buffer)
        {
            for (int nStart = 0; nStart < dims.N; nStart += chunk)
            {
                int nEnd = Math.Min(dims.N, nStart + chunk);
                for (int g = 0; g < dims.Groups; g++)
                {
                    int kb = 0;
                    for (; kb + 4 <= dims.GroupK / Simd.Block; kb += 4)
                    {
                        var cursor = default(ComboCursor);
                        for (int j0 = 0; j0 < combos; j0 += WideCombos)
                        {
                            int nj = Math.Min(WideCombos, combos - j0);
                            ComboOffsets(offsets, WideCombos, nj, ref cursor, g, dims);
                            WideTile(sums, dy, x, offsets, dims, nStart, nEnd, g * dims.GroupK + kb * Simd.Block);
                            AddTileSums(dW, packed, sums, dims, combos, g, kb, 4, j0, nj);
                        }
                    }
                    if (kb < dims.GroupK / Simd.Block)
                    {
                        var cursor = default(ComboCursor);
                        for (int j0 = 0; j0 < combos; j0 += NarrowCombos)
                        {
                            int nj = Math.Min(NarrowCombos, combos - j0);
                            ComboOffsets(offsets, NarrowCombos, nj, ref cursor, g, dims);
                            NarrowTile(sums, dy, x, offsets, dims, nStart, nEnd, g * dims.GroupK + kb * Simd.Block);
                            AddTileSums(dW, packed, sums, dims, combos, g, kb, 2, j0, nj);
                        }
                    }
                }
            }
            if (stacked)
            {
                UnpackComboGradient(dW, packed, dims, combos);
            }
        }
    }

    /// <summary>(ci, r, s) of the next combination, in canonical order (s fastest).</summary>
    private struct ComboCursor
    {
        public int Ci, R, S;
    }

    /// <summary>
    /// offsets[i] = where combination i after the cursor's, (ci, r, s) of group g, reads x in
    /// floats from the window's corner pixel, for i &lt; nj (the cursor moves past them, no division
    /// per tile); combinations past the group's last (i &gt;= nj) re-read the last one.
    /// </summary>
    private static void ComboOffsets(int* offsets, int tile, int nj, ref ComboCursor cursor, int g, in Conv2DDims d)
    {
        for (int i = 0; i < nj; i++)
        {
            offsets[i] = (cursor.R * d.DilationH * d.W + cursor.S * d.DilationW) * d.C + g * d.GroupC + cursor.Ci;
            if (++cursor.S == d.S)
            {
                cursor.S = 0;
                if (++cursor.R == d.R)
                {
                    cursor.R = 0;
                    cursor.Ci++;
                }
            }
        }
        for (int i = nj; i < tile; i++)
        {
            offsets[i] = offsets[nj - 1];
        }
    }

    /// <summary>
    /// Adds the tile's sums (sums[i * vectors * 16 + v * 16 + lane] for combination j0 + i and
    /// output channel g K/G + (kb + v) 16 + lane, i &lt; nj) into the packed copy, or into dW
    /// when there is none.
    /// </summary>
    private static void AddTileSums(
        float* dW, float* packed, float* sums, in Conv2DDims dims, int combos, int g, int kb, int vectors, int j0, int nj)
    {
        int blocks = dims.GroupK / Simd.Block;
        for (int v = 0; v < vectors; v++)
        {
            if (packed != null)
            {
                float* sink = packed + (((long)g * blocks + kb + v) * combos + j0) * Simd.Block;
                for (int i = 0; i < nj; i++)
                {
                    float* source = sums + (i * vectors + v) * Simd.Block;
                    Lanes512.Store(sink + i * Simd.Block, Lanes512.Add(Lanes512.Load(sink + i * Simd.Block), Lanes512.Load(source)));
                }
                continue;
            }
            float* dst = dW + ((long)g * dims.GroupK + (kb + v) * Simd.Block) * combos + j0;
            for (int i = 0; i < nj; i++)
            {
                float* source = sums + (i * vectors + v) * Simd.Block;
                for (int lane = 0; lane < Simd.Block; lane++)
                {
                    dst[(long)lane * combos + i] += source[lane];
                }
            }
        }
    }

    /// <summary>dW (K, C/G*R*S) += packed (G, K/G/16, C/G*R*S, 16): dW's rows are the packed copy's lanes.</summary>
    private static void UnpackComboGradient(float* dW, float* packed, in Conv2DDims dims, int combos)
    {
        for (int row = 0; row < dims.K; row++)
        {
            // Output channel row is lane row % 16 of 16-channel block row / 16 (groups are whole blocks).
            float* source = packed + (long)(row / Simd.Block) * combos * Simd.Block + row % Simd.Block;
            float* dst = dW + (long)row * combos;
            for (int j = 0; j < combos; j++)
            {
                dst[j] += source[j * Simd.Block];
            }
        }
    }
}
