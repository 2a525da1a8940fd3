using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends;

/// <summary>
/// The contract between the schedule and a backend (tinygrad's Compiled, in a generator's terms):
/// Analysis asks the backend what it can run, which chains it runs as one step and which extra
/// buffers its kernels need, and lays the schedule out with those answers; the backend's writer
/// then writes each step's code from the schedule, choosing the step's kernel. The schedule it
/// reads (<see cref="ExecutionSchedule"/>) is the same for every backend and names none of them.
/// </summary>
internal interface IBackend
{
    /// <summary>Whether the backend has kernels, forward and backward, for a node's op with its arguments.</summary>
    bool CanRun(Node node);

    /// <summary>
    /// The convolution + max pool chains the backend runs at inference as one step (the schedule's pool
    /// epilogues): the convolution's output is then never stored, so the inference plan gives it no bytes.
    /// </summary>
    IReadOnlyList<PoolFusion> FusedPools(ComputedGraph graph);

    /// <summary>How many sample slices the training passes run the batch as (1: not split).</summary>
    int TrainingSlices(NetworkIR network, IReadOnlyList<LayerInfo> layers);

    /// <summary>The extra (kernel) buffers the steps need beside the plans, per mode: the schedule's kernel-buffer regions.</summary>
    BackendBuffers PlanBuffers(NetworkIR network, IReadOnlyList<LayerInfo> layers);

    /// <summary>The kernel a step takes, as the backend's code calls it ("" for a step with nothing to run).</summary>
    string KernelOf(NetworkAnalysis analysis, ScheduleStep step);

    /// <summary>A writer of one analysed network's steps (its analysis planned with this backend).</summary>
    IStepWriter Writer(NetworkAnalysis analysis);
}

/// <summary>Writes the code of a schedule's steps, any pass.</summary>
internal interface IStepWriter
{
    void Write(IndentedWriter w, ScheduleStep step);
}

/// <summary>A convolution (Conv), the activation node between it and its max pool (or -1), and the pool, run as one inference step.</summary>
internal readonly record struct PoolFusion(int Conv, int Activation, int Pool);

/// <summary>
/// A backend's extra buffers: the bytes each mode adds beside the plans (the schedule's kernel-buffer
/// regions). A backend derives its own record with what its writer needs to find them.
/// </summary>
public abstract record BackendBuffers(long InferenceBytes, long TrainingBytes)
{
    /// <summary>Per layer, the floats its weight packing writes in a mode (what a sliced repack balances over the slices).</summary>
    public abstract Dictionary<int, long> PackedFloats(bool training);
}
