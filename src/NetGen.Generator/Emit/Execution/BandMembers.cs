namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// Batch-1 inference on every core: the base class (NetGen.Execution.CompiledNetwork) makes a
/// NetGen.Execution.LayerBands in <c>UseWorkerPool</c> from the layout's band workspace, and
/// PredictOne passes it to each convolution so the
/// runtime splits a large one by bands of output rows over the pool. Each worker beyond the first
/// runs its band on the convolution scratch of its own arena copy (the one batched Predict already
/// allocates), so the plan gains no buffer. Batched Predict's per-worker samples pass no bands: a
/// layer never splits inside a worker.
/// </summary>
internal static class BandMembers
{
    public const string Type = "global::NetGen.Execution.LayerBands";
}
