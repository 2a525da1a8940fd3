using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace NetGen.Bench;

/// <summary>
/// Entry point: every benchmark class in this assembly is offered to BenchmarkSwitcher, so a
/// new class (another generator scenario, a runtime comparison) needs no change here.
/// Run: <c>dotnet run -c Release --project bench/NetGen.Bench -- --filter '*'</c>.
/// </summary>
public static class Program
{
    /// <summary>Exit code 1 when any benchmark failed (a setup check threw, a build failed), so scripts notice.</summary>
    public static int Main(string[] args)
    {
        // BenchmarkDotNet's short job (3 warm-ups, 3 iterations, 1 process) unless the command
        // line names a job (--job medium for tighter error bars): the whole suite stays within
        // minutes on a shared two-core machine. It is the default job only, so the runtime
        // comparisons keep their own two jobs (MallocVariantsConfig).
        bool jobGiven = args.Any(a => a is "--job" or "-j" || a.StartsWith("--job=", StringComparison.Ordinal));
        var config = ManualConfig.Create(DefaultConfig.Instance);
        if (!jobGiven) config.AddJob(Job.ShortRun.AsDefault());
        // Each run builds a copy of this project (Roslyn, the generator, TorchSharp's assets):
        // on the shared machine that took more than BenchmarkDotNet's default 2 minutes.
        config.WithBuildTimeout(TimeSpan.FromMinutes(10));
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToList();
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
