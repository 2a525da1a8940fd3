using System;

namespace NetGen.Kernels;

/// <summary>
/// Conv2D weight gradient as a GEMM over the (c, r, s) combinations of a group, for layers whose
/// output channels per group are a multiple of 16, on 512-bit lanes: a register tile of 64
/// output channels x 6 combinations (24 accumulators) reads 4 dY vectors and 6 x values per
/// output pixel, 2.4 FMAs per load where BackwardWeightsPair's 32 x 8 tile does 1.6. Channels
/// past the last 64 go through a 32 x 9 tile, then a 16 x 12 one. Over the output pixels whose whole window lies
/// inside the input (all of them without padding), a tile takes consecutive combinations in
/// canonical order (a 3x3 kernel over 32 channels fills 48 tiles exactly); over the border
/// pixels of a padded layer, a tile takes channels of one (r, s) tap and walks the strips of
/// pixels whose tap lies inside the input. Every accumulator sums its (n, p, q) in a fixed
/// order, chunk by chunk of images, so the result depends on nothing but the dimensions.
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>(c, r, s) combinations of the 64-channel tile (6 x 4 = 24 accumulators).</summary>
    private const int WideCombos = 6;

    /// <summary>(c, r, s) combinations of the 32-channel tile (9 x 2 = 18 accumulators: one 3x3 kernel).</summary>
    private const int NarrowCombos = 9;

    /// <summary>(c, r, s) combinations of the 16-channel tile (12 accumulators: 13 loads per 12 FMAs).</summary>
    private const int SingleCombos = 12;

    /// <summary>
    /// Bytes of x and dY per chunk of images for the wide tiles: half of a 1 MB L2, so a chunk is
    /// re-read from L2 by every tile. Smaller chunks flush the 24 sums more often: MNIST conv2 at
    /// N = 32 ran 0.83x the time with chunks of 9 images as with chunks of 1 (96 KB).
    /// </summary>
    private const long WideChunkBytes = 512 * 1024;

    /// <summary>
    /// Whether <see cref="BackwardWeightsWide"/> handles the layer on <paramref name="path"/>: 512-bit lanes,
    /// K/G a multiple of 16, and one input channel's sums for 64 output channels fit the stacked copy (R x S up to 768).
    /// </summary>
    internal static bool WideTiled(in Conv2DDims d, KernelPath path) =>
        path.Use512 && d.GroupK % Simd.Block == 0 && 4L * Simd.Block * d.R * d.S <= StackedWeightGradientFloats;

    /// <summary>dW (K, C/G, R, S) += correlation of x (N, H, W, C) with dY (N, P, Q, K), in tiles of 64 (or 32, or 16) output channels x (c, r, s) combinations.</summary>
    private static void BackwardWeightsWide(float* dW, float* dy, float* x, in Conv2DDims dims)
    {
        // The tile sums of every chunk are added as vectors into a (K/16, C/G*R*S, 16) packed copy
        // of dW on the stack, transposed into dW at the end. A gradient too big for the stack goes
        // in parts, one block of 64 (or 32, or 16) output channels x a range of input channels each, the
        // part's copy summed over the whole batch: the batch is read once per part, which cost
        // less than scattering every tile's sums into dW after every chunk (64 -> 128 channels,
        // stride 2: half the time).
        int taps = dims.R * dims.S, combos = dims.GroupC * taps, blocks = dims.GroupK / Simd.Block;
        long packedFloats = (long)dims.K * combos;
        bool whole = packedFloats <= StackedWeightGradientFloats;
        Span<float> buffer = stackalloc float[(int)Math.Min(packedFloats, StackedWeightGradientFloats)];
        var tile = new WideTileState();
        long imageBytes = ((long)dims.H * dims.W * dims.C + (long)dims.P * dims.Q * dims.K) * sizeof(float);
        int chunk = (int)Math.Clamp(WideChunkBytes / imageBytes, 1, Math.Max(1, dims.N));
        // The output pixels whose every tap lies inside the input: all of them without padding.
        var inner = InteriorOf(dims);
        var interior = new PixelRect(inner.PLo, inner.PHi, inner.QLo, inner.QHi);
        fixed (float* packed = buffer)
        {
            if (whole)
            {
                buffer.Clear();
                for (int nStart = 0; nStart < dims.N; nStart += chunk)
                {
                    int nEnd = Math.Min(dims.N, nStart + chunk);
                    for (int g = 0; g < dims.Groups; g++)
                    {
                        for (int kb = 0, vectors; kb < blocks; kb += vectors)
                        {
                            vectors = TileVectors(blocks - kb);
                            float* sink = packed + ((long)g * blocks + kb) * combos * Simd.Block;
                            var block = new TileBlock(sink, combos * Simd.Block, dy, x, g, kb, vectors, 0, dims.GroupC, nStart, nEnd);
                            FlatTiles(ref tile, block, dims, interior);
                            BorderTiles(ref tile, block, dims, interior);
                        }
                    }
                }
                UnpackComboGradient(dW, packed, 0, dims.K, combos, 0, combos);
                return;
            }
            for (int g = 0; g < dims.Groups; g++)
            {
                for (int kb = 0, vectors; kb < blocks; kb += vectors)
                {
                    vectors = TileVectors(blocks - kb);
                    int span = (int)(StackedWeightGradientFloats / ((long)vectors * Simd.Block * taps));
                    for (int cLo = 0; cLo < dims.GroupC; cLo += span)
                    {
                        int cHi = Math.Min(dims.GroupC, cLo + span), partCombos = (cHi - cLo) * taps;
                        buffer[..(vectors * Simd.Block * partCombos)].Clear();
                        for (int nStart = 0; nStart < dims.N; nStart += chunk)
                        {
                            var block = new TileBlock(packed, partCombos * Simd.Block, dy, x, g, kb, vectors, cLo, cHi, nStart, Math.Min(dims.N, nStart + chunk));
                            FlatTiles(ref tile, block, dims, interior);
                            BorderTiles(ref tile, block, dims, interior);
                        }
                        UnpackComboGradient(dW, packed, g * dims.GroupK + kb * Simd.Block, vectors * Simd.Block, combos, cLo * taps, cHi * taps);
                    }
                }
            }
        }
    }

    /// <summary>16-channel blocks of the next tile: four while they last, then two, then one.</summary>
    private static int TileVectors(int blocksLeft) => blocksLeft >= 4 ? 4 : blocksLeft >= 2 ? 2 : 1;

    /// <summary>(c, r, s) combinations of the tile of 4, 2 or 1 vectors.</summary>
    private static int TileCombos(int vectors) => vectors switch { 4 => WideCombos, 2 => NarrowCombos, _ => SingleCombos };

    /// <summary>Output pixels [PLo, PHi) x [QLo, QHi) of every image: the interior, or a strip of the border.</summary>
    private readonly record struct PixelRect(int PLo, int PHi, int QLo, int QHi)
    {
        public bool IsEmpty => PLo >= PHi || QLo >= QHi;
    }

    /// <summary>The block's combinations in canonical order, tile by tile, over the interior pixels of the chunk.</summary>
    private static void FlatTiles(ref WideTileState tile, in TileBlock block, in Conv2DDims dims, PixelRect interior)
    {
        if (interior.IsEmpty)
        {
            return;
        }
        int width = TileCombos(block.Vectors);
        var walk = new PixelWalk(dims, block.NStart, block.NEnd, interior);
        int ci = block.CLo, r = 0, s = 0;
        int end = block.CHi * dims.R * dims.S;
        for (int j0 = block.CLo * dims.R * dims.S; j0 < end; j0 += width)
        {
            int nj = Math.Min(width, end - j0);
            for (int i = 0; i < nj; i++)
            {
                tile.Set(i, dims, block.G, ci, r, s);
                // Advance to the next combination in canonical order (s fastest), no division.
                if (++s == dims.S)
                {
                    s = 0;
                    if (++r == dims.R)
                    {
                        r = 0;
                        ci++;
                    }
                }
            }
            RunTile(ref tile, block, walk, dims, width, nj);
        }
    }

    /// <summary>
    /// Per (r, s) tap, the pixels outside the interior whose tap lies inside the input: the
    /// tap's rectangle less the interior (inside it), as up to four strips above, below, left
    /// and right of it.
    /// </summary>
    private static void BorderTiles(ref WideTileState tile, in TileBlock block, in Conv2DDims dims, PixelRect interior)
    {
        for (int r = 0; r < dims.R; r++)
        {
            ValidRange(r * dims.DilationH - dims.PadTop, dims.StrideH, dims.H, dims.P, out int pLo, out int pHi);
            for (int s = 0; s < dims.S; s++)
            {
                ValidRange(s * dims.DilationW - dims.PadLeft, dims.StrideW, dims.W, dims.Q, out int qLo, out int qHi);
                if (interior.IsEmpty)
                {
                    StripTiles(ref tile, block, dims, r, s, new PixelRect(pLo, pHi, qLo, qHi));
                    continue;
                }
                StripTiles(ref tile, block, dims, r, s, new PixelRect(pLo, interior.PLo, qLo, qHi));
                StripTiles(ref tile, block, dims, r, s, new PixelRect(interior.PHi, pHi, qLo, qHi));
                StripTiles(ref tile, block, dims, r, s, new PixelRect(interior.PLo, interior.PHi, qLo, interior.QLo));
                StripTiles(ref tile, block, dims, r, s, new PixelRect(interior.PLo, interior.PHi, interior.QHi, qHi));
            }
        }
    }

    /// <summary>The block's channels at tap (r, s), tile by tile, over one strip of pixels.</summary>
    private static void StripTiles(ref WideTileState tile, in TileBlock block, in Conv2DDims dims, int r, int s, PixelRect strip)
    {
        if (strip.IsEmpty)
        {
            return;
        }
        int width = TileCombos(block.Vectors);
        var walk = new PixelWalk(dims, block.NStart, block.NEnd, strip);
        for (int c0 = block.CLo; c0 < block.CHi; c0 += width)
        {
            int nj = Math.Min(width, block.CHi - c0);
            for (int i = 0; i < nj; i++)
            {
                tile.Set(i, dims, block.G, c0 + i, r, s);
            }
            RunTile(ref tile, block, walk, dims, width, nj);
        }
    }

    /// <summary>
    /// dW rows [firstRow, firstRow + rows), columns [jLo, jHi) of C/G*R*S, += packed (rows/16,
    /// jHi - jLo, 16): dW's rows are the packed copy's lanes.
    /// </summary>
    private static void UnpackComboGradient(float* dW, float* packed, int firstRow, int rows, int combos, int jLo, int jHi)
    {
        int width = jHi - jLo;
        for (int row = 0; row < rows; row++)
        {
            float* source = packed + (long)(row / Simd.Block) * width * Simd.Block + row % Simd.Block;
            float* dst = dW + (long)(firstRow + row) * combos + jLo;
            for (int j = 0; j < width; j++)
            {
                dst[j] += source[j * Simd.Block];
            }
        }
    }
}
