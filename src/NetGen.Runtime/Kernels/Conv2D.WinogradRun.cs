using System;

namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>The tiles of one Winograd forward: Rows x Columns per sample, each 2x2 outputs, or one pooled output when <see cref="Pooled"/>.</summary>
    private readonly record struct WinogradTiles(int Rows, int Columns, bool Pooled)
    {
        public int PerSample => Rows * Columns;
    }

    /// <summary>A tile's sample, tile row and tile column, stepped in order (no division per tile).</summary>
    private readonly record struct WinogradCursor(int N, int Row, int Column)
    {
        public WinogradCursor Next(in WinogradTiles tiles) =>
            Column + 1 < tiles.Columns ? this with { Column = Column + 1 }
            : Row + 1 < tiles.Rows ? new WinogradCursor(N, Row + 1, 0)
            : new WinogradCursor(N + 1, 0, 0);
    }

    /// <summary>Pins the spans and runs <see cref="WinogradBlocks{TV}"/> on the widest vectors the machine has.</summary>
    private static void WinogradRun(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> u, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims d, in WinogradTiles tiles, Activation activation, float alpha)
    {
        fixed (float* py = y, px = x, pu = u, pb = bias, ps = workspace)
        {
            float* b = bias.Length == 0 ? null : pb;
            if (Simd.Use512)
            {
                WinogradBlocks<Lanes512>(py, px, pu, b, ps, d, tiles, activation, alpha);
            }
            else
            {
                WinogradBlocks<Lanes256>(py, px, pu, b, ps, d, tiles, activation, alpha);
            }
        }
    }

    /// <summary>
    /// Every tile, <see cref="WinogradTileBlock"/> at a time: the input transform of the block's
    /// tiles into V (32, 16, C), the 16 products into M (32, 16, K), then the output transform
    /// of each tile with bias and activation (and the 2x2 maximum when pooled). Rows of V and M
    /// past the block's last tile are never read, so the workspace needs no clearing.
    /// </summary>
    private static void WinogradBlocks<TV>(float* y, float* x, float* u, float* bias, float* workspace, in Conv2DDims d,
        in WinogradTiles tiles, Activation act, float alpha)
        where TV : struct, ILanes16<TV>
    {
        int c = d.C, k = d.K, total = d.N * tiles.PerSample, columns = tiles.Columns, p0 = d.P, q0 = d.Q;
        int inSample = d.H * d.W * c, padTop = d.PadTop, padLeft = d.PadLeft, vTile = WinogradTaps * c, mTile = WinogradTaps * k;
        bool pooled = tiles.Pooled;
        float* v = workspace, m = workspace + WinogradTileBlock * vTile;
        // The 4 outputs of a pooled tile's block of 16 channels, for an activation applied before the maximum.
        float* scratch = stackalloc float[4 * Simd.Block];
        var next = new WinogradCursor(0, 0, 0);
        for (int first = 0; first < total; first += WinogradTileBlock)
        {
            int count = Math.Min(WinogradTileBlock, total - first);
            var at = next;
            for (int t = 0; t < count; t++, at = at.Next(tiles))
            {
                WinogradInputTile<TV>(v + t * vTile, x + at.N * inSample, d, 2 * at.Row - padTop, 2 * at.Column - padLeft);
            }
            WinogradMultiply<TV>(m, v, u, c, k, count);
            at = next;
            for (int t = 0; t < count; t++, at = at.Next(tiles))
            {
                if (pooled)
                {
                    WinogradOutputPooled<TV>(y + (first + t) * k, m + t * mTile, k, bias, act, alpha, scratch);
                    continue;
                }
                int p = 2 * at.Row, q = 2 * at.Column;
                float* y00 = y + ((at.N * p0 + p) * q0 + q) * k;
                WinogradOutputTile<TV>(y00, q0 * k, m + t * mTile, k, bias, p + 1 < p0, q + 1 < q0, act, alpha);
            }
            next = at;
        }
    }
}
