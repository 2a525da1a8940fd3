using System;
using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

/// <summary>Dimensions of a fully connected layer: x (N, C) to y (N, K).</summary>
/// <param name="N">Batch.</param>
/// <param name="C">Input features.</param>
/// <param name="K">Output features (units).</param>
public readonly record struct DenseDims(int N, int C, int K)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid dimension.</summary>
    public void Validate()
    {
        Check.NonNegative(N, nameof(DenseDims), nameof(N));
        Check.Positive(C, nameof(DenseDims), nameof(C));
        Check.Positive(K, nameof(DenseDims), nameof(K));
    }
}

/// <summary>
/// Fully connected layer: y (N, K) = act(x (N, C) * w^T + b). Canonical weights are
/// PyTorch's (K, C); <see cref="Pack"/> makes the forward layout (ceil(K/16), C, 16).
/// Forward keeps one sample x 4 blocks of 16 outputs in registers, and runs the batch over
/// 512-feature chunks of the weights so they are read from cache, not memory, per sample. Backward reads the
/// canonical weights (its reduction runs over K, which is their outer dimension) and x
/// saved from forward; dX, dW and dB all accumulate with +=. With a fused activation,
/// run <see cref="Activations.BackwardInPlace"/> on dY with the saved y first.
/// </summary>
public static unsafe class Dense
{
    private const int BlockTile = 4;

    /// <summary>Input features per pass over the batch: 512 x 128 units is 256 KB of weights, an L2's share.</summary>
    private const int ChunkFeatures = 512;

    /// <summary>Floats of the packed weights: ceil(K/16) * C * 16.</summary>
    public static int PackedWeightFloats(in DenseDims dims) => Simd.Blocks(dims.K) * dims.C * Simd.Block;

    /// <summary>Canonical (K, C) weights to (ceil(K/16), C, 16), zero-filled past K. Overwrites packed.</summary>
    /// <param name="packed">(<see cref="PackedWeightFloats"/>) destination.</param>
    /// <param name="weights">(K, C) canonical weights.</param>
    /// <param name="dims">The layer.</param>
    public static void Pack(Span<float> packed, ReadOnlySpan<float> weights, in DenseDims dims)
    {
        dims.Validate();
        int c = dims.C, k = dims.K;
        Check.Length(packed.Length, PackedWeightFloats(dims), "Dense.Pack", nameof(packed), "ceil(K/16)*C*16");
        Check.Length(weights.Length, (long)k * c, "Dense.Pack", nameof(weights), "K*C");
        packed.Clear();
        for (int kk = 0; kk < k; kk++)
        {
            for (int ci = 0; ci < c; ci++)
            {
                packed[((kk / Simd.Block) * c + ci) * Simd.Block + kk % Simd.Block] = weights[kk * c + ci];
            }
        }
    }

    /// <summary>y = act(x w^T + b). Overwrites y.</summary>
    /// <param name="y">(N, K) output.</param>
    /// <param name="x">(N, C) input.</param>
    /// <param name="packedWeights">Weights packed by <see cref="Pack"/>.</param>
    /// <param name="bias">(K), or empty for none.</param>
    /// <param name="dims">The layer.</param>
    /// <param name="activation">Activation fused into the store.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void Forward(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        in DenseDims dims, Activation activation = Activation.None, float alpha = 0f) =>
        Forward(y, x, packedWeights, bias, dims, activation, alpha, KernelPath.Hardware);

    /// <summary><see cref="Forward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, in DenseDims, Activation, float)"/> on <paramref name="path"/>.</summary>
    internal static void Forward(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        in DenseDims dims, Activation activation, float alpha, KernelPath path)
    {
        const string kernel = "Dense.Forward";
        dims.Validate();
        Check.Length(y.Length, (long)dims.N * dims.K, kernel, nameof(y), "N*K");
        Check.Length(x.Length, (long)dims.N * dims.C, kernel, nameof(x), "N*C");
        Check.Length(packedWeights.Length, PackedWeightFloats(dims), kernel, nameof(packedWeights), "ceil(K/16)*C*16");
        if (bias.Length != 0)
        {
            Check.Length(bias.Length, dims.K, kernel, nameof(bias), "K");
        }
        float* tail = stackalloc float[Simd.Block];
        fixed (float* py = y, px = x, pw = packedWeights, pb = bias)
        {
            float* b = bias.Length == 0 ? null : pb;
            if (path.Use512)
            {
                ForwardCore<Lanes512>(py, px, pw, b, tail, dims, activation, alpha);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                ForwardCore<Lanes256>(py, px, pw, b, tail, dims, activation, alpha);
            }
            else if (path.Fused)
            {
                ForwardCore<Lanes128<Fused>>(py, px, pw, b, tail, dims, activation, alpha);
            }
            else
            {
                ForwardCore<Lanes128<Unfused>>(py, px, pw, b, tail, dims, activation, alpha);
            }
        }
    }

