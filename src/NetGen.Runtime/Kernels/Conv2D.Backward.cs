using System;

namespace NetGen.Kernels;

/// <summary>
/// Conv2D backward. Saved from forward: x (N, H, W, C). dY here is the gradient at the
/// pre-activation (apply <see cref="Activations.BackwardInPlace"/> first when an activation
/// was fused). All three gradients accumulate with +=, so a tensor read by two layers and
/// the per-step gradient buffers only need zeroing once per step.
/// </summary>
public static unsafe partial class Conv2D
{
    /// <summary>Floats of the backward-data weights: G * ceil(C/G / 16) * R * S * K/G * 16 (depthwise: R * S * ceil(C/16) * 16).</summary>
    public static int PackedBackwardWeightFloats(in Conv2DDims dims) => IsDepthwise(dims)
        ? DepthwisePackedFloats(dims)
        : dims.Groups * Simd.Blocks(dims.GroupC) * dims.R * dims.S * dims.GroupK * Simd.Block;

    /// <summary>Scratch floats <see cref="BackwardData(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims)"/> needs: K/G + 16 for a stride-1 convolution, else 0.</summary>
    public static int BackwardDataWorkspaceFloats(in Conv2DDims dims) =>
        BackwardAsConvolution(dims) ? ForwardWorkspaceFloats(GradientConvolution(dims)) : 0;

    /// <summary>
    /// With stride 1 (and padding within the kernel's reach), dX is itself a convolution:
    /// of dY, padded by (R - 1) * dilation - pad, with the kernel flipped and its channel
    /// roles exchanged. That runs on the forward kernel's register tiles, which gather into
    /// registers instead of scattering through memory.
    /// </summary>
    internal static bool BackwardAsConvolution(in Conv2DDims d) => ConvKernelChoice.BackwardAsConvolution(d.Shape);

    /// <summary>The convolution that maps dY (N, P, Q, K) to dX (N, H, W, C) when <see cref="BackwardAsConvolution"/>.</summary>
    private static Conv2DDims GradientConvolution(in Conv2DDims d) => new()
    {
        N = d.N, H = d.P, W = d.Q, C = d.K, K = d.C, R = d.R, S = d.S, P = d.H, Q = d.W,
        StrideH = 1, StrideW = 1,
        PadTop = (d.R - 1) * d.DilationH - d.PadTop, PadLeft = (d.S - 1) * d.DilationW - d.PadLeft,
        DilationH = d.DilationH, DilationW = d.DilationW, Groups = d.Groups,
    };

    /// <summary>
    /// Canonical (K, C/G, R, S) weights to the backward-data layout (G, ceil(C/G/16), R, S, K/G, 16):
    /// 16 input channels innermost, so dX is computed 16 channels per vector. For a stride-1
    /// convolution the taps are stored flipped, (R-1-r, S-1-s), which makes the same layout the
    /// forward layout of the gradient convolution. Depthwise uses the forward layout
    /// (R, S, ceil(C/16) * 16). Overwrites packed.
    /// </summary>
    /// <param name="packed">(<see cref="PackedBackwardWeightFloats"/>) destination.</param>
    /// <param name="weights">(K, C/G, R, S) canonical weights.</param>
    /// <param name="dims">The convolution.</param>
    public static void PackForBackward(Span<float> packed, ReadOnlySpan<float> weights, in Conv2DDims dims)
    {
        Conv2DDims d = dims;
        d.Validate();
        Check.Length(packed.Length, PackedBackwardWeightFloats(d), "Conv2D.PackForBackward", nameof(packed), "Conv2D.PackedBackwardWeightFloats(dims)");
        Check.Length(weights.Length, (long)d.K * d.GroupC * d.R * d.S, "Conv2D.PackForBackward", nameof(weights), "K*(C/G)*R*S");
        if (IsDepthwise(d))
        {
            PackDepthwise(packed, weights, d);
            return;
        }
        int kg = d.GroupK, cg = d.GroupC, blocks = Simd.Blocks(cg);
        bool flip = BackwardAsConvolution(d);
        packed.Clear();
        for (int g = 0; g < d.Groups; g++)
        {
            for (int k = 0; k < kg; k++)
            {
                for (int c = 0; c < cg; c++)
                {
                    for (int r = 0; r < d.R; r++)
                    {
                        for (int s = 0; s < d.S; s++)
                        {
                            int rr = flip ? d.R - 1 - r : r, ss = flip ? d.S - 1 - s : s;
                            int dst = (((((g * blocks) + c / Simd.Block) * d.R + rr) * d.S + ss) * kg + k) * Simd.Block + c % Simd.Block;
                            packed[dst] = weights[(((g * kg + k) * cg + c) * d.R + r) * d.S + s];
                        }
                    }
                }
            }
        }
    }

