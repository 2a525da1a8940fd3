using System;
using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>
    /// Weights in the forward layout (<see cref="Pack"/>, or <see cref="PackForBackward"/> for the
    /// gradient convolution of a stride-1 layer) to the Winograd layout: U = G g G^T per (k, c),
    /// stored (16, K/16, C, 16): tap e = 4 * row + column of U, then the block of 16 output
    /// channels, the input channel, the lane. So the multiply of one tap streams, per block, the
    /// C vectors of 16 output channels in order, as the direct kernels stream their packed
    /// weights. Overwrites winograd. Vectorised over the 16 output channels of a block: it runs
    /// once per weight update (every training step).
    /// </summary>
    /// <param name="winograd">(<see cref="WinogradWeightFloats"/>) destination.</param>
    /// <param name="packedWeights">(<see cref="PackedWeightFloats"/>) forward-packed weights.</param>
    /// <param name="dims">The convolution; <see cref="SuitsWinograd"/> must hold.</param>
    public static void PackWinograd(Span<float> winograd, ReadOnlySpan<float> packedWeights, in Conv2DDims dims) =>
        PackWinograd(winograd, packedWeights, dims, KernelPath.Hardware);

    /// <summary><see cref="PackWinograd(Span{float}, ReadOnlySpan{float}, in Conv2DDims)"/> on <paramref name="path"/>.</summary>
    internal static void PackWinograd(Span<float> winograd, ReadOnlySpan<float> packedWeights, in Conv2DDims dims, KernelPath path)
    {
        const string kernel = "Conv2D.PackWinograd";
        dims.Validate();
        RequireWinograd(kernel, dims);
        Check.Length(winograd.Length, WinogradWeightFloats(dims), kernel, nameof(winograd), "16*C*K");
        Check.Length(packedWeights.Length, PackedWeightFloats(dims), kernel, nameof(packedWeights), "Conv2D.PackedWeightFloats(dims)");
        fixed (float* pu = winograd, pw = packedWeights)
        {
            if (path.Use512)
            {
                PackWinogradCore<Lanes512>(pu, pw, dims.C, dims.K / Simd.Block);
            }
            else if (path.Width == LaneWidth.Bits256)
            {
                PackWinogradCore<Lanes256>(pu, pw, dims.C, dims.K / Simd.Block);
            }
            else if (path.Fused)
            {
                PackWinogradCore<Lanes128<Fused>>(pu, pw, dims.C, dims.K / Simd.Block);
            }
            else
            {
                PackWinogradCore<Lanes128<Unfused>>(pu, pw, dims.C, dims.K / Simd.Block);
            }
        }
    }

    /// <summary>
    /// u (16, blocks, c, 16) from w (blocks, 3, 3, c, 16): for each block and input channel, the
    /// nine tap vectors g[r, s] (16 output channels each) give the 16 vectors of U.
    /// </summary>
    private static void PackWinogradCore<TV>(float* u, float* w, int c, int blocks)
        where TV : struct, ILanes16<TV>
    {
        const int B = Simd.Block;
        int tapStep = c * B, uTapStep = blocks * c * B;
        TV half = TV.Broadcast(0.5f), minus = TV.Broadcast(-1f);
        for (int kb = 0; kb < blocks; kb++)
        {
            for (int ch = 0; ch < c; ch++)
            {
                // Forward layout (K/16, R, S, C, 16): tap (r, s) of this block and channel.
                float* g = w + (kb * 9 * c + ch) * B;
                float* o = u + (kb * c + ch) * B;
                // t = G g, one column s at a time: rows g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2.
                KernelColumn(g, g + 3 * tapStep, g + 6 * tapStep, half, minus, out TV t00, out TV t10, out TV t20, out TV t30);
                KernelColumn(g + tapStep, g + 4 * tapStep, g + 7 * tapStep, half, minus, out TV t01, out TV t11, out TV t21, out TV t31);
                KernelColumn(g + 2 * tapStep, g + 5 * tapStep, g + 8 * tapStep, half, minus, out TV t02, out TV t12, out TV t22, out TV t32);
                // U = t G^T, one row at a time, into taps 4 * row .. 4 * row + 3.
                KernelRow(o, uTapStep, t00, t01, t02, half, minus);
                KernelRow(o + 4 * uTapStep, uTapStep, t10, t11, t12, half, minus);
                KernelRow(o + 8 * uTapStep, uTapStep, t20, t21, t22, half, minus);
                KernelRow(o + 12 * uTapStep, uTapStep, t30, t31, t32, half, minus);
            }
        }
    }

    /// <summary>One column of G g: g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2 from the three vectors at g0, g1, g2.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KernelColumn<TV>(float* g0, float* g1, float* g2, TV half, TV minus, out TV t0, out TV t1, out TV t2, out TV t3)
        where TV : struct, ILanes16<TV>
    {
        TV a = TV.Load(g0), b = TV.Load(g1), c = TV.Load(g2);
        t0 = a;
        t1 = TV.Fma(TV.Add(TV.Add(a, b), c), half, TV.Zero);
        t2 = TV.Fma(TV.Add(TV.Fma(b, minus, a), c), half, TV.Zero);
        t3 = c;
    }

    /// <summary>One row of U = t G^T stored as its 4 taps (<paramref name="step"/> floats apart).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void KernelRow<TV>(float* o, int step, TV t0, TV t1, TV t2, TV half, TV minus)
        where TV : struct, ILanes16<TV>
    {
        TV.Store(o, t0);
        TV.Store(o + step, TV.Fma(TV.Add(TV.Add(t0, t1), t2), half, TV.Zero));
        TV.Store(o + 2 * step, TV.Fma(TV.Add(TV.Fma(t1, minus, t0), t2), half, TV.Zero));
        TV.Store(o + 3 * step, t2);
    }
}
