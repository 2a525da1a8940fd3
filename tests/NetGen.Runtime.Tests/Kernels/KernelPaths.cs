using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>The kernel paths a test names by register width (a theory's data), and what the hardware path is.</summary>
internal static class KernelPaths
{
    /// <summary>0: <see cref="KernelPath.Hardware"/>; 256 and 128: those registers; -128: 128-bit with separate multiplies and adds.</summary>
    public static KernelPath OfWidth(int bits) => bits switch
    {
        0 => KernelPath.Hardware,
        256 => KernelPath.Vector256,
        128 => KernelPath.Vector128,
        -128 => KernelPath.Vector128Unfused,
        _ => throw new ArgumentOutOfRangeException(nameof(bits), bits, "0 (the hardware's), 256, 128 or -128 (unfused)"),
    };
}

public sealed class KernelPathTests
{
    [Fact]
    public void Hardware_takes_the_widest_accelerated_registers()
    {
        var expected = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? LaneWidth.Bits512
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? LaneWidth.Bits256
            : LaneWidth.Bits128;
        Assert.Equal(expected, KernelPath.Hardware.Width);
        Assert.Equal(expected == LaneWidth.Bits512, KernelPath.Hardware.InteriorTiles);
        Assert.Equal(LaneWidth.Bits128, KernelPath.Vector128.Width);
        Assert.False(KernelPath.Vector128.InteriorTiles);
        Assert.False(KernelPath.Vector128.Use512);
        Assert.True(KernelPath.Vector128.Fused);
        Assert.False(KernelPath.Vector128Unfused.Fused);
        Assert.Equal(LaneWidth.Bits128, KernelPath.Vector128Unfused.Width);
        // Separate multiplies and adds only where 128-bit lanes are the widest and there is no FMA.
        Assert.Equal(expected != LaneWidth.Bits128 || System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported, KernelPath.Hardware.Fused);
    }
}

/// <summary>Each 16-lane implementation against a lane-by-lane float computation (NaN, signed zeros and infinities among the values).</summary>
public sealed unsafe class LanesTests
{
    private static readonly float[] A = [1f, -2f, 0f, -0f, float.NaN, 3.5f, float.PositiveInfinity, -7f, 1e-30f, 2f, 2f, -1f, 8f, float.NegativeInfinity, 0.5f, 4f];
    private static readonly float[] B = [2f, -2f, -0f, 0f, 1f, float.NaN, 1f, -8f, 1e-30f, 3f, 1f, -1f, 0.125f, -1f, 0.25f, -4f];
    private static readonly float[] C = [0.5f, 1f, -1f, 0f, 2f, 2f, -3f, 0f, 1f, -6f, 0.1f, 1f, -1f, 2f, 3f, 16f];

    [Fact]
    public void Lanes512_computes_each_lane() => Check<Lanes512>();

    [Fact]
    public void Lanes256_computes_each_lane() => Check<Lanes256>();

    [Fact]
    public void Lanes128_computes_each_lane() => Check<Lanes128<Fused>>();

    [Fact]
    public void Lanes128_unfused_computes_each_lane() => Check<Lanes128<Unfused>>(fused: false);

    private static float[] Run<TV>(Func<TV, TV, TV, TV> op) where TV : struct, ILanes16<TV>
    {
        var result = new float[Simd.Block];
        fixed (float* a = A, b = B, c = C, r = result)
        {
            TV.Store(r, op(TV.Load(a), TV.Load(b), TV.Load(c)));
        }
        return result;
    }

    private static void Check<TV>(bool fused = true) where TV : struct, ILanes16<TV>
    {
        static float Bits(bool set) => BitConverter.Int32BitsToSingle(set ? -1 : 0);
        static void Same(Func<int, float> expected, float[] actual, string what)
        {
            for (int i = 0; i < Simd.Block; i++)
                Assert.True(BitConverter.SingleToInt32Bits(expected(i)) == BitConverter.SingleToInt32Bits(actual[i]) || (float.IsNaN(expected(i)) && float.IsNaN(actual[i])),
                    $"{what} lane {i}: expected {expected(i)}, got {actual[i]}");
        }

        Same(i => fused ? MathF.FusedMultiplyAdd(A[i], B[i], C[i]) : A[i] * B[i] + C[i], Run<TV>((a, b, c) => TV.Fma(a, b, c)), "Fma");
        // A product whose fused and unfused sums differ: (1 + 2^-12)^2 - 1 keeps the 2^-24 the rounded square loses.
        float e = 1f + MathF.Pow(2, -12);
        var one = Run<TV>((_, _, _) => TV.Fma(TV.Broadcast(e), TV.Broadcast(e), TV.Broadcast(-1f)));
        Assert.Equal(fused ? MathF.FusedMultiplyAdd(e, e, -1f) : e * e - 1f, one[0]);
        Assert.NotEqual(MathF.FusedMultiplyAdd(e, e, -1f), e * e - 1f);
        Same(i => A[i] + B[i], Run<TV>((a, b, _) => TV.Add(a, b)), "Add");
        Same(i => MathF.Max(A[i], B[i]), Run<TV>((a, b, _) => TV.Max(a, b)), "Max");
        Same(i => Bits(A[i] > B[i]), Run<TV>((a, b, _) => TV.GreaterThan(a, b)), "GreaterThan");
        Same(i => Bits(A[i] == B[i]), Run<TV>((a, b, _) => TV.Equal(a, b)), "Equal");
        Same(i => A[i] > B[i] ? A[i] : C[i], Run<TV>((a, b, c) => TV.Select(TV.GreaterThan(a, b), a, c)), "Select");
        Same(i => A[i] == B[i] ? C[i] : 0f, Run<TV>((a, b, c) => TV.And(TV.Equal(a, b), c)), "And");
        Same(i => 2.5f, Run<TV>((_, _, _) => TV.Broadcast(2.5f)), "Broadcast");
        Same(i => 0f, Run<TV>((_, _, _) => TV.Zero), "Zero");
        Same(i => C[i], Run<TV>((_, _, c) => c), "Load/Store");
    }
}
