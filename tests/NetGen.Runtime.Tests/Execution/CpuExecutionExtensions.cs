using NetGen.Execution;
using NetGen.Threading;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>The CPU option on a network the tests hold as the backend-neutral <see cref="INetwork"/>.</summary>
internal static class CpuExecutionExtensions
{
    public static void UseWorkerPool(this INetwork network, WorkerPool? pool) => ((ICpuExecution)network).UseWorkerPool(pool);
}
