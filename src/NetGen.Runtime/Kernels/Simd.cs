using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace NetGen.Kernels;

/// <summary>
/// Sixteen fp32 lanes, the register block every kernel computes with (16 output channels
/// per vector). Kernels are generic over this interface so the JIT specialises one copy
/// per implementation with no virtual calls: <see cref="Lanes512"/> is one AVX-512 register,
/// <see cref="Lanes256"/> is two 256-bit registers for machines without AVX-512,
/// <see cref="Lanes128{TMulAdd}"/> four 128-bit registers for machines with only SSE or NEON (ARM64,
/// and x64's baseline that NativeAOT compiles for by default). Where a width is not
/// accelerated the JIT runs its operations in software, so <see cref="KernelPath.Hardware"/>
/// never picks one that is not.
/// </summary>
internal unsafe interface ILanes16<TSelf> where TSelf : struct, ILanes16<TSelf>
{
    static abstract TSelf Zero { get; }
    static abstract TSelf Broadcast(float value);
    static abstract TSelf Load(float* source);
    static abstract void Store(float* destination, TSelf value);
    /// <summary>a * b + c with one rounding.</summary>
    static abstract TSelf Fma(TSelf a, TSelf b, TSelf c);
    static abstract TSelf Add(TSelf a, TSelf b);
    static abstract TSelf Max(TSelf a, TSelf b);
    /// <summary>All bits set in the lanes where a &gt; b (false where either is NaN).</summary>
    static abstract TSelf GreaterThan(TSelf a, TSelf b);
    /// <summary>All bits set in the lanes where a == b.</summary>
    static abstract TSelf Equal(TSelf a, TSelf b);
    /// <summary>Lanes of a where mask is set, of b elsewhere (mask from a comparison).</summary>
    static abstract TSelf Select(TSelf mask, TSelf a, TSelf b);
    /// <summary>Bitwise and: with a comparison mask, zeroes the lanes it leaves clear.</summary>
    static abstract TSelf And(TSelf a, TSelf b);
}

