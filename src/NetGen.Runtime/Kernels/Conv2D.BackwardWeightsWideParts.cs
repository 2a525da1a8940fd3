namespace NetGen.Kernels;

/// <summary>
/// The pieces Conv2D.BackwardWeightsWide.cs assembles: which output and input channels a pass
/// of tiles covers and where its sums go (TileBlock), which output pixels it walks (PixelWalk),
/// which combinations one tile sums (WideTileState), and running a tile (RunTile, AddTileSums).
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>
    /// Output channels g K/G + 16 kb to g K/G + 16 (kb + Vectors) x input channels [CLo, CHi) of
    /// group g, over images [NStart, NEnd); the sums of vector v and combination j (in the
    /// group's C/G*R*S) go to Packed[v VectorStride + (j - CLo R S) 16 + lane].
    /// </summary>
    private readonly struct TileBlock(float* packed, int vectorStride, float* dy, float* x, int g, int kb, int vectors, int cLo, int cHi, int nStart, int nEnd)
    {
        public readonly float* Packed = packed, Dy = dy, X = x;
        public readonly int VectorStride = vectorStride, G = g, Kb = kb, Vectors = vectors, CLo = cLo, CHi = cHi, NStart = nStart, NEnd = nEnd;
    }

    /// <summary>
    /// The output pixels (n, p, q) of a rectangle of images [nStart, nEnd), in (n, p, q) order,
    /// as pointer steps: from one pixel to the next the window's corner in x moves XStep floats
    /// and dY K floats; at the end of a row and of an image both jump.
    /// </summary>
    private readonly struct PixelWalk
    {
        /// <summary>Floats from x to the first window's corner (negative where the corner is in the padding).</summary>
        public readonly long XStart;
        /// <summary>Floats from dY to the first pixel's output channel 0.</summary>
        public readonly long DyStart;
        public readonly int Count, Rows, Cols;
        public readonly nint XStep, RowSkip, ImageSkip, DyRowSkip, DyImageSkip;

        public PixelWalk(in Conv2DDims d, int nStart, int nEnd, PixelRect rect)
        {
            int pLo = rect.PLo, qLo = rect.QLo, pHi = rect.PHi, qHi = rect.QHi;
            Rows = pHi - pLo;
            Cols = qHi - qLo;
            Count = (nEnd - nStart) * Rows * Cols;
            XStart = (((long)nStart * d.H + pLo * d.StrideH - d.PadTop) * d.W + qLo * d.StrideW - d.PadLeft) * d.C;
            DyStart = (((long)nStart * d.P + pLo) * d.Q + qLo) * d.K;
            XStep = (nint)d.StrideW * d.C;
            nint xRow = (nint)d.StrideH * d.W * d.C;
            RowSkip = xRow - Cols * XStep;
            ImageSkip = (nint)d.H * d.W * d.C - Rows * xRow;
            DyRowSkip = (nint)(d.Q - Cols) * d.K;
            DyImageSkip = (nint)(d.P - Rows) * d.Q * d.K;
        }
    }

    /// <summary>One tile's combinations (up to 12) and its sums (up to 6 x 4 vectors).</summary>
    private struct WideTileState
    {
        /// <summary>Where combination i reads x, in floats from the window's corner.</summary>
        public fixed int Offsets[SingleCombos];
        /// <summary>Combination i's flat index (ci R + r) S + s in the group's C/G*R*S.</summary>
        public fixed int Index[SingleCombos];
        /// <summary>sums[(i V + v) 16 + lane] for combination i and vector v.</summary>
        public fixed float Sums[WideCombos * 4 * Simd.Block];

        /// <summary>Makes combination i of the tile (ci, r, s) of group g.</summary>
        public void Set(int i, in Conv2DDims d, int g, int ci, int r, int s)
        {
            Offsets[i] = (r * d.DilationH * d.W + s * d.DilationW) * d.C + g * d.GroupC + ci;
            Index[i] = (ci * d.R + r) * d.S + s;
        }
    }

    /// <summary>Sums the tile's first nj combinations (of width) over the walk and adds them to the block's sink.</summary>
    private static void RunTile(ref WideTileState tile, in TileBlock block, in PixelWalk walk, in Conv2DDims dims, int width, int nj)
    {
        fixed (int* offsets = tile.Offsets, index = tile.Index)
        fixed (float* sums = tile.Sums)
        {
            // Combinations past the last re-read it; their sums are dropped.
            for (int i = nj; i < width; i++)
            {
                offsets[i] = offsets[nj - 1];
            }
            float* dy = block.Dy + block.G * dims.GroupK + block.Kb * Simd.Block;
            switch (block.Vectors)
            {
                case 4:
                    WideTile(sums, dy, block.X, offsets, walk, dims.K);
                    break;
                case 2:
                    NarrowTile(sums, dy, block.X, offsets, walk, dims.K);
                    break;
                default:
                    SingleTile(sums, dy, block.X, offsets, walk, dims.K);
                    break;
            }
            AddTileSums(block, dims, sums, index, nj);
        }
    }

    /// <summary>Adds sums[(i V + v) 16 + lane], combination index[i] (i &lt; nj) of vector v, into the block's packed sums.</summary>
    private static void AddTileSums(in TileBlock block, in Conv2DDims dims, float* sums, int* index, int nj)
    {
        int vectors = block.Vectors, jLo = block.CLo * dims.R * dims.S;
        for (int v = 0; v < vectors; v++)
        {
            float* sink = block.Packed + (long)v * block.VectorStride;
            for (int i = 0; i < nj; i++)
            {
                float* at = sink + (long)(index[i] - jLo) * Simd.Block;
                Lanes512.Store(at, Lanes512.Add(Lanes512.Load(at), Lanes512.Load(sums + (i * vectors + v) * Simd.Block)));
            }
        }
    }
}
