using System;

namespace NetGen.Kernels;

/// <summary>
/// Conv2D weight gradient: dW (K, C/G, R, S) += correlation of the forward input x with the
/// pre-activation gradient dY, accumulated in registers per (16 output channels, input channel)
/// over chunks of the batch. Layers whose output channels per group are a multiple of 32 use the
/// wider tiles of Conv2D.BackwardWeightsWide.cs (on 512-bit lanes); unpadded layers with few
/// input channels use Conv2D.BackwardWeightsTaps.cs.
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>Input channels whose weight gradients BackwardWeights accumulates at once (8 registers).</summary>
    private const int ChannelTile = 8;

    /// <summary>Bytes of x and dY one BackwardWeights chunk of images reads when its sums are scattered into dW.</summary>
    private const long WeightGradientChunkBytes = 128 * 1024;

    /// <summary>Largest weight gradient (floats) BackwardWeights accumulates in a packed copy on the stack (192 KB).</summary>
    private const long StackedWeightGradientFloats = 48 * 1024;

    /// <summary>Chunk bytes when the sums go to the stacked copy, whose flush is cheap (MNIST conv2: 32 KB 1.75x faster than 128 KB with a strided scatter).</summary>
    private const long StackedChunkBytes = 32 * 1024;

    /// <summary>dW += correlation of x with dY, in canonical (K, C/G, R, S) layout.</summary>
    /// <param name="dW">(K, C/G, R, S) weight gradient, accumulated.</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="x">(N, H, W, C) the forward input.</param>
    /// <param name="dims">The convolution.</param>
    public static void BackwardWeights(Span<float> dW, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, in Conv2DDims dims) =>
        BackwardWeights(dW, dY, x, dims, KernelPath.Hardware);

    /// <summary><see cref="BackwardWeights(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, in Conv2DDims)"/> on <paramref name="path"/>.</summary>
    internal static void BackwardWeights(Span<float> dW, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, in Conv2DDims dims, KernelPath path)
    {
        const string kernel = "Conv2D.BackwardWeights";
        dims.Validate();
        Check.Length(dW.Length, (long)dims.K * dims.GroupC * dims.R * dims.S, kernel, nameof(dW), "K*(C/G)*R*S");
        Check.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(dY), "N*P*Q*K");
        Check.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(x), "N*H*W*C");
        float* scratch = stackalloc float[(1 + TapTile) * Simd.Block];
        fixed (float* pdw = dW, pdy = dY, px = x)
        {
            if (WideTiled(dims, path))
            {
                BackwardWeightsWide(pdw, pdy, px, dims);
            }
            else if (TapTiled(dims))
            {
                if (path.Use512)
                {
                    BackwardWeightsTaps<Lanes512>(pdw, pdy, px, scratch, dims);
                }
                else if (path.Width == LaneWidth.Bits256)
                {
                    BackwardWeightsTaps<Lanes256>(pdw, pdy, px, scratch, dims);
                }
                else if (path.Fused)
                {
                    BackwardWeightsTaps<Lanes128<Fused>>(pdw, pdy, px, scratch, dims);
                }
                else
                {
                    BackwardWeightsTaps<Lanes128<Unfused>>(pdw, pdy, px, scratch, dims);
                }
            }
            else if (path.Use512)
            {
                BackwardWeightsCore<Lanes512>(pdw, pdy, px, scratch, dims);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                BackwardWeightsCore<Lanes256>(pdw, pdy, px, scratch, dims);
            }
            else if (path.Fused)
            {
                BackwardWeightsCore<Lanes128<Fused>>(pdw, pdy, px, scratch, dims);
            }
            else
            {
                BackwardWeightsCore<Lanes128<Unfused>>(pdw, pdy, px, scratch, dims);
            }
        }
    }

    private static void BackwardWeightsCore<TV>(float* dW, float* dy, float* x, float* scratch, in Conv2DDims dims)
        where TV : struct, ILanes16<TV>
    {
        int n0 = dims.N;
        float* dyTail = scratch;
        float* sums = scratch + Simd.Block;
        for (int i = 0; i < Simd.Block; i++)
        {
            dyTail[i] = 0f;
        }

        // One register per (16 output channels, input channel) pair, summed over the (n, p, q)
        // of a chunk of images in registers; 8 input channels at a time share each dY load.
        // Every (block, r, s, channel tile) pass re-reads the chunk's x and dY, so a chunk is
        // kept near the core: over the whole batch, the passes streamed it from L3 (MNIST conv2
        // at batch 64: 144 passes over 1.9 MB, 2.2x slower than 32 KB chunks). Each chunk's
        // sums are added as vectors into a (G, K/G/16, R, S, C/G, 16) copy of dW on the stack,
        // transposed into dW once at the end; a gradient too big for the stack is scattered into
        // dW after every chunk instead (strided, so those layers take larger chunks; chunks of one
        // image scattered so often that they were slower than 128 KB ones).
        int groups = dims.Groups, cg = dims.GroupC, blocks = Simd.Blocks(dims.GroupK), taps = dims.R * dims.S;
        long packedFloats = (long)groups * blocks * taps * cg * Simd.Block;
        bool stacked = packedFloats <= StackedWeightGradientFloats;
        Span<float> buffer = stacked ? stackalloc float[(int)packedFloats] : default;
        buffer.Clear();
        long imageBytes = ((long)dims.H * dims.W * dims.C + (long)dims.P * dims.Q * dims.K) * sizeof(float);
        long chunkBytes = stacked ? StackedChunkBytes : WeightGradientChunkBytes;
        int chunk = (int)Math.Clamp(chunkBytes / imageBytes, 1, Math.Max(1, n0));
        fixed (float* packed = buffer)
        {
            for (int nStart = 0; nStart < n0; nStart += chunk)
            {
                BackwardWeightsChunk<TV>(dW, packed, dy, x, dyTail, sums, dims, nStart, Math.Min(n0, nStart + chunk));
            }
            if (stacked)
            {
                UnpackWeightGradient(dW, packed, dims);
            }
        }
    }

    /// <summary>dW (K, C/G, R, S) += packed (G, K/G/16, R, S, C/G, 16).</summary>
    private static void UnpackWeightGradient(float* dW, float* packed, in Conv2DDims dims)
    {
        int groups = dims.Groups, cg = dims.GroupC, kg = dims.GroupK, blocks = Simd.Blocks(kg), taps = dims.R * dims.S;
        for (int g = 0; g < groups; g++)
        {
            for (int kb = 0; kb < blocks; kb++)
            {
                int count = Math.Min(Simd.Block, kg - kb * Simd.Block);
                int channel = g * kg + kb * Simd.Block;
                for (int tap = 0; tap < taps; tap++)
                {
                    for (int ci = 0; ci < cg; ci++)
                    {
                        float* source = packed + ((((long)g * blocks + kb) * taps + tap) * cg + ci) * Simd.Block;
                        float* dst = dW + ((long)channel * cg + ci) * taps + tap;
                        for (int lane = 0; lane < count; lane++)
                        {
                            dst[(long)lane * cg * taps] += source[lane];
                        }
                    }
                }
            }
        }
    }

    /// <summary>BackwardWeightsCore over the images [nStart, nEnd).</summary>
    private static void BackwardWeightsChunk<TV>(
        float* dW, float* packed, float* dy, float* x, float* dyTail, float* sums, in Conv2DDims dims, int nStart, int nEnd)
        where TV : struct, ILanes16<TV>
    {
        int h = dims.H, wd = dims.W, c = dims.C, k = dims.K, r0 = dims.R, s0 = dims.S;
        int p0 = dims.P, q0 = dims.Q, sh = dims.StrideH, sw = dims.StrideW, pt = dims.PadTop, pl = dims.PadLeft;
        int dh = dims.DilationH, dw = dims.DilationW, groups = dims.Groups;
        int cg = c / groups, kg = k / groups, blocks = Simd.Blocks(kg);
        for (int g = 0; g < groups; g++)
        {
            for (int kb = 0; kb < blocks; kb++)
            {
                if (PairedBlocks<TV>(packed, kg, kb))
                {
                    BackwardWeightsPair<TV>(packed, dy, x, dims, nStart, nEnd, g, kb);
                    kb++;
                    continue;
                }
                int count = Math.Min(Simd.Block, kg - kb * Simd.Block);
                int channel = g * kg + kb * Simd.Block;
                for (int r = 0; r < r0; r++)
                {
                    for (int s = 0; s < s0; s++)
                    {
                        ValidRange(s * dw - pl, sw, wd, q0, out int qLo, out int qHi);
                        for (int c0 = 0; c0 < cg; c0 += ChannelTile)
                        {
                            int nc = Math.Min(ChannelTile, cg - c0);
                            // Channels past the group's end re-read the last one; their sums are dropped.
                            int o1 = Math.Min(1, nc - 1), o2 = Math.Min(2, nc - 1), o3 = Math.Min(3, nc - 1);
                            int o4 = Math.Min(4, nc - 1), o5 = Math.Min(5, nc - 1), o6 = Math.Min(6, nc - 1), o7 = Math.Min(7, nc - 1);
                            TV acc0 = TV.Zero, acc1 = TV.Zero, acc2 = TV.Zero, acc3 = TV.Zero;
                            TV acc4 = TV.Zero, acc5 = TV.Zero, acc6 = TV.Zero, acc7 = TV.Zero;
                            for (int n = nStart; n < nEnd; n++)
                            {
                                for (int p = 0; p < p0; p++)
                                {
                                    int ih = p * sh - pt + r * dh;
                                    if ((uint)ih >= (uint)h)
                                    {
                                        continue;
                                    }
                                    float* xRow = x + (n * h + ih) * wd * c + g * cg + c0;
                                    float* dyRow = dy + (n * p0 + p) * q0 * k + channel;
                                    for (int q = qLo; q < qHi; q++)
                                    {
                                        TV dv = Simd.LoadPartial<TV>(dyRow + q * k, count, dyTail);
                                        float* xp = xRow + (q * sw - pl + s * dw) * c;
                                        acc0 = TV.Fma(TV.Broadcast(xp[0]), dv, acc0);
                                        acc1 = TV.Fma(TV.Broadcast(xp[o1]), dv, acc1);
                                        acc2 = TV.Fma(TV.Broadcast(xp[o2]), dv, acc2);
                                        acc3 = TV.Fma(TV.Broadcast(xp[o3]), dv, acc3);
                                        acc4 = TV.Fma(TV.Broadcast(xp[o4]), dv, acc4);
                                        acc5 = TV.Fma(TV.Broadcast(xp[o5]), dv, acc5);
                                        acc6 = TV.Fma(TV.Broadcast(xp[o6]), dv, acc6);
                                        acc7 = TV.Fma(TV.Broadcast(xp[o7]), dv, acc7);
                                    }
                                }
                            }
                            // Spill all eight before scattering, so no accumulator is live across the scatter loops.
                            TV.Store(sums, acc0);
                            TV.Store(sums + Simd.Block, acc1);
                            TV.Store(sums + 2 * Simd.Block, acc2);
                            TV.Store(sums + 3 * Simd.Block, acc3);
                            TV.Store(sums + 4 * Simd.Block, acc4);
                            TV.Store(sums + 5 * Simd.Block, acc5);
                            TV.Store(sums + 6 * Simd.Block, acc6);
                            TV.Store(sums + 7 * Simd.Block, acc7);
                            if (packed != null)
                            {
                                float* sink = packed + ((((g * blocks + kb) * r0 + r) * s0 + s) * cg + c0) * Simd.Block;
                                for (int i = 0; i < nc; i++)
                                {
                                    TV.Store(sink + i * Simd.Block, TV.Add(TV.Load(sink + i * Simd.Block), TV.Load(sums + i * Simd.Block)));
                                }
                                continue;
                            }
                            int taps = r0 * s0;
                            for (int i = 0; i < nc; i++)
                            {
                                float* dst = dW + (channel * cg + c0 + i) * taps + r * s0 + s;
                                for (int j = 0; j < count; j++)
                                {
                                    dst[j * cg * taps] += sums[i * Simd.Block + j];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