internal readonly unsafe struct Lanes512 : ILanes16<Lanes512>
{
    private readonly Vector512<float> v;

    private Lanes512(Vector512<float> value) => v = value;

    public static Lanes512 Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector512<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Broadcast(float value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Load(float* source) => new(Vector512.Load(source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Lanes512 value) => value.v.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Fma(Lanes512 a, Lanes512 b, Lanes512 c) => new(Vector512.FusedMultiplyAdd(a.v, b.v, c.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Add(Lanes512 a, Lanes512 b) => new(a.v + b.v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Max(Lanes512 a, Lanes512 b) => new(Vector512.Max(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 GreaterThan(Lanes512 a, Lanes512 b) => new(Vector512.GreaterThan(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Equal(Lanes512 a, Lanes512 b) => new(Vector512.Equals(a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 Select(Lanes512 mask, Lanes512 a, Lanes512 b) => new(Vector512.ConditionalSelect(mask.v, a.v, b.v));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 And(Lanes512 a, Lanes512 b) => new(a.v & b.v);
}

internal readonly unsafe struct Lanes256 : ILanes16<Lanes256>
{
    private readonly Vector256<float> lo;
    private readonly Vector256<float> hi;

    private Lanes256(Vector256<float> low, Vector256<float> high)
    {
        lo = low;
        hi = high;
    }

    public static Lanes256 Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector256<float>.Zero, Vector256<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Broadcast(float value)
    {
        var b = Vector256.Create(value);
        return new(b, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Load(float* source) => new(Vector256.Load(source), Vector256.Load(source + 8));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Lanes256 value)
    {
        value.lo.Store(destination);
        value.hi.Store(destination + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Fma(Lanes256 a, Lanes256 b, Lanes256 c) =>
        new(Vector256.FusedMultiplyAdd(a.lo, b.lo, c.lo), Vector256.FusedMultiplyAdd(a.hi, b.hi, c.hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Add(Lanes256 a, Lanes256 b) => new(a.lo + b.lo, a.hi + b.hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Max(Lanes256 a, Lanes256 b) => new(Vector256.Max(a.lo, b.lo), Vector256.Max(a.hi, b.hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 GreaterThan(Lanes256 a, Lanes256 b) =>
        new(Vector256.GreaterThan(a.lo, b.lo), Vector256.GreaterThan(a.hi, b.hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Equal(Lanes256 a, Lanes256 b) => new(Vector256.Equals(a.lo, b.lo), Vector256.Equals(a.hi, b.hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 Select(Lanes256 mask, Lanes256 a, Lanes256 b) =>
        new(Vector256.ConditionalSelect(mask.lo, a.lo, b.lo), Vector256.ConditionalSelect(mask.hi, a.hi, b.hi));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 And(Lanes256 a, Lanes256 b) => new(a.lo & b.lo, a.hi & b.hi);
}

/// <summary>How <see cref="Lanes128{TMulAdd}"/> computes a * b + c.</summary>
internal interface IMulAdd128
{
    static abstract Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c);
}

/// <summary>
/// One rounding, as the wider lanes: NEON's fused multiply-add on ARM64, FMA3 on x64. Where the
/// CPU has no fused multiply-add (x64 before AVX2: SSE only), it is computed in software,
/// correctly rounded but about 100 times slower: <see cref="KernelPath.Hardware"/> takes
/// <see cref="Unfused"/> there.
/// </summary>
internal readonly struct Fused : IMulAdd128
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);

    /// <summary>Whether the CPU computes <see cref="MulAdd"/> in one instruction.</summary>
    public static bool IsAccelerated => System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;
}

/// <summary>
/// A multiply, rounded, then an add, rounded (SSE's mulps and addps): for x64 CPUs without FMA3.
/// Its results differ in the last bits from the fused paths', so such a machine's outputs match
/// other machines' to rounding, not bit for bit (the JIT and NativeAOT on it agree).
/// </summary>
internal readonly struct Unfused : IMulAdd128
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MulAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => a * b + c;
}

/// <summary>
/// Sixteen lanes as four 128-bit registers: where only SSE or NEON is accelerated (ARM64, and
/// x64's SSE baseline). Vector256 operations on such a CPU would run in software.
/// </summary>
internal readonly unsafe struct Lanes128<TMulAdd> : ILanes16<Lanes128<TMulAdd>> where TMulAdd : struct, IMulAdd128
{
    private readonly Vector128<float> a;
    private readonly Vector128<float> b;
    private readonly Vector128<float> c;
    private readonly Vector128<float> d;

    private Lanes128(Vector128<float> v0, Vector128<float> v1, Vector128<float> v2, Vector128<float> v3)
    {
        a = v0;
        b = v1;
        c = v2;
        d = v3;
    }

    public static Lanes128<TMulAdd> Zero
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero, Vector128<float>.Zero);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<TMulAdd> Broadcast(float value)
    {
        var v = Vector128.Create(value);
        return new(v, v, v, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<TMulAdd> Load(float* source) =>
        new(Vector128.Load(source), Vector128.Load(source + 4), Vector128.Load(source + 8), Vector128.Load(source + 12));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Lanes128<TMulAdd> value)
    {
        value.a.Store(destination);
        value.b.Store(destination + 4);
        value.c.Store(destination + 8);
        value.d.Store(destination + 12);
    }

    /// <summary>a * b + c as <typeparamref name="TMulAdd"/> computes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<TMulAdd> Fma(Lanes128<TMulAdd> x, Lanes128<TMulAdd> y, Lanes128<TMulAdd> z) => new(
        TMulAdd.MulAdd(x.a, y.a, z.a), TMulAdd.MulAdd(x.b, y.b, z.b),
        TMulAdd.MulAdd(x.c, y.c, z.c), TMulAdd.MulAdd(x.d, y.d, z.d));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<TMulAdd> Add(Lanes128<TMulAdd> x, Lanes128<TMulAdd> y) => new(x.a + y.a, x.b + y.b, x.c + y.c, x.d + y.d);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<TMulAdd> Max(Lanes128<TMulAdd> x, Lanes128<TMulAdd> y) =>
        new(Vector128.Max(x.a, y.a), Vector128.Max(x.b, y.b), Vector128.Max(x.c, y.c), Vector128.Max(x.d, y.d));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<TMulAdd> GreaterThan(Lanes128<TMulAdd> x, Lanes128<TMulAdd> y) => new(
        Vector128.GreaterThan(x.a, y.a), Vector128.GreaterThan(x.b, y.b), Vector128.GreaterThan(x.c, y.c), Vector128.GreaterThan(x.d, y.d));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<TMulAdd> Equal(Lanes128<TMulAdd> x, Lanes128<TMulAdd> y) =>
        new(Vector128.Equals(x.a, y.a), Vector128.Equals(x.b, y.b), Vector128.Equals(x.c, y.c), Vector128.Equals(x.d, y.d));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<TMulAdd> Select(Lanes128<TMulAdd> mask, Lanes128<TMulAdd> x, Lanes128<TMulAdd> y) => new(
        Vector128.ConditionalSelect(mask.a, x.a, y.a), Vector128.ConditionalSelect(mask.b, x.b, y.b),
        Vector128.ConditionalSelect(mask.c, x.c, y.c), Vector128.ConditionalSelect(mask.d, x.d, y.d));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128<TMulAdd> And(Lanes128<TMulAdd> x, Lanes128<TMulAdd> y) => new(x.a & y.a, x.b & y.b, x.c & y.c, x.d & y.d);
}

/// <summary>The 16-lane block and helpers every kernel shares; which <see cref="ILanes16{TSelf}"/> a call takes is its <see cref="KernelPath"/>.</summary>
internal static unsafe class Simd
{
    /// <summary>Block width: output channels per register block, and the packed layouts' inner dimension.</summary>
    public const int Block = 16;

    /// <summary>Number of 16-wide blocks covering <paramref name="count"/> channels.</summary>
    public static int Blocks(int count) => (count + Block - 1) / Block;

    /// <summary>
    /// The first <paramref name="count"/> (1 to 16) floats at <paramref name="source"/> as a vector, the
    /// rest zero: one load when the block is whole, else copied through <paramref name="tail"/>
    /// (16 floats whose lanes from <paramref name="count"/> on the caller keeps at zero), so a
    /// partial block never reads past its row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV LoadPartial<TV>(float* source, int count, float* tail) where TV : struct, ILanes16<TV>
    {
        if (count == Block) return TV.Load(source);
        for (int i = 0; i < count; i++) tail[i] = source[i];
        return TV.Load(tail);
    }
}
