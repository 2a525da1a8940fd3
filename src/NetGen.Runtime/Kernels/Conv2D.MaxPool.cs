using System;

namespace NetGen.Kernels;

/// <summary>
/// Inference path for a convolution (+ bias + activation) followed by a max pool without
/// padding, e.g. the MNIST net's conv -> ReLU -> 2x2 max pool: the convolution's output rows a
/// pool window needs are computed into a small cache-resident buffer and pooled at once, so
/// the convolution's full output is never written to the arena, and rows and columns a
/// floor-mode pool discards are never computed. Training keeps the two ops separate, since
/// the pool's backward reads the convolution's output.
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>Scratch floats <see cref="ForwardMaxPool(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, in PoolDims, Activation, float)"/> needs: the convolution's workspace plus R_pool rows of the used columns.</summary>
    public static int ForwardMaxPoolWorkspaceFloats(in Conv2DDims conv, in PoolDims pool) =>
        ForwardWorkspaceFloats(conv) + pool.R * UsedColumns(pool) * conv.K;

    /// <summary>y = maxpool(act(conv(x, w) + b)). Overwrites y.</summary>
    /// <param name="y">(N, P_pool, Q_pool, K) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="packedWeights">Weights packed by <see cref="Pack"/>.</param>
    /// <param name="bias">(K), or empty for none.</param>
    /// <param name="workspace">At least <see cref="ForwardMaxPoolWorkspaceFloats"/> floats.</param>
    /// <param name="conv">The convolution.</param>
    /// <param name="pool">The pool over its output: N, H = P, W = Q, C = K of the convolution; no padding.</param>
    /// <param name="activation">Activation fused before the pool.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void ForwardMaxPool(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims conv, in PoolDims pool, Activation activation = Activation.None, float alpha = 0f) =>
        ForwardMaxPool(y, x, packedWeights, bias, workspace, conv, pool, activation, alpha, KernelPath.Hardware);

    /// <summary><see cref="ForwardMaxPool(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, in PoolDims, Activation, float)"/> on <paramref name="path"/>.</summary>
    internal static void ForwardMaxPool(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims conv, in PoolDims pool, Activation activation, float alpha, KernelPath path)
    {
        const string kernel = "Conv2D.ForwardMaxPool";
        conv.Validate();
        pool.Validate();
        if (pool.N != conv.N || pool.H != conv.P || pool.W != conv.Q || pool.C != conv.K)
        {
            throw Check.Failure(kernel,
                $"the pool's input ({pool.N}, {pool.H}, {pool.W}, {pool.C}) is not the convolution's output ({conv.N}, {conv.P}, {conv.Q}, {conv.K}).");
        }
        if (pool.PadTop != 0 || pool.PadLeft != 0)
        {
            throw Check.Failure(kernel, "the fused path takes a pool without padding; run Conv2D.Forward and MaxPool2D.Forward instead.");
        }
        if ((pool.P - 1) * pool.StrideH + pool.R > pool.H || UsedColumns(pool) > pool.W)
        {
            throw Check.Failure(kernel, "the fused path takes pools whose windows lie inside the input (no ceil-mode overhang); run Conv2D.Forward and MaxPool2D.Forward instead.");
        }
        Check.Length(y.Length, (long)pool.N * pool.P * pool.Q * pool.C, kernel, nameof(y), "N*P_pool*Q_pool*K");
        Check.Length(x.Length, (long)conv.N * conv.H * conv.W * conv.C, kernel, nameof(x), "N*H*W*C");
        Check.Length(packedWeights.Length, PackedWeightFloats(conv), kernel, nameof(packedWeights), "Conv2D.PackedWeightFloats(dims)");
        if (bias.Length != 0)
        {
            Check.Length(bias.Length, conv.K, kernel, nameof(bias), "K");
        }
        Check.AtLeast(workspace.Length, ForwardMaxPoolWorkspaceFloats(conv, pool), kernel, nameof(workspace), "Conv2D.ForwardMaxPoolWorkspaceFloats(conv, pool)");

        if (InteriorTiles.PooledApplies(conv, pool, activation, alpha, path))
        {
            ForwardPooledTiles(y, x, packedWeights, bias, workspace, conv, pool, activation, alpha);
            return;
        }
        int k = conv.K, used = UsedColumns(pool), rowFloats = used * k;
        int inSample = conv.H * conv.W * conv.C;
        var convWorkspace = workspace[..ForwardWorkspaceFloats(conv)];
        var rows = workspace.Slice(ForwardWorkspaceFloats(conv), pool.R * rowFloats);
        // The buffered rows are a (1, R_pool, used, K) tensor pooled into one output row.
        var rowPool = new PoolDims
        {
            N = 1, H = pool.R, W = used, C = k, R = pool.R, S = pool.S, P = 1, Q = pool.Q,
            StrideH = 1, StrideW = pool.StrideW,
        };
        for (int n = 0; n < conv.N; n++)
        {
            var xs = x.Slice(n * inSample, inSample);
            for (int pp = 0; pp < pool.P; pp++)
            {
                // The R_pool convolution rows under this pool row in one call, so its register
                // tiles run across them: P = R_pool with the padding shifted so that row 0 of this
                // convolution is row p0 of the full one (it may go negative).
                int p0 = pp * pool.StrideH;
                var rowDims = conv with { N = 1, P = pool.R, Q = used, PadTop = conv.PadTop - p0 * conv.StrideH };
                Run(rows, xs, packedWeights, bias, convWorkspace, rowDims, activation, alpha, accumulate: false, path);
                MaxPool2D.Forward(y.Slice(((n * pool.P) + pp) * pool.Q * k, pool.Q * k), rows, rowPool, path);
            }
        }
    }

    /// <summary>The 2x2/2 pool of an interior convolution, in registers (<see cref="InteriorTiles.RunPooled"/>).</summary>
    private static void ForwardPooledTiles(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims conv, in PoolDims pool, Activation activation, float alpha)
    {
        int inSample = conv.H * conv.W * conv.C, outSample = pool.P * pool.Q * pool.C;
        fixed (float* py = y, px = x, pw = packedWeights, pb = bias, ps = workspace)
        {
            float* b = bias.Length == 0 ? null : pb;
            for (int n = 0; n < conv.N; n++)
            {
                InteriorTiles.RunPooled(py + n * outSample, px + n * inSample, pw, b, ps, conv, pool, activation, alpha);
            }
        }
    }

    /// <summary>Columns of the convolution's output that some pool window reads: (Q_pool - 1) * stride + S.</summary>
    private static int UsedColumns(in PoolDims pool) => (pool.Q - 1) * pool.StrideW + pool.S;
}
