using System;

namespace NetGen.Kernels;

/// <summary>
/// 2-D convolution (cross-correlation, as PyTorch), channels-last, with groups and depthwise.
/// <code>
/// y (N, P, Q, K)    = act(b + sum over c, r, s of x (N, H, W, C) * w (K, C/G, R, S))
/// </code>
/// Canonical weights are PyTorch's (K, C/G, R, S); <see cref="Pack"/> turns them into the
/// forward layout (G, ceil(K/G / 16), R, S, C/G, 16): 16 output channels of one group
/// innermost, zero-filled past K/G, so one vector load feeds 16 output channels.
/// Forward keeps 4 output pixels x 16 channels in registers and fuses bias + activation.
/// Backward (Conv2D.Backward.cs) needs x and the pre-activation gradient dY; with a fused
/// activation, run <see cref="Activations.BackwardInPlace"/> on dY with the saved y first.
/// </summary>
public static unsafe partial class Conv2D
{
    private const int PixelTile = 4;

    /// <summary>Floats of the forward-packed weights: G * ceil(K/G / 16) * R * S * C/G * 16 (depthwise: R * S * ceil(C/16) * 16).</summary>
    public static int PackedWeightFloats(in Conv2DDims dims) => IsDepthwise(dims)
        ? DepthwisePackedFloats(dims)
        : dims.Groups * Simd.Blocks(dims.GroupK) * dims.R * dims.S * dims.GroupC * Simd.Block;

    /// <summary>Scratch floats <see cref="Forward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> needs: a zero row of C/G for padding taps, and one 16-lane tail.</summary>
    public static int ForwardWorkspaceFloats(in Conv2DDims dims) => dims.GroupC + Simd.Block;

