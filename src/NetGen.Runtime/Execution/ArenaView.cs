using System;
using System.Runtime.CompilerServices;

namespace NetGen.Execution;

/// <summary>
/// A generated network's memory as generated code reads it: a start and a 64-bit length, sliced at
/// the plan's constant offsets into ordinary spans (<c>m.Slice(537896 + s * 6760, count * 10)</c>).
/// Offsets are <see cref="long"/>, so a plan may pass 2^31 floats; one slice (one tensor) is a span
/// and holds at most <see cref="int.MaxValue"/>. Every slice is bounds-checked, so generated code
/// needs no <c>unsafe</c>. A view lives on the stack only (a ref struct) and never outlives the call
/// that took it.
/// </summary>
public readonly ref struct ArenaView
{
    private readonly ref float _start;

    /// <summary>A view of <paramref name="length"/> floats from <paramref name="start"/>.</summary>
    /// <param name="start">The first float.</param>
    /// <param name="length">Floats the view covers.</param>
    public ArenaView(ref float start, long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _start = ref start;
        Length = length;
    }

    /// <summary>Floats the view covers.</summary>
    public long Length { get; }

    /// <summary>Floats [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>) as a span.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the view.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<float> Slice(long start, int length)
    {
        // One unsigned comparison each: a negative start or length wraps to a huge value.
        if ((ulong)start > (ulong)Length || (uint)length > (ulong)(Length - start)) ThrowOutside(start, length);
        return System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref Unsafe.Add(ref _start, (nint)start), length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowOutside(long start, int length) =>
        throw new ArgumentOutOfRangeException(nameof(start),
            $"ArenaView.Slice: floats [{start}, {start + length}) are not inside the view's {Length}.");
}
