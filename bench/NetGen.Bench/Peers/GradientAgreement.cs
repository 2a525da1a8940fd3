using System.Globalization;

namespace NetGen.Bench.Peers;

/// <summary>
/// How far one gradient tensor is from another's, in the measures a deep fp32 network's
/// gradients are compared by (the element-wise 1e-4 of <see cref="Agreement"/> is too tight
/// there: see the tolerances in the class that uses this).
/// </summary>
/// <param name="Norm">| ||a|| - ||b|| | / ||b||: the relative error of the tensor's gradient norm.</param>
/// <param name="Difference">||a - b|| / ||b||: the relative L2 error of the whole tensor.</param>
/// <param name="MaxAbs">max |a - b|.</param>
/// <param name="MaxAbsRelative">max |a - b| / max |b|.</param>
public readonly record struct TensorError(double Norm, double Difference, double MaxAbs, double MaxAbsRelative)
{
    /// <summary>The errors of <paramref name="a"/> against the reference <paramref name="b"/> (0 where b is all zeros and a equals it).</summary>
    public static TensorError Of(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length) throw new InvalidOperationException($"Compared tensors have {a.Length} and {b.Length} values.");
        double aa = 0, bb = 0, dd = 0, maxDiff = 0, maxB = 0;
        for (int i = 0; i < b.Length; i++)
        {
            double d = a[i] - b[i];
            aa += (double)a[i] * a[i];
            bb += b[i] * b[i];
            dd += d * d;
            maxDiff = Math.Max(maxDiff, Math.Abs(d));
            maxB = Math.Max(maxB, Math.Abs(b[i]));
        }
        double normB = Math.Sqrt(bb);
        return new TensorError(
            Ratio(Math.Abs(Math.Sqrt(aa) - normB), normB), Ratio(Math.Sqrt(dd), normB), maxDiff, Ratio(maxDiff, maxB));
    }

    /// <summary>The larger of each measure.</summary>
    public TensorError Max(TensorError other) => new(Math.Max(Norm, other.Norm), Math.Max(Difference, other.Difference),
        Math.Max(MaxAbs, other.MaxAbs), Math.Max(MaxAbsRelative, other.MaxAbsRelative));

    /// <summary>True when the norm and max-abs errors are within the limits (false for NaN).</summary>
    public bool Within(double normLimit, double maxAbsRelativeLimit) => Norm <= normLimit && MaxAbsRelative <= maxAbsRelativeLimit;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"norm {Norm:E2}, L2 {Difference:E2}, max abs {MaxAbs:E2} ({MaxAbsRelative:E2} of max)");

    private static double Ratio(double x, double scale) => scale == 0 ? x : x / scale;
}
