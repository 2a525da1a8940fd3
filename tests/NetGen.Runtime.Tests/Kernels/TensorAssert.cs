using System.Globalization;
using Xunit.Sdk;

namespace NetGen.Tests.Kernels;

/// <summary>Element-wise comparison that reports the worst element, as llm.c's check_tensor.</summary>
internal static class TensorAssert
{
    /// <summary>Passes when |actual - expected| &lt;= atol + rtol * |expected| for every element.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double rtol, double atol, string name)
    {
        if (expected.Length != actual.Length)
        {
            throw new XunitException($"{name}: expected {expected.Length} elements, got {actual.Length}.");
        }
        int worst = -1;
        double worstExcess = 0, worstDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            double excess = diff - (atol + rtol * Math.Abs(expected[i]));
            if (double.IsNaN(actual[i]) || excess > worstExcess)
            {
                worst = i;
                worstExcess = double.IsNaN(actual[i]) ? double.PositiveInfinity : excess;
                worstDiff = diff;
            }
        }
        if (worst >= 0)
        {
            throw new XunitException(string.Format(CultureInfo.InvariantCulture,
                "{0}: largest difference {1:G6} at index {2} (expected {3:G9}, actual {4:G9}; rtol {5}, atol {6}).",
                name, worstDiff, worst, expected[worst], actual[worst], rtol, atol));
        }
    }

    /// <summary><see cref="Close(ReadOnlySpan{double}, ReadOnlySpan{float}, double, double, string)"/> with a float expectation.</summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rtol, double atol, string name) =>
        Close(Array.ConvertAll(expected.ToArray(), v => (double)v), actual, rtol, atol, name);
}
