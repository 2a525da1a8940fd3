using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace NetGen.Bench.Peers;

/// <summary>
/// The two jobs every runtime comparison runs in: "Shipped", the process as it starts, and
/// "TunedMalloc", with glibc's malloc told to keep freed memory (mmap threshold 32 MiB, trim
/// threshold 16 GiB). On these virtual machines freed memory handed back to the host made
/// LibTorch 4-7x slower and erratic; the variable must be set before the process starts, so
/// it is a job's environment. NetGen is the baseline of both jobs, so each job's ratios are
/// NetGen time / peer time measured side by side in one process.
/// </summary>
public sealed class MallocVariantsConfig : ManualConfig
{
    /// <summary>The GLIBC_TUNABLES value of the tuned job.</summary>
    public const string Tunables = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=17179869184";

    public MallocVariantsConfig()
    {
        // The short run's counts (1 process, 3 warm-ups, 3 iterations), as the rest of the suite.
        var job = Job.ShortRun;
        AddJob(job.WithId("Shipped"));
        AddJob(job.WithEnvironmentVariable("GLIBC_TUNABLES", Tunables).WithId("TunedMalloc"));
        AddColumn(new ImagesPerSecondColumn());
        // The Job column names the variant; the variable's full text would only widen the table.
        HideColumns(Column.EnvironmentVariables);
    }
}
