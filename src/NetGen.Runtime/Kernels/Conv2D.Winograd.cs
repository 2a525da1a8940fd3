using System;

namespace NetGen.Kernels;

/// <summary>
/// Winograd F(2x2, 3x3) forward for 3x3 stride-1 convolutions: each 2x2 block of outputs
/// (a tile) comes from a 4x4 block of input through 16 products per channel pair instead of
/// 36 (2.25x fewer multiply-adds). With d the 4x4 input block of one channel, g the 3x3 kernel
/// of one (output, input) channel pair:
/// <code>
/// U = G g G^T   (4x4, per k and c; precomputed by PackWinograd)
/// V = B^T d B   (4x4, per tile and c)
/// M = sum over c of U (.) V   (element-wise: 16 products of (tiles x C) by (C x K))
/// y = A^T M A   (2x2 outputs per tile and k)
/// B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
/// A^T = [1 1 1 0; 0 1 -1 -1]
/// </code>
/// The transforms use only 0, +-1 and 1/2, so results match the direct kernel to float
/// rounding. Tiles are processed in blocks of <see cref="WinogradTileBlock"/>; the workspace
/// holds one block's V (16, tiles, C) and M (16, tiles, K).
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>Tiles (2x2 output blocks) transformed and multiplied together; the workspace holds one block.</summary>
    public const int WinogradTileBlock = 32;

    /// <summary>Transformed taps per channel pair: a 4x4 block.</summary>
    private const int WinogradTaps = 16;

    /// <summary>
    /// Whether <see cref="ForwardWinograd"/> takes this convolution: 3x3 kernel, stride 1,
    /// no dilation, no groups, C and K multiples of 16 (any padding).
    /// </summary>
    public static bool SuitsWinograd(in Conv2DDims dims) =>
        dims.R == 3 && dims.S == 3 && dims.StrideH == 1 && dims.StrideW == 1 &&
        dims.DilationH == 1 && dims.DilationW == 1 && dims.Groups == 1 &&
        dims.C % Simd.Block == 0 && dims.K % Simd.Block == 0;

    /// <summary>Floats of the transformed weights: 16 * C * K, laid out (16, K/16, C, 16).</summary>
    public static int WinogradWeightFloats(in Conv2DDims dims) => WinogradTaps * dims.C * dims.K;

    /// <summary>Scratch floats <see cref="ForwardWinograd"/> and <see cref="ForwardWinogradMaxPool"/> need: one block's V and M, 16 * <see cref="WinogradTileBlock"/> * (C + K).</summary>
    public static int WinogradWorkspaceFloats(in Conv2DDims dims) => WinogradTaps * WinogradTileBlock * (dims.C + dims.K);

    /// <summary>
    /// Weights in the forward layout (<see cref="Pack"/>, or <see cref="PackForBackward"/> for the
    /// gradient convolution of a stride-1 layer) to the Winograd layout: U = G g G^T per (k, c),
    /// stored (16, K/16, C, 16). Overwrites winograd.
    /// </summary>
    /// <param name="winograd">(<see cref="WinogradWeightFloats"/>) destination.</param>
    /// <param name="packedWeights">(<see cref="PackedWeightFloats"/>) forward-packed weights.</param>
    /// <param name="dims">The convolution; <see cref="SuitsWinograd"/> must hold.</param>
    public static void PackWinograd(Span<float> winograd, ReadOnlySpan<float> packedWeights, in Conv2DDims dims)
    {
        const string kernel = "Conv2D.PackWinograd";
        dims.Validate();
        RequireWinograd(kernel, dims);
        Check.Length(winograd.Length, WinogradWeightFloats(dims), kernel, nameof(winograd), "16*C*K");
        Check.Length(packedWeights.Length, PackedWeightFloats(dims), kernel, nameof(packedWeights), "Conv2D.PackedWeightFloats(dims)");
        int c = dims.C, blocks = dims.K / Simd.Block;
        Span<float> g = stackalloc float[9];
        Span<float> u = stackalloc float[WinogradTaps];
        for (int kb = 0; kb < blocks; kb++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                for (int lane = 0; lane < Simd.Block; lane++)
                {
                    for (int tap = 0; tap < 9; tap++)
                    {
                        // Forward layout (K/16, R, S, C, 16) with R = S = 3: tap = r * 3 + s.
                        g[tap] = packedWeights[((kb * 9 + tap) * c + ch) * Simd.Block + lane];
                    }
                    TransformKernel(g, u);
                    for (int e = 0; e < WinogradTaps; e++)
                    {
                        winograd[((e * blocks + kb) * c + ch) * Simd.Block + lane] = u[e];
                    }
                }
            }
        }
    }

    /// <summary>y = act(conv(x, w) + b) through Winograd F(2x2, 3x3). Overwrites y.</summary>
    /// <param name="y">(N, P, Q, K) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="winogradWeights">Weights transformed by <see cref="PackWinograd"/>.</param>
    /// <param name="bias">(K), or empty for no bias.</param>
    /// <param name="workspace">At least <see cref="WinogradWorkspaceFloats"/> floats of scratch.</param>
    /// <param name="dims">The convolution; <see cref="SuitsWinograd"/> must hold.</param>
    /// <param name="activation">Activation fused into the store.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void ForwardWinograd(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation = Activation.None, float alpha = 0f)
    {
        const string kernel = "Conv2D.ForwardWinograd";
        dims.Validate();
        RequireWinograd(kernel, dims);
        Check.Length(y.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(y), "N*P*Q*K");
        CheckWinogradInputs(kernel, x, winogradWeights, bias, workspace, dims);
        var tiles = new WinogradTiles(dims, (dims.P + 1) / 2, (dims.Q + 1) / 2, Pooled: false);
        WinogradRun(y, x, winogradWeights, bias, workspace, dims, tiles, activation, alpha);
    }

    /// <summary>
    /// y = maxpool2x2/2(act(conv(x, w) + b)) through Winograd F(2x2, 3x3): each tile is one pool
    /// window, so the convolution's outputs are never stored. Overwrites y.
    /// </summary>
    /// <param name="y">(N, P_pool, Q_pool, K) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="winogradWeights">Weights transformed by <see cref="PackWinograd"/>.</param>
    /// <param name="bias">(K), or empty for none.</param>
    /// <param name="workspace">At least <see cref="WinogradWorkspaceFloats"/> floats.</param>
    /// <param name="conv">The convolution; <see cref="SuitsWinograd"/> must hold.</param>
    /// <param name="pool">A 2x2 stride-2 pool without padding over the convolution's output (floor mode).</param>
    /// <param name="activation">Activation fused before the pool.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void ForwardWinogradMaxPool(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims conv, in PoolDims pool, Activation activation = Activation.None, float alpha = 0f)
    {
        const string kernel = "Conv2D.ForwardWinogradMaxPool";
        conv.Validate();
        pool.Validate();
        RequireWinograd(kernel, conv);
        if (!SuitsWinogradMaxPool(conv, pool))
        {
            throw Check.Failure(kernel,
                $"the pool ({pool.R}x{pool.S}, stride {pool.StrideH}x{pool.StrideW}, padding {pool.PadTop},{pool.PadLeft}, output {pool.P}x{pool.Q}) " +
                $"over the convolution's ({conv.N}, {conv.P}, {conv.Q}, {conv.K}) output is not a 2x2 stride-2 floor-mode pool without padding.");
        }
        Check.Length(y.Length, (long)pool.N * pool.P * pool.Q * pool.C, kernel, nameof(y), "N*P_pool*Q_pool*K");
        CheckWinogradInputs(kernel, x, winogradWeights, bias, workspace, conv);
        var tiles = new WinogradTiles(conv, pool.P, pool.Q, Pooled: true);
        WinogradRun(y, x, winogradWeights, bias, workspace, conv, tiles, activation, alpha);
    }

    /// <summary>Whether <see cref="ForwardWinogradMaxPool"/> takes this pool: 2x2, stride 2, no padding, P_pool = P/2 and Q_pool = Q/2 rounded down.</summary>
    public static bool SuitsWinogradMaxPool(in Conv2DDims conv, in PoolDims pool) =>
        pool.N == conv.N && pool.H == conv.P && pool.W == conv.Q && pool.C == conv.K &&
        pool.R == 2 && pool.S == 2 && pool.StrideH == 2 && pool.StrideW == 2 &&
        pool.PadTop == 0 && pool.PadLeft == 0 && pool.P == conv.P / 2 && pool.Q == conv.Q / 2;

    private static void RequireWinograd(string kernel, in Conv2DDims dims)
    {
        if (!SuitsWinograd(dims))
        {
            throw Check.Failure(kernel,
                $"Winograd F(2x2, 3x3) takes a 3x3 stride-1 undilated convolution without groups, C and K multiples of 16; " +
                $"this one is {dims.R}x{dims.S}, stride {dims.StrideH}x{dims.StrideW}, dilation {dims.DilationH}x{dims.DilationW}, " +
                $"{dims.Groups} groups, C = {dims.C}, K = {dims.K}.");
        }
    }

    private static void CheckWinogradInputs(string kernel, ReadOnlySpan<float> x, ReadOnlySpan<float> winogradWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims)
    {
        Check.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(x), "N*H*W*C");
        Check.Length(winogradWeights.Length, WinogradWeightFloats(dims), kernel, nameof(winogradWeights), "Conv2D.WinogradWeightFloats(dims)");
        if (bias.Length != 0)
        {
            Check.Length(bias.Length, dims.K, kernel, nameof(bias), "K");
        }
        Check.AtLeast(workspace.Length, WinogradWorkspaceFloats(dims), kernel, nameof(workspace), "Conv2D.WinogradWorkspaceFloats(dims)");
    }

    /// <summary>U = G g G^T for one 3x3 kernel g (row-major) into the 4x4 u (row-major).</summary>
    private static void TransformKernel(ReadOnlySpan<float> g, Span<float> u)
    {
        Span<float> t = stackalloc float[12];
        for (int s = 0; s < 3; s++)
        {
            // t = G g: 4 rows of 3.
            float g0 = g[s], g1 = g[3 + s], g2 = g[6 + s];
            t[s] = g0;
            t[3 + s] = 0.5f * (g0 + g1 + g2);
            t[6 + s] = 0.5f * (g0 - g1 + g2);
            t[9 + s] = g2;
        }
        for (int r = 0; r < 4; r++)
        {
            // u = t G^T: 4 columns per row.
            float t0 = t[r * 3], t1 = t[r * 3 + 1], t2 = t[r * 3 + 2];
            u[r * 4] = t0;
            u[r * 4 + 1] = 0.5f * (t0 + t1 + t2);
            u[r * 4 + 2] = 0.5f * (t0 - t1 + t2);
            u[r * 4 + 3] = t2;
        }
    }

    /// <summary>The tiles of one Winograd forward: TP x TQ per sample, each 2x2 outputs, or one pooled output when <see cref="Pooled"/>.</summary>
    private readonly record struct WinogradTiles(Conv2DDims Dims, int Rows, int Columns, bool Pooled)
    {
        public int PerSample => Rows * Columns;
    }

    /// <summary>Every tile, block by block: input transform into V, 16 products into M, output transform into y.</summary>
    private static void WinogradRun(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> u, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims d, in WinogradTiles tiles, Activation activation, float alpha)
    {
        int total = d.N * tiles.PerSample;
        var v = workspace[..(WinogradTaps * WinogradTileBlock * d.C)];
        var m = workspace.Slice(v.Length, WinogradTaps * WinogradTileBlock * d.K);
        for (int first = 0; first < total; first += WinogradTileBlock)
        {
            int count = Math.Min(WinogradTileBlock, total - first);
            for (int t = 0; t < count; t++)
            {
                TransformInput(v, t, x, d, tiles, first + t);
            }
            MultiplyBlock(m, v, u, d, count);
            for (int t = 0; t < count; t++)
            {
                TransformOutput(y, m, t, bias, d, tiles, first + t, activation, alpha);
            }
        }
    }

    /// <summary>V[e, t, c] = (B^T d B)[e] for tile <paramref name="tile"/> (global index) into block row t; input outside the image is zero.</summary>
    private static void TransformInput(Span<float> v, int t, ReadOnlySpan<float> x, in Conv2DDims d, in WinogradTiles tiles, int tile)
    {
        int n = tile / tiles.PerSample, within = tile % tiles.PerSample;
        int row0 = 2 * (within / tiles.Columns) - d.PadTop, col0 = 2 * (within % tiles.Columns) - d.PadLeft;
        Span<float> block = stackalloc float[WinogradTaps];
        Span<float> rows = stackalloc float[WinogradTaps];
        for (int c = 0; c < d.C; c++)
        {
            for (int i = 0; i < 4; i++)
            {
                for (int j = 0; j < 4; j++)
                {
                    int h = row0 + i, w = col0 + j;
                    block[i * 4 + j] = h >= 0 && h < d.H && w >= 0 && w < d.W ? x[((n * d.H + h) * d.W + w) * d.C + c] : 0f;
                }
            }
            for (int j = 0; j < 4; j++)
            {
                // rows = B^T block.
                float d0 = block[j], d1 = block[4 + j], d2 = block[8 + j], d3 = block[12 + j];
                rows[j] = d0 - d2;
                rows[4 + j] = d1 + d2;
                rows[8 + j] = d2 - d1;
                rows[12 + j] = d1 - d3;
            }
            for (int i = 0; i < 4; i++)
            {
                // V = rows B.
                float r0 = rows[i * 4], r1 = rows[i * 4 + 1], r2 = rows[i * 4 + 2], r3 = rows[i * 4 + 3];
                v[((i * 4) * WinogradTileBlock + t) * d.C + c] = r0 - r2;
                v[((i * 4 + 1) * WinogradTileBlock + t) * d.C + c] = r1 + r2;
                v[((i * 4 + 2) * WinogradTileBlock + t) * d.C + c] = r2 - r1;
                v[((i * 4 + 3) * WinogradTileBlock + t) * d.C + c] = r1 - r3;
            }
        }
    }

    /// <summary>M[e, t, k] = sum over c of V[e, t, c] * U[e, k, c] for the block's first <paramref name="count"/> tiles.</summary>
    private static void MultiplyBlock(Span<float> m, ReadOnlySpan<float> v, ReadOnlySpan<float> u, in Conv2DDims d, int count)
    {
        int blocks = d.K / Simd.Block;
        for (int e = 0; e < WinogradTaps; e++)
        {
            for (int t = 0; t < count; t++)
            {
                var mt = m.Slice((e * WinogradTileBlock + t) * d.K, d.K);
                mt.Clear();
                var vt = v.Slice((e * WinogradTileBlock + t) * d.C, d.C);
                for (int kb = 0; kb < blocks; kb++)
                {
                    for (int c = 0; c < d.C; c++)
                    {
                        var uc = u.Slice(((e * blocks + kb) * d.C + c) * Simd.Block, Simd.Block);
                        float vc = vt[c];
                        for (int lane = 0; lane < Simd.Block; lane++)
                        {
                            mt[kb * Simd.Block + lane] += vc * uc[lane];
                        }
                    }
                }
            }
        }
    }

    /// <summary>y for tile <paramref name="tile"/> from block row t of M: A^T M A, bias, activation, then the 2x2 max when pooled; outputs past P or Q are not stored.</summary>
    private static void TransformOutput(Span<float> y, ReadOnlySpan<float> m, int t, ReadOnlySpan<float> bias, in Conv2DDims d, in WinogradTiles tiles,
        int tile, Activation activation, float alpha)
    {
        int n = tile / tiles.PerSample, within = tile % tiles.PerSample;
        int tileRow = within / tiles.Columns, tileColumn = within % tiles.Columns;
        Span<float> s = stackalloc float[8];
        for (int k = 0; k < d.K; k++)
        {
            for (int j = 0; j < 4; j++)
            {
                // s = A^T M: 2 rows of 4.
                float m0 = m[((0 + j) * WinogradTileBlock + t) * d.K + k], m1 = m[((4 + j) * WinogradTileBlock + t) * d.K + k];
                float m2 = m[((8 + j) * WinogradTileBlock + t) * d.K + k], m3 = m[((12 + j) * WinogradTileBlock + t) * d.K + k];
                s[j] = m0 + m1 + m2;
                s[4 + j] = m1 - m2 - m3;
            }
            float b = bias.Length == 0 ? 0f : bias[k];
            float pooled = float.NegativeInfinity;
            for (int i = 0; i < 2; i++)
            {
                float s0 = s[i * 4], s1 = s[i * 4 + 1], s2 = s[i * 4 + 2], s3 = s[i * 4 + 3];
                float left = Activations.Apply(s0 + s1 + s2 + b, activation, alpha);
                float right = Activations.Apply(s1 - s2 - s3 + b, activation, alpha);
                if (tiles.Pooled)
                {
                    pooled = MathF.Max(pooled, MathF.Max(left, right));
                    continue;
                }
                int p = 2 * tileRow + i, q = 2 * tileColumn;
                if (p >= d.P) continue;
                y[((n * d.P + p) * d.Q + q) * d.K + k] = left;
                if (q + 1 < d.Q) y[((n * d.P + p) * d.Q + q + 1) * d.K + k] = right;
            }
            if (tiles.Pooled)
            {
                y[((n * tiles.Rows + tileRow) * tiles.Columns + tileColumn) * d.K + k] = pooled;
            }
        }
    }
}
