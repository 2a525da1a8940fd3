using System;
using System.Diagnostics;
using System.Globalization;

namespace Samples.InferenceApp;

/// <summary>Per-call latency of Predict, from the Stopwatch ticks of each call in order.</summary>
internal static class Latency
{
    /// <summary>
    /// One line, starting '#': the first call (which, under the JIT, compiles the code), then the
    /// median, mean and 99th percentile of all calls after it, in microseconds.
    /// </summary>
    public static string Describe(long[] ticks)
    {
        double first = Microseconds(ticks[0]);
        if (ticks.Length == 1)
            return string.Create(CultureInfo.InvariantCulture, $"# latency us/image: first {first:F1}, 1 call");
        var rest = ticks.AsSpan(1).ToArray();
        Array.Sort(rest);
        double sum = 0;
        foreach (long t in rest) sum += t;
        return string.Create(CultureInfo.InvariantCulture,
            $"# latency us/image: first {first:F1}, then median {Microseconds(rest[rest.Length / 2]):F1}, mean {Microseconds(sum / rest.Length):F1}, p99 {Microseconds(rest[(int)(rest.Length * 0.99)]):F1} over {rest.Length:N0} calls");
    }

    private static double Microseconds(double ticks) => ticks * 1e6 / Stopwatch.Frequency;
}
