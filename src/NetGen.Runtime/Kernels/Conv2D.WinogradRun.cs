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

    /// <summary>
    /// Pins the spans and runs <see cref="WinogradBlocks{TV}"/> on <paramref name="path"/>'s lanes, for output
    /// channels [<paramref name="kFirst"/>, <paramref name="kFirst"/> + <paramref name="kCount"/>) (multiples of 16;
    /// 0 and K for the whole layer): y, u and bias are offset here to the first channel.
    /// </summary>
    private static void WinogradRun(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> u, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims d, in WinogradTiles tiles, Activation activation, float alpha, int kFirst, int kCount,
        KernelPath path)
    {
        fixed (float* py = y, px = x, pu = u, pb = bias, ps = workspace)
        {
            float* b = bias.Length == 0 ? null : pb + kFirst;
            // U is (16, K/16, C, 16): the range's blocks of one tap start kFirst/16 blocks of (C, 16) in.
            float* w = pu + (long)kFirst * d.C;
            var range = new WinogradChannels(kCount, d.K);
            if (path.Use512)
            {
                WinogradBlocks<Lanes512>(py + kFirst, px, w, b, ps, d, tiles, range, activation, alpha);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                WinogradBlocks<Lanes256>(py + kFirst, px, w, b, ps, d, tiles, range, activation, alpha);
            }
            else if (path.Fused)
            {
                WinogradBlocks<Lanes128<Fused>>(py + kFirst, px, w, b, ps, d, tiles, range, activation, alpha);
            }
            else
            {
                WinogradBlocks<Lanes128<Unfused>>(py + kFirst, px, w, b, ps, d, tiles, range, activation, alpha);
            }
        }
    }

    /// <summary>
    /// The output channels one run computes: <see cref="Count"/> of them (a multiple of 16, M's row per tap), of
    /// the layer's <see cref="Total"/> (y's floats per pixel, and U's blocks of 16 channels per tap times 16).
    /// </summary>
    private readonly record struct WinogradChannels(int Count, int Total);

    /// <summary>
    /// Every tile, <see cref="WinogradTileBlock"/> at a time: the input transform of the block's
    /// tiles into V (32, 16, C), the 16 products into M (32, 16, k) for the range's k channels,
    /// then the output transform of each tile with bias and activation (and the 2x2 maximum when
    /// pooled). y, u and bias point at the range's first channel. Rows of V and M
    /// past the block's last tile are never read, so the workspace needs no clearing.
    /// </summary>
    private static void WinogradBlocks<TV>(float* y, float* x, float* u, float* bias, float* workspace, in Conv2DDims d,
        in WinogradTiles tiles, in WinogradChannels range, Activation act, float alpha)
        where TV : struct, ILanes16<TV>
    {
        int c = d.C, k = range.Count, pixel = range.Total, tapBlocks = pixel / Simd.Block, total = d.N * tiles.PerSample, columns = tiles.Columns, p0 = d.P, q0 = d.Q;
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
            WinogradMultiply<TV>(m, v, u, c, k, tapBlocks, count);
            at = next;
            for (int t = 0; t < count; t++, at = at.Next(tiles))
            {
                if (pooled)
                {
                    WinogradOutputPooled<TV>(y + (first + t) * pixel, m + t * mTile, k, bias, act, alpha, scratch);
                    continue;
                }
                int p = 2 * at.Row, q = 2 * at.Column;
                float* y00 = y + ((at.N * p0 + p) * q0 + q) * pixel;
                WinogradOutputTile<TV>(y00, q0 * pixel, pixel, m + t * mTile, k, bias, p + 1 < p0, q + 1 < q0, act, alpha);
            }
            next = at;
        }
    }
}