    private static void ForwardCore<TV>(float* y, float* x, float* w, float* b, float* tail, in DenseDims dims, Activation act, float alpha)
        where TV : struct, ILanes16<TV>
    {
        int n0 = dims.N, c = dims.C, k = dims.K, blocks = Simd.Blocks(k);
        int blockFloats = c * Simd.Block;
        bool relu = act == Activation.ReLU;
        // The input features run in chunks so a chunk of the weights (ChunkFeatures x K floats)
        // stays in cache while every sample of the batch reads it; partial sums wait in y.
        for (int c0 = 0; c0 < c; c0 += ChunkFeatures)
        {
            int c1 = Math.Min(c, c0 + ChunkFeatures);
            bool first = c0 == 0, last = c1 == c;
            float* bias = last ? b : null;
            bool chunkRelu = last && relu;
            for (int n = 0; n < n0; n++)
            {
                float* xr = x + n * c;
                float* yr = y + n * k;
                for (int kb = 0; kb < blocks; kb += BlockTile)
                {
                    int nb = Math.Min(BlockTile, blocks - kb);
                    // Blocks past the last re-read the last one; their sums are not stored.
                    float* w0 = w + kb * blockFloats;
                    float* w1 = w + (kb + Math.Min(1, nb - 1)) * blockFloats;
                    float* w2 = w + (kb + Math.Min(2, nb - 1)) * blockFloats;
                    float* w3 = w + (kb + Math.Min(3, nb - 1)) * blockFloats;
                    TV acc0 = TV.Zero, acc1 = TV.Zero, acc2 = TV.Zero, acc3 = TV.Zero;
                    for (int ci = c0; ci < c1; ci++)
                    {
                        TV xv = TV.Broadcast(xr[ci]);
                        int off = ci * Simd.Block;
                        acc0 = TV.Fma(xv, TV.Load(w0 + off), acc0);
                        acc1 = TV.Fma(xv, TV.Load(w1 + off), acc1);
                        acc2 = TV.Fma(xv, TV.Load(w2 + off), acc2);
                        acc3 = TV.Fma(xv, TV.Load(w3 + off), acc3);
                    }
                    StoreBlock(yr, acc0, bias, kb, k, chunkRelu, !first, tail);
                    if (nb > 1)
                    {
                        StoreBlock(yr, acc1, bias, kb + 1, k, chunkRelu, !first, tail);
                    }
                    if (nb > 2)
                    {
                        StoreBlock(yr, acc2, bias, kb + 2, k, chunkRelu, !first, tail);
                    }
                    if (nb > 3)
                    {
                        StoreBlock(yr, acc3, bias, kb + 3, k, chunkRelu, !first, tail);
                    }
                }
                if (last && act > Activation.ReLU)
                {
                    Epilogue.Activate(yr, k, act, alpha);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreBlock<TV>(float* yRow, TV acc, float* b, int block, int k, bool relu, bool accumulate, float* tail)
        where TV : struct, ILanes16<TV>
    {
        int first = block * Simd.Block;
        Epilogue.Store(yRow + first, acc, b == null ? null : b + first, Math.Min(Simd.Block, k - first), relu, tail, accumulate);
    }

    /// <summary>dX += dY w.</summary>
    /// <param name="dX">(N, C) input gradient, accumulated.</param>
    /// <param name="dY">(N, K) pre-activation output gradient.</param>
    /// <param name="weights">(K, C) canonical weights.</param>
    /// <param name="dims">The layer.</param>
    public static void BackwardData(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> weights, in DenseDims dims) =>
        BackwardData(dX, dY, weights, dims, KernelPath.Hardware);

    /// <summary><see cref="BackwardData(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, in DenseDims)"/> on <paramref name="path"/>.</summary>
    internal static void BackwardData(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> weights, in DenseDims dims, KernelPath path)
    {
        const string kernel = "Dense.BackwardData";
        Check.Length(dX.Length, (long)dims.N * dims.C, kernel, nameof(dX), "N*C");
        Check.Length(dY.Length, (long)dims.N * dims.K, kernel, nameof(dY), "N*K");
        Check.Length(weights.Length, (long)dims.K * dims.C, kernel, nameof(weights), "K*C");
        fixed (float* pdx = dX, pdy = dY, pw = weights)
        {
            if (path.Use512)
            {
                BackwardDataCore<Lanes512>(pdx, pdy, pw, dims.N, dims.C, dims.K);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                BackwardDataCore<Lanes256>(pdx, pdy, pw, dims.N, dims.C, dims.K);
            }
            else if (path.Fused)
            {
                BackwardDataCore<Lanes128<Fused>>(pdx, pdy, pw, dims.N, dims.C, dims.K);
            }
            else
            {
                BackwardDataCore<Lanes128<Unfused>>(pdx, pdy, pw, dims.N, dims.C, dims.K);
            }
        }
    }

    private static void BackwardDataCore<TV>(float* dx, float* dy, float* w, int n0, int c, int k)
        where TV : struct, ILanes16<TV>
    {
        // Feature chunks keep a K x 512 slice of the weights in cache for the whole batch.
        for (int c0 = 0; c0 < c; c0 += ChunkFeatures)
        {
            int width = Math.Min(ChunkFeatures, c - c0);
            for (int n = 0; n < n0; n++)
            {
                ColumnCombination<TV>(dx + n * c + c0, dy + n * k, 1, w + c0, c, k, width);
            }
        }
    }

    /// <summary>dW += dY^T x.</summary>
    /// <param name="dW">(K, C) weight gradient, accumulated.</param>
    /// <param name="dY">(N, K) pre-activation output gradient.</param>
    /// <param name="x">(N, C) the forward input.</param>
    /// <param name="dims">The layer.</param>
    public static void BackwardWeights(Span<float> dW, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, in DenseDims dims) =>
        BackwardWeights(dW, dY, x, dims, KernelPath.Hardware);

    /// <summary><see cref="BackwardWeights(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, in DenseDims)"/> on <paramref name="path"/>.</summary>
    internal static void BackwardWeights(Span<float> dW, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, in DenseDims dims, KernelPath path)
    {
        const string kernel = "Dense.BackwardWeights";
        Check.Length(dW.Length, (long)dims.K * dims.C, kernel, nameof(dW), "K*C");
        Check.Length(dY.Length, (long)dims.N * dims.K, kernel, nameof(dY), "N*K");
        Check.Length(x.Length, (long)dims.N * dims.C, kernel, nameof(x), "N*C");
        fixed (float* pdw = dW, pdy = dY, px = x)
        {
            if (path.Use512)
            {
                BackwardWeightsCore<Lanes512>(pdw, pdy, px, dims.N, dims.C, dims.K);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                BackwardWeightsCore<Lanes256>(pdw, pdy, px, dims.N, dims.C, dims.K);
            }
            else if (path.Fused)
            {
                BackwardWeightsCore<Lanes128<Fused>>(pdw, pdy, px, dims.N, dims.C, dims.K);
            }
            else
            {
                BackwardWeightsCore<Lanes128<Unfused>>(pdw, pdy, px, dims.N, dims.C, dims.K);
            }
        }
    }

    private static void BackwardWeightsCore<TV>(float* dW, float* dy, float* x, int n0, int c, int k)
        where TV : struct, ILanes16<TV>
    {
        // dW row k = sum over n of dY[n, k] * x row n (dY read down a column); feature
        // chunks keep an N x 512 slice of x in cache for every k.
        for (int c0 = 0; c0 < c; c0 += ChunkFeatures)
        {
            int width = Math.Min(ChunkFeatures, c - c0);
            for (int kk = 0; kk < k; kk++)
            {
                ColumnCombination<TV>(dW + kk * c + c0, dy + kk, k, x + c0, c, n0, width);
            }
        }
    }

    /// <summary>dB[k] += sum over n of dY[n, k].</summary>
    /// <param name="dB">(K) bias gradient, accumulated.</param>
    /// <param name="dY">(N, K) pre-activation output gradient.</param>
    /// <param name="dims">The layer.</param>
    public static void BackwardBias(Span<float> dB, ReadOnlySpan<float> dY, in DenseDims dims)
    {
        Check.Length(dB.Length, dims.K, "Dense.BackwardBias", nameof(dB), "K");
        Check.Length(dY.Length, (long)dims.N * dims.K, "Dense.BackwardBias", nameof(dY), "N*K");
        Reduce.SumRowsInto(dB, dY, dims.N, dims.K);
    }

    /// <summary>
    /// row[i] += sum over j of coef[j * coefStride] * m[j * mStride + i] for i &lt; width:
    /// a combination of J rows of m, 16 columns at a time, the tail scalar.
    /// </summary>
    private static void ColumnCombination<TV>(float* row, float* coef, int coefStride, float* m, int mStride, int j0, int width)
        where TV : struct, ILanes16<TV>
    {
        int full = width / Simd.Block * Simd.Block;
        for (int cb = 0; cb < full; cb += Simd.Block)
        {
            TV a0 = TV.Load(row + cb), a1 = TV.Zero;
            int j = 0;
            for (; j + 1 < j0; j += 2)
            {
                a0 = TV.Fma(TV.Broadcast(coef[j * coefStride]), TV.Load(m + j * mStride + cb), a0);
                a1 = TV.Fma(TV.Broadcast(coef[(j + 1) * coefStride]), TV.Load(m + (j + 1) * mStride + cb), a1);
            }
            if (j < j0)
            {
                a0 = TV.Fma(TV.Broadcast(coef[j * coefStride]), TV.Load(m + j * mStride + cb), a0);
            }
            TV.Store(row + cb, TV.Add(a0, a1));
        }
        for (int ci = full; ci < width; ci++)
        {
            float sum = 0f;
            for (int j = 0; j < j0; j++)
            {
                sum += coef[j * coefStride] * m[j * mStride + ci];
            }
            row[ci] += sum;
        }
    }
}
