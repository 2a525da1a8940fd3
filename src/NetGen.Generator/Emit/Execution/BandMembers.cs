using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// Batch-1 inference on every core: the <c>_netgenBands</c> field an inference instance sets
/// in <c>UseWorkerPool</c>, which NetgenForwardInference hands to each convolution so the
/// runtime (NetGen.Execution.LayerBands) splits a large one by bands of output rows over the
/// pool. Each worker beyond the first runs its band on the convolution scratch of its own
/// memory copy (the one batched Predict already allocates), so the plan gains no buffer.
/// Batched Predict's per-worker samples pass no bands: a layer never splits inside a worker.
/// </summary>
internal static class BandMembers
{
    public const string Type = "global::NetGen.Execution.LayerBands";

    public const string Field = "private " + Type + "? _netgenBands;";

    /// <summary>The statement that sets the field from the pool and the workers' arrays (null when no convolution has scratch).</summary>
    public static string Create(ExecutionLayout layout, string pool, string workerMemory)
    {
        long offset = layout.KernelOffset(-1, KernelBufferKind.ConvWorkspace, training: false);
        if (offset < 0) return "_netgenBands = null;";
        long floats = layout.KernelFloats(-1, KernelBufferKind.ConvWorkspace);
        return $"_netgenBands = new {Type}({pool}, {workerMemory}, {Number(offset)}, {Number(floats)});";
    }
}
