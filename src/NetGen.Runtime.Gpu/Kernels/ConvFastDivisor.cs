using System;

namespace NetGen.Gpu;

/// <summary>
/// Division by a divisor fixed at launch, as a multiply-high, an add and a shift (Granlund and
/// Montgomery's round-up method): an integer division is dozens of instructions on a GPU, and
/// the implicit im2col splits every element's index by P Q, Q, C/G, S. Exact for every
/// non-negative int dividend (the add is done in 64 bits, so the 33-bit intermediate cannot overflow).
/// </summary>
internal struct FastDivisor
{
    public int Divisor;
    public uint Multiplier;
    public int Shift;

    /// <summary>The constants for <paramref name="divisor"/> &gt;= 1: shift = ceil(log2 d), multiplier = floor(2^32 (2^shift - d) / d) + 1.</summary>
    public static FastDivisor Of(int divisor)
    {
        if (divisor < 1)
            throw new ArgumentOutOfRangeException(nameof(divisor), $"FastDivisor: the divisor is {divisor}; it must be at least 1.");
        int shift = 0;
        while ((1L << shift) < divisor) shift++;
        ulong multiplier = ((1UL << 32) * ((1UL << shift) - (ulong)divisor)) / (ulong)divisor + 1;
        return new FastDivisor { Divisor = divisor, Multiplier = (uint)multiplier, Shift = shift };
    }

    /// <summary>n / Divisor for n &gt;= 0.</summary>
    public readonly int Divide(int n) => (int)(((((ulong)(uint)n * Multiplier) >> 32) + (uint)n) >> Shift);

    /// <summary>n / Divisor, and the remainder in <paramref name="remainder"/>.</summary>
    public readonly int DivRem(int n, out int remainder)
    {
        int q = Divide(n);
        remainder = n - q * Divisor;
        return q;
    }
}
