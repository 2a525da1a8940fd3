using System.Reflection;
using Microsoft.CodeAnalysis;
using NetGen.Generator;

namespace NetGen.Bench.Infrastructure;

/// <summary>
/// What a tracked re-run did, checked before timing: a benchmark that claims to measure an
/// incremental re-run must fail loudly if the generator in fact redid the work.
/// </summary>
public static class StepCheck
{
    /// <summary>Every name in <see cref="TrackingNames"/>, read by reflection so a new step is checked without editing this list.</summary>
    public static readonly IReadOnlyList<string> AllTrackingNames = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    /// <summary>"Step: Reason" for every output of <paramref name="steps"/> that was recomputed (not Cached/Unchanged).</summary>
    public static IReadOnlyList<string> Recomputed(GeneratorRunResult result, IEnumerable<string> steps) => steps
        .SelectMany(step => Outputs(result, step).Select(reason => (step, reason)))
        .Where(o => !IsReused(o.reason))
        .Select(o => $"{o.step}: {o.reason}")
        .ToList();

    /// <summary>"Output: Reason" for every source-output step that ran again.</summary>
    public static IReadOnlyList<string> RecomputedOutputs(GeneratorRunResult result) => result.TrackedOutputSteps
        .SelectMany(s => s.Value.SelectMany(run => run.Outputs.Select(o => (s.Key, o.Reason))))
        .Where(o => !IsReused(o.Reason))
        .Select(o => $"{o.Key}: {o.Reason}")
        .ToList();

    /// <summary>How many outputs of <paramref name="step"/> had <paramref name="reason"/>.</summary>
    public static int Count(GeneratorRunResult result, string step, IncrementalStepRunReason reason) =>
        Outputs(result, step).Count(r => r == reason);

    /// <summary>Throws with the recomputed steps listed when <paramref name="recomputed"/> is not empty.</summary>
    public static void RequireNone(IReadOnlyList<string> recomputed, string scenario)
    {
        if (recomputed.Count > 0)
        {
            throw new InvalidOperationException(
                $"{scenario}: the generator recomputed steps that must be reused, so the benchmark would not measure an incremental re-run:\n  "
                + string.Join("\n  ", recomputed));
        }
    }

    private static bool IsReused(IncrementalStepRunReason reason) =>
        reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged;

    private static IEnumerable<IncrementalStepRunReason> Outputs(GeneratorRunResult result, string step) =>
        result.TrackedSteps.TryGetValue(step, out var runs)
            ? runs.SelectMany(r => r.Outputs.Select(o => o.Reason))
            : Enumerable.Empty<IncrementalStepRunReason>();
}
