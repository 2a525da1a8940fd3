using System;

namespace NetGen.Training;

/// <summary>
/// Functions computed with correctly rounded IEEE operations only, so results are identical
/// on every machine. <see cref="Math.Log(double)"/> calls the platform's C runtime, which may differ
/// in the last bit between operating systems and library versions.
/// </summary>
internal static class DeterministicMath
{
    private const double Ln2 = 0.693147180559945309417232121458176568;
    private const double Sqrt2 = 1.41421356237309504880168872420969808;

    /// <summary>
    /// Natural logarithm of a positive, finite, normal <paramref name="x"/>, accurate to a few
    /// ulps. Writes x = m * 2^e with m in [sqrt(1/2), sqrt(2)), then
    /// ln(m) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...) with s = (m - 1) / (m + 1), |s| &lt;= 0.172,
    /// so 14 terms bring the truncation error below 1e-17 relative.
    /// </summary>
    public static double Log(double x)
    {
        if (!(x > 0.0) || double.IsInfinity(x) || !double.IsNormal(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "Log needs a positive, finite, normal number.");
        }

        long bits = BitConverter.DoubleToInt64Bits(x);
        int exponent = (int)((bits >> 52) & 0x7FF) - 1023;
        double m = BitConverter.Int64BitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (m >= Sqrt2)
        {
            m *= 0.5;
            exponent++;
        }

        double s = (m - 1.0) / (m + 1.0);
        double s2 = s * s;
        // Horner form of sum_{k=0..13} s2^k / (2k + 1), innermost term first.
        double series = 1.0 / 27.0;
        for (int k = 12; k >= 0; k--)
        {
            series = series * s2 + 1.0 / (2 * k + 1);
        }

        return exponent * Ln2 + 2.0 * s * series;
    }
}
