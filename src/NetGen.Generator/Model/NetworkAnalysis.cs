namespace NetGen.Generator.Model;

/// <summary>What analysis learns about one node. Parameter counts are elements (fp32).</summary>
/// <param name="Trainable">Parameters the optimizer updates (0 when the node is frozen).</param>
/// <param name="NonTrainable">BatchNorm running statistics plus the parameters of a frozen node.</param>
/// <param name="Statistics">BatchNorm running mean and variance: stored, never trained. PyTorch counts them as buffers, Keras as non-trainable parameters.</param>
/// <param name="Macs">Multiply-accumulates for one sample.</param>
public sealed record LayerInfo(int Node, Shape Output, long Trainable, long NonTrainable, long Statistics, long Macs)
{
    public long Params => Trainable + NonTrainable;

    /// <summary>
    /// False for a node the output does not depend on (NG0008): it is not computed, so it has
    /// no parameters, MACs or memory; <see cref="Output"/> is still its shape.
    /// </summary>
    public bool Computed { get; init; } = true;
}

/// <summary>One tensor's place in an arena: bytes [Offset, Offset + Bytes).</summary>
/// <param name="Node">The node whose output (or, in a gradient plan, whose output gradient) this is.</param>
/// <param name="AliasOf">The node whose storage this tensor reuses in place, or -1.</param>
public sealed record TensorSlot(int Node, long Offset, long Bytes, int AliasOf = -1);

/// <summary>An arena: the runtime allocates exactly <see cref="Bytes"/> and hands out these slots.</summary>
/// <remarks>
/// Slots are in node order, one per computed node that has a tensor in this arena. An alias
/// slot's <see cref="TensorSlot.AliasOf"/> is the node that owns the storage (itself not an
/// alias), except 0: a view of the caller's input, which is not in the arena (offset 0, no bytes of its own).
/// </remarks>
public sealed record ArenaPlan(long Bytes, EquatableArray<TensorSlot> Slots)
{
    /// <summary>The slot of a node's tensor, or null when it has none in this arena.</summary>
    public TensorSlot? SlotOf(int node)
    {
        foreach (var slot in Slots)
            if (slot.Node == node) return slot;
        return null;
    }
}

/// <summary>
/// Training memory at a batch size, one figure per line of the summary; the runtime's
/// training allocation equals <see cref="Total"/>.
/// </summary>
/// <param name="Inputs">Batch x input sample.</param>
/// <param name="Activations">Every activation the backward pass reads, at the batch.</param>
/// <param name="Parameters">All parameters (and statistics), batch-independent.</param>
/// <param name="Gradients">One gradient per trainable parameter.</param>
/// <param name="OptimizerState">SGD with momentum 1x, Adam 2x the trainable parameters.</param>
/// <param name="Workspace">The backward pass's activation gradients alive at once (from <see cref="GradientPlan"/>).</param>
/// <param name="ActivationPlan">Offsets of the saved activations, at the batch.</param>
/// <param name="GradientPlan">Offsets of the activation gradients, at the batch.</param>
public sealed record TrainingMemory(
    int Batch,
    OptimizerKind Optimizer,
    long Inputs,
    long Activations,
    long Parameters,
    long Gradients,
    long OptimizerState,
    long Workspace,
    ArenaPlan ActivationPlan,
    ArenaPlan GradientPlan)
{
    public long Total => Inputs + Activations + Parameters + Gradients + OptimizerState + Workspace;

    /// <summary>The batch-independent part: parameters, gradients, optimizer state.</summary>
    public long FixedBytes => Parameters + Gradients + OptimizerState;

    /// <summary>What one more sample adds: input, saved activations and activation gradients of one sample (Total = FixedBytes + Batch x PerSampleBytes).</summary>
    public long PerSampleBytes => (Inputs + Activations + Workspace) / Batch;
}

/// <summary>Everything a build learns about a network: per-node facts, totals, memory plans.</summary>
/// <param name="Layers">One per node, same order as <see cref="NetworkIR.Nodes"/>.</param>
/// <param name="InferencePlan">Activations at batch 1, each freed after its last consumer; the input is the caller's and not in the arena.</param>
/// <param name="Schedule">The execution plan: regions, places, parameter table and the steps of each pass.</param>
public sealed record NetworkAnalysis(
    NetworkIR Network,
    EquatableArray<LayerInfo> Layers,
    ArenaPlan InferencePlan,
    TrainingMemory Training,
    ExecutionSchedule Schedule)
{
    public long TrainableParams { get { long s = 0; foreach (var l in Layers) s += l.Trainable; return s; } }
    public long NonTrainableParams { get { long s = 0; foreach (var l in Layers) s += l.NonTrainable; return s; } }
    public long TotalParams => TrainableParams + NonTrainableParams;
    /// <summary>BatchNorm running statistics; <c>TotalParams - Statistics</c> is PyTorch's parameter count.</summary>
    public long Statistics { get { long s = 0; foreach (var l in Layers) s += l.Statistics; return s; } }
    public long TotalMacs { get { long s = 0; foreach (var l in Layers) s += l.Macs; return s; } }
    public long ParameterBytes => TotalParams * 4;
    public long InferenceBytes => ParameterBytes + InferencePlan.Bytes;
    public Shape OutputShape => Layers[Network.Output].Output;

    /// <summary>The bytes the backend's kernels need beside the plans, per mode (the schedule's kernel buffers).</summary>
    public Backends.BackendBuffers KernelBuffers => Schedule.KernelBuffers;
}
