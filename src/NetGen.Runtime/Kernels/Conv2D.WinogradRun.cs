using System;

namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>The tiles of one Winograd forward: Rows x Columns per sample, each 2x2 outputs, or one pooled output when <see cref="Pooled"/>.</summary>
    private readonly record struct WinogradTiles(Conv2DDims Dims, int Rows, int Columns, bool Pooled)
    {
        public int PerSample => Rows * Columns;
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
    /// tiles into V (16, 32, C), the 16 products into M (16, 32, K), then the output transform
    /// of each tile with bias and activation (and the 2x2 maximum when pooled). Rows of V and M
    /// past the block's last tile are never read, so the workspace needs no clearing.
    /// </summary>
    private static void WinogradBlocks<TV>(float* y, float* x, float* u, float* bias, float* workspace, in Conv2DDims d,
        in WinogradTiles tiles, Activation act, float alpha)
        where TV : struct, ILanes16<TV>
    {
        int c = d.C, k = d.K, total = d.N * tiles.PerSample, perSample = tiles.PerSample, columns = tiles.Columns;
        int inSample = d.H * d.W * c;
        float* v = workspace, m = workspace + WinogradTaps * WinogradTileBlock * c;
        // The 4 outputs of a pooled tile's block of 16 channels, for an activation applied before the maximum.
        float* scratch = stackalloc float[4 * Simd.Block];
        for (int first = 0; first < total; first += WinogradTileBlock)
        {
            int count = Math.Min(WinogradTileBlock, total - first);
            for (int t = 0; t < count; t++)
            {
                int tile = first + t, n = tile / perSample, within = tile % perSample;
                int row0 = 2 * (within / columns) - d.PadTop, col0 = 2 * (within % columns) - d.PadLeft;
                WinogradInputTile<TV>(v + t * c, x + n * inSample, d, row0, col0);
            }
            WinogradMultiply<TV>(m, v, u, c, k, count);
            for (int t = 0; t < count; t++)
            {
                int tile = first + t, n = tile / perSample, within = tile % perSample;
                int row = within / columns, column = within % columns;
                if (tiles.Pooled)
                {
                    WinogradOutputPooled<TV>(y + tile * k, m + t * k, k, bias, act, alpha, scratch);
                    continue;
                }
                int p = 2 * row, q = 2 * column;
                float* y00 = y + ((n * d.P + p) * d.Q + q) * k;
                WinogradOutputTile<TV>(y00, d.Q * k, m + t * k, k, bias, p + 1 < d.P, q + 1 < d.Q, act, alpha);
            }
        }
    }
}