    /// <summary>dX += conv_transpose(dY, w).</summary>
    /// <param name="dX">(N, H, W, C) input gradient, accumulated.</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="packedBackwardWeights">Weights packed by <see cref="PackForBackward"/>.</param>
    /// <param name="workspace">At least <see cref="BackwardDataWorkspaceFloats"/> floats.</param>
    /// <param name="dims">The convolution.</param>
    public static void BackwardData(
        Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> packedBackwardWeights, Span<float> workspace, in Conv2DDims dims) =>
        BackwardData(dX, dY, packedBackwardWeights, workspace, dims, KernelPath.Hardware);

    /// <summary><see cref="BackwardData(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims)"/> on <paramref name="path"/>.</summary>
    internal static void BackwardData(
        Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> packedBackwardWeights, Span<float> workspace, in Conv2DDims dims, KernelPath path)
    {
        const string kernel = "Conv2D.BackwardData";
        dims.Validate();
        Check.Length(dX.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(dX), "N*H*W*C");
        Check.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(dY), "N*P*Q*K");
        Check.Length(packedBackwardWeights.Length, PackedBackwardWeightFloats(dims), kernel, nameof(packedBackwardWeights), "Conv2D.PackedBackwardWeightFloats(dims)");
        Check.AtLeast(workspace.Length, BackwardDataWorkspaceFloats(dims), kernel, nameof(workspace), "Conv2D.BackwardDataWorkspaceFloats(dims)");
        if (BackwardAsConvolution(dims))
        {
            Run(dX, dY, packedBackwardWeights, default, workspace, GradientConvolution(dims), Activation.None, 0f, accumulate: true, path);
            return;
        }
        float* tail = stackalloc float[Simd.Block];
        fixed (float* pdx = dX, pdy = dY, pw = packedBackwardWeights)
        {
            if (IsDepthwise(dims))
            {
                if (path.Use512)
                {
                    DepthwiseBackwardData<Lanes512>(pdx, pdy, pw, dims);
                }
                else if (path.Width == LaneWidth.Bits256)
                {
                    DepthwiseBackwardData<Lanes256>(pdx, pdy, pw, dims);
                }
                else if (path.Fused)
                {
                    DepthwiseBackwardData<Lanes128<Fused>>(pdx, pdy, pw, dims);
                }
                else
                {
                    DepthwiseBackwardData<Lanes128<Unfused>>(pdx, pdy, pw, dims);
                }
            }
            else if (path.Use512)
            {
                BackwardDataCore<Lanes512>(pdx, pdy, pw, tail, dims);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                BackwardDataCore<Lanes256>(pdx, pdy, pw, tail, dims);
            }
            else if (path.Fused)
            {
                BackwardDataCore<Lanes128<Fused>>(pdx, pdy, pw, tail, dims);
            }
            else
            {
                BackwardDataCore<Lanes128<Unfused>>(pdx, pdy, pw, tail, dims);
            }
        }
    }

    private static void BackwardDataCore<TV>(float* dx, float* dy, float* w, float* tail, in Conv2DDims dims)
        where TV : struct, ILanes16<TV>
    {
        int n0 = dims.N, h = dims.H, wd = dims.W, c = dims.C, k = dims.K, r0 = dims.R, s0 = dims.S;
        int p0 = dims.P, q0 = dims.Q, sh = dims.StrideH, sw = dims.StrideW, pt = dims.PadTop, pl = dims.PadLeft;
        int dh = dims.DilationH, dw = dims.DilationW, groups = dims.Groups;
        int cg = c / groups, kg = k / groups, blocks = Simd.Blocks(cg);

        // Scatter: each output pixel adds its gradient into the R x S input pixels it read.
        for (int n = 0; n < n0; n++)
        {
            for (int p = 0; p < p0; p++)
            {
                for (int q = 0; q < q0; q++)
                {
                    float* dyPixel = dy + ((n * p0 + p) * q0 + q) * k;
                    for (int r = 0; r < r0; r++)
                    {
                        int ih = p * sh - pt + r * dh;
                        if ((uint)ih >= (uint)h)
                        {
                            continue;
                        }
                        for (int s = 0; s < s0; s++)
                        {
                            int iw = q * sw - pl + s * dw;
                            if ((uint)iw >= (uint)wd)
                            {
                                continue;
                            }
                            float* dxPixel = dx + ((n * h + ih) * wd + iw) * c;
                            for (int g = 0; g < groups; g++)
                            {
                                float* dyg = dyPixel + g * kg;
                                for (int cb = 0; cb < blocks; cb++)
                                {
                                    float* wt = w + ((((g * blocks + cb) * r0 + r) * s0 + s) * kg) * Simd.Block;
                                    TV a0 = TV.Zero, a1 = TV.Zero;
                                    int kk = 0;
                                    for (; kk + 1 < kg; kk += 2)
                                    {
                                        a0 = TV.Fma(TV.Broadcast(dyg[kk]), TV.Load(wt + kk * Simd.Block), a0);
                                        a1 = TV.Fma(TV.Broadcast(dyg[kk + 1]), TV.Load(wt + (kk + 1) * Simd.Block), a1);
                                    }
                                    if (kk < kg)
                                    {
                                        a0 = TV.Fma(TV.Broadcast(dyg[kk]), TV.Load(wt + kk * Simd.Block), a0);
                                    }
                                    TV sum = TV.Add(a0, a1);
                                    float* dst = dxPixel + g * cg + cb * Simd.Block;
                                    int count = Math.Min(Simd.Block, cg - cb * Simd.Block);
                                    if (count == Simd.Block)
                                    {
                                        TV.Store(dst, TV.Add(TV.Load(dst), sum));
                                    }
                                    else
                                    {
                                        TV.Store(tail, sum);
                                        for (int i = 0; i < count; i++)
                                        {
                                            dst[i] += tail[i];
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>dB[k] += sum over n, p, q of dY[n, p, q, k].</summary>
    /// <param name="dB">(K) bias gradient, accumulated.</param>
    /// <param name="dY">(N, P, Q, K) pre-activation output gradient.</param>
    /// <param name="dims">The convolution.</param>
    public static void BackwardBias(Span<float> dB, ReadOnlySpan<float> dY, in Conv2DDims dims)
    {
        Check.Length(dB.Length, dims.K, "Conv2D.BackwardBias", nameof(dB), "K");
        Check.Length(dY.Length, (long)dims.N * dims.P * dims.Q * dims.K, "Conv2D.BackwardBias", nameof(dY), "N*P*Q*K");
        Reduce.SumRowsInto(dB, dY, dims.N * dims.P * dims.Q, dims.K);
    }

    /// <summary>The output indices [lo, hi) below count whose input index i * stride + offset lies in [0, size).</summary>
    internal static void ValidRange(int offset, int stride, int size, int count, out int lo, out int hi)
    {
        lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
        hi = size - 1 - offset < 0 ? 0 : Math.Min(count, (size - 1 - offset) / stride + 1);
        if (hi < lo)
        {
            hi = lo;
        }
    }
}