    /// <summary>Canonical (K, C/G, R, S) weights to the forward layout (G, ceil(K/G/16), R, S, C/G, 16), or (R, S, ceil(C/16) * 16) for depthwise. Overwrites packed.</summary>
    /// <param name="packed">(<see cref="PackedWeightFloats"/>) destination.</param>
    /// <param name="weights">(K, C/G, R, S) canonical weights.</param>
    /// <param name="dims">The convolution.</param>
    public static void Pack(Span<float> packed, ReadOnlySpan<float> weights, in Conv2DDims dims)
    {
        Conv2DDims d = dims;
        d.Validate();
        Check.Length(packed.Length, PackedWeightFloats(d), "Conv2D.Pack", nameof(packed), "Conv2D.PackedWeightFloats(dims)");
        Check.Length(weights.Length, (long)d.K * d.GroupC * d.R * d.S, "Conv2D.Pack", nameof(weights), "K*(C/G)*R*S");
        if (IsDepthwise(d))
        {
            PackDepthwise(packed, weights, d);
            return;
        }
        int kg = d.GroupK, cg = d.GroupC, blocks = Simd.Blocks(kg);
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
                            int dst = (((((g * blocks) + k / Simd.Block) * d.R + r) * d.S + s) * cg + c) * Simd.Block + k % Simd.Block;
                            packed[dst] = weights[(((g * kg + k) * cg + c) * d.R + r) * d.S + s];
                        }
                    }
                }
            }
        }
    }

    /// <summary>y = act(conv(x, w) + b). Overwrites y.</summary>
    /// <param name="y">(N, P, Q, K) output.</param>
    /// <param name="x">(N, H, W, C) input.</param>
    /// <param name="packedWeights">Weights packed by <see cref="Pack"/>.</param>
    /// <param name="bias">(K), or empty for no bias.</param>
    /// <param name="workspace">At least <see cref="ForwardWorkspaceFloats"/> floats of scratch.</param>
    /// <param name="dims">The convolution.</param>
    /// <param name="activation">Activation fused into the store.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha.</param>
    public static void Forward(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation = Activation.None, float alpha = 0f) =>
        Forward(y, x, packedWeights, bias, workspace, dims, activation, alpha, KernelPath.Hardware);

    /// <summary><see cref="Forward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> on <paramref name="path"/>.</summary>
    internal static void Forward(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha, KernelPath path)
    {
        const string kernel = "Conv2D.Forward";
        dims.Validate();
        Check.Length(y.Length, (long)dims.N * dims.P * dims.Q * dims.K, kernel, nameof(y), "N*P*Q*K");
        CheckForwardInputs(kernel, x, packedWeights, bias, workspace, dims);
        Run(y, x, packedWeights, bias, workspace, dims, activation, alpha, accumulate: false, path);
    }

    /// <summary>The checks every forward kernel makes of its inputs (x, packed weights, optional bias, workspace), naming <paramref name="kernel"/>.</summary>
    private static void CheckForwardInputs(string kernel, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims)
    {
        Check.Length(x.Length, (long)dims.N * dims.H * dims.W * dims.C, kernel, nameof(x), "N*H*W*C");
        Check.Length(packedWeights.Length, PackedWeightFloats(dims), kernel, nameof(packedWeights), "Conv2D.PackedWeightFloats(dims)");
        if (bias.Length != 0)
        {
            Check.Length(bias.Length, dims.K, kernel, nameof(bias), "K");
        }
        Check.AtLeast(workspace.Length, ForwardWorkspaceFloats(dims), kernel, nameof(workspace), "C/G + 16");
    }

    /// <summary>The forward pass without argument checks; <paramref name="accumulate"/> adds to y (Conv2DTranspose's dX).</summary>
    internal static void Run(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packedWeights, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation activation, float alpha, bool accumulate, KernelPath path)
    {
        workspace[..dims.GroupC].Clear();
        fixed (float* py = y, px = x, pw = packedWeights, pb = bias, ps = workspace)
        {
            float* b = bias.Length == 0 ? null : pb;
            if (IsDepthwise(dims))
            {
                if (path.Use512)
                {
                    DepthwiseForward<Lanes512>(py, px, pw, b, dims, activation, alpha, accumulate);
                }
                else if (path.Width == LaneWidth.Bits256)
                {
                    DepthwiseForward<Lanes256>(py, px, pw, b, dims, activation, alpha, accumulate);
                }
                else if (path.Fused)
                {
                    DepthwiseForward<Lanes128<Fused>>(py, px, pw, b, dims, activation, alpha, accumulate);
                }
                else
                {
                    DepthwiseForward<Lanes128<Unfused>>(py, px, pw, b, dims, activation, alpha, accumulate);
                }
            }
            else if (path.Use512)
            {
                ForwardCore<Lanes512>(py, px, pw, b, ps, ps + dims.GroupC, dims, activation, alpha, accumulate, path.InteriorTiles);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                ForwardCore<Lanes256>(py, px, pw, b, ps, ps + dims.GroupC, dims, activation, alpha, accumulate, interiorTiles: false);
            }
            else if (path.Fused)
            {
                ForwardCore<Lanes128<Fused>>(py, px, pw, b, ps, ps + dims.GroupC, dims, activation, alpha, accumulate, interiorTiles: false);
            }
            else
            {
                ForwardCore<Lanes128<Unfused>>(py, px, pw, b, ps, ps + dims.GroupC, dims, activation, alpha, accumulate, interiorTiles: false);
            }
        }
    }

    private static void ForwardCore<TV>(
        float* y, float* x, float* w, float* b, float* zero, float* tail, in Conv2DDims dims, Activation act, float alpha, bool accumulate,
        bool interiorTiles)
        where TV : struct, ILanes16<TV>
    {
        // Locals, not struct reads, so the JIT keeps them in registers (measured 2.5x).
        int n0 = dims.N, h = dims.H, wd = dims.W, c = dims.C, k = dims.K;
        int p0 = dims.P, q0 = dims.Q;
        int groups = dims.Groups;
        int cg = c / groups, kg = k / groups, blocks = Simd.Blocks(kg);
        int blockFloats = dims.R * dims.S * cg * Simd.Block;
        var tile = new TileShape(dims, act == Activation.ReLU, accumulate);
        // The interior (every tap inside the input) runs as wide register tiles; its border, and
        // machines without 32 vector registers, run the 4-pixel kernels below with the zero row.
        var interior = InteriorTiles.Of(dims);
        bool tiles = typeof(TV) == typeof(Lanes512) && !interior.IsEmpty && interiorTiles;

        for (int n = 0; n < n0; n++)
        {
            for (int g = 0; g < groups; g++)
            {
                float* xGroup = x + n * h * wd * c + g * cg;
                float* yGroup = y + n * p0 * q0 * k + g * kg;
                float* wGroup = w + g * blocks * blockFloats;
                float* bGroup = b == null ? null : b + g * kg;
                for (int p = 0; p < p0; p++)
                {
                    if (tiles && p >= interior.PLo && p < interior.PHi)
                    {
                        EdgeColumns<TV>(yGroup, xGroup, wGroup, bGroup, zero, tail, dims, p, 0, interior.QLo, tile, act, alpha);
                        EdgeColumns<TV>(yGroup, xGroup, wGroup, bGroup, zero, tail, dims, p, interior.QHi, q0, tile, act, alpha);
                    }
                    else
                    {
                        EdgeColumns<TV>(yGroup, xGroup, wGroup, bGroup, zero, tail, dims, p, 0, q0, tile, act, alpha);
                    }
                }
                if (tiles && OneChannelTiles.Applies(dims, interior, accumulate))
                {
                    OneChannelTiles.Run(yGroup, xGroup, wGroup, bGroup, tail, dims, interior, act, alpha);
                }
                else if (tiles)
                {
                    InteriorTiles.Run(yGroup, xGroup, wGroup, bGroup, tail, dims, interior, act, alpha, accumulate);
                }
            }
        }
    }

    /// <summary>
    /// Output pixels [qFrom, qTo) of row p of one group, 4 at a time, every block of its output
    /// channels: taps in the padding read the zero row.
    /// </summary>
    private static void EdgeColumns<TV>(
        float* yGroup, float* xGroup, float* wGroup, float* bGroup, float* zero, float* tail, in Conv2DDims dims,
        int p, int qFrom, int qTo, in TileShape tile, Activation act, float alpha)
        where TV : struct, ILanes16<TV>
    {
        int k = dims.K, q0 = dims.Q, sh = dims.StrideH, sw = dims.StrideW, pt = dims.PadTop, pl = dims.PadLeft;
        int kg = k / dims.Groups, blocks = Simd.Blocks(kg);
        int blockFloats = dims.R * dims.S * (dims.C / dims.Groups) * Simd.Block;
        bool slowActivation = act > Activation.ReLU;
        for (int qt = qFrom; qt < qTo; qt += PixelTile)
        {
            int nq = Math.Min(PixelTile, qTo - qt);
            for (int kb = 0; kb < blocks; kb += 2)
            {
                int channel = kb * Simd.Block;
                int count = Math.Min(Simd.Block, kg - channel);
                float* bb = bGroup == null ? null : bGroup + channel;
                float* yb = yGroup + (p * q0 + qt) * k + channel;
                float* wBlock = wGroup + kb * blockFloats;
                int ihBase = p * sh - pt, iwBase = qt * sw - pl;
                if (kb + 1 < blocks)
                {
                    int count1 = Math.Min(Simd.Block, kg - (kb + 1) * Simd.Block);
                    TwoBlocks<TV>(yb, xGroup, wBlock, bb, zero, tail, ihBase, iwBase, nq, count1, tile);
                    count += count1;
                }
                else
                {
                    OneBlock<TV>(yb, xGroup, wBlock, bb, zero, tail, ihBase, iwBase, nq, count, tile);
                }
                if (slowActivation)
                {
                    for (int i = 0; i < nq; i++)
                    {
                        Epilogue.Activate(yb + i * k, count, act, alpha);
                    }
                }
            }
        }
    }

    /// <summary>The loop bounds a register tile needs, copied into locals by each tile kernel.</summary>
    private readonly struct TileShape(in Conv2DDims d, bool relu, bool accumulate)
    {
        public readonly int H = d.H, W = d.W, C = d.C, K = d.K, R = d.R, S = d.S;
        public readonly int StrideW = d.StrideW, DilationH = d.DilationH, DilationW = d.DilationW;
        public readonly int GroupC = d.C / d.Groups;
        public readonly bool Relu = relu, Accumulate = accumulate;
    }

    /// <summary>
    /// 4 output pixels x 32 output channels (two packed blocks) in 8 accumulators: enough
    /// independent FMAs in flight to cover the FMA latency. Taps in the padding and pixels
    /// past Q read the zero row, so the inner loop has no branch.
    /// </summary>
    private static void TwoBlocks<TV>(
        float* yb, float* xGroup, float* wBlock, float* bias, float* zero, float* tail,
        int ihBase, int iwBase, int nq, int count1, in TileShape shape)
        where TV : struct, ILanes16<TV>
    {
        int h = shape.H, wd = shape.W, c = shape.C, k = shape.K, r0 = shape.R, s0 = shape.S;
        int sw = shape.StrideW, dh = shape.DilationH, dw = shape.DilationW, cg = shape.GroupC;
        int tapFloats = cg * Simd.Block, blockFloats = r0 * s0 * tapFloats;
        TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero;
        TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero;
        for (int r = 0; r < r0; r++)
        {
            int ih = ihBase + r * dh;
            if ((uint)ih >= (uint)h)
            {
                continue;
            }
            float* row = xGroup + ih * wd * c;
            for (int s = 0; s < s0; s++)
            {
                int iw = iwBase + s * dw;
                float* x0 = (uint)iw < (uint)wd ? row + iw * c : zero;
                iw += sw;
                float* x1 = nq > 1 && (uint)iw < (uint)wd ? row + iw * c : zero;
                iw += sw;
                float* x2 = nq > 2 && (uint)iw < (uint)wd ? row + iw * c : zero;
                iw += sw;
                float* x3 = nq > 3 && (uint)iw < (uint)wd ? row + iw * c : zero;
                float* w0 = wBlock + (r * s0 + s) * tapFloats;
                float* w1 = w0 + blockFloats;
                for (int ci = 0; ci < cg; ci++)
                {
                    TV wa = TV.Load(w0), wb = TV.Load(w1);
                    TV v = TV.Broadcast(x0[ci]);
                    a0 = TV.Fma(v, wa, a0);
                    b0 = TV.Fma(v, wb, b0);
                    v = TV.Broadcast(x1[ci]);
                    a1 = TV.Fma(v, wa, a1);
                    b1 = TV.Fma(v, wb, b1);
                    v = TV.Broadcast(x2[ci]);
                    a2 = TV.Fma(v, wa, a2);
                    b2 = TV.Fma(v, wb, b2);
                    v = TV.Broadcast(x3[ci]);
                    a3 = TV.Fma(v, wa, a3);
                    b3 = TV.Fma(v, wb, b3);
                    w0 += Simd.Block;
                    w1 += Simd.Block;
                }
            }
        }
        bool relu = shape.Relu, acc = shape.Accumulate;
        float* bias1 = bias == null ? null : bias + Simd.Block;
        Epilogue.Store(yb, a0, bias, Simd.Block, relu, tail, acc);
        Epilogue.Store(yb + Simd.Block, b0, bias1, count1, relu, tail, acc);
        if (nq > 1)
        {
            Epilogue.Store(yb + k, a1, bias, Simd.Block, relu, tail, acc);
            Epilogue.Store(yb + k + Simd.Block, b1, bias1, count1, relu, tail, acc);
        }
        if (nq > 2)
        {
            Epilogue.Store(yb + 2 * k, a2, bias, Simd.Block, relu, tail, acc);
            Epilogue.Store(yb + 2 * k + Simd.Block, b2, bias1, count1, relu, tail, acc);
        }
        if (nq > 3)
        {
            Epilogue.Store(yb + 3 * k, a3, bias, Simd.Block, relu, tail, acc);
            Epilogue.Store(yb + 3 * k + Simd.Block, b3, bias1, count1, relu, tail, acc);
        }
    }

    /// <summary>4 output pixels x the last (possibly partial) block of 16 output channels.</summary>
    private static void OneBlock<TV>(
        float* yb, float* xGroup, float* wBlock, float* bias, float* zero, float* tail,
        int ihBase, int iwBase, int nq, int count, in TileShape shape)
        where TV : struct, ILanes16<TV>
    {
        int h = shape.H, wd = shape.W, c = shape.C, k = shape.K, r0 = shape.R, s0 = shape.S;
        int sw = shape.StrideW, dh = shape.DilationH, dw = shape.DilationW, cg = shape.GroupC;
        int tapFloats = cg * Simd.Block;
        TV a0 = TV.Zero, a1 = TV.Zero, a2 = TV.Zero, a3 = TV.Zero;
        for (int r = 0; r < r0; r++)
        {
            int ih = ihBase + r * dh;
            if ((uint)ih >= (uint)h)
            {
                continue;
            }
            float* row = xGroup + ih * wd * c;
            for (int s = 0; s < s0; s++)
            {
                int iw = iwBase + s * dw;
                float* x0 = (uint)iw < (uint)wd ? row + iw * c : zero;
                iw += sw;
                float* x1 = nq > 1 && (uint)iw < (uint)wd ? row + iw * c : zero;
                iw += sw;
                float* x2 = nq > 2 && (uint)iw < (uint)wd ? row + iw * c : zero;
                iw += sw;
                float* x3 = nq > 3 && (uint)iw < (uint)wd ? row + iw * c : zero;
                float* w0 = wBlock + (r * s0 + s) * tapFloats;
                for (int ci = 0; ci < cg; ci++)
                {
                    TV wa = TV.Load(w0);
                    a0 = TV.Fma(TV.Broadcast(x0[ci]), wa, a0);
                    a1 = TV.Fma(TV.Broadcast(x1[ci]), wa, a1);
                    a2 = TV.Fma(TV.Broadcast(x2[ci]), wa, a2);
                    a3 = TV.Fma(TV.Broadcast(x3[ci]), wa, a3);
                    w0 += Simd.Block;
                }
            }
        }
        bool relu = shape.Relu, acc = shape.Accumulate;
        Epilogue.Store(yb, a0, bias, count, relu, tail, acc);
        if (nq > 1)
        {
            Epilogue.Store(yb + k, a1, bias, count, relu, tail, acc);
        }
        if (nq > 2)
        {
            Epilogue.Store(yb + 2 * k, a2, bias, count, relu, tail, acc);
        }
        if (nq > 3)
        {
            Epilogue.Store(yb + 3 * k, a3, bias, count, relu, tail, acc);
        }
    }
}
