namespace NetGen.Generator.Model;

/// <summary>The regions of an instance's memory, in the order the schedule lays them out per mode.</summary>
public enum RegionKind
{
    /// <summary>The caller's input span at inference (not in the memory; its start is -1).</summary>
    CallerInput,
    /// <summary>Every parameter tensor, both modes, from the memory's start.</summary>
    Parameters,
    /// <summary>Training: one gradient per trainable parameter.</summary>
    Gradients,
    /// <summary>Training: SGD momentum (1x) or Adam moments (2x the trainable parameters).</summary>
    OptimizerState,
    /// <summary>Training: the batch of inputs, channels last.</summary>
    Inputs,
    /// <summary>Training: every activation the backward reads, at the batch.</summary>
    SavedActivations,
    /// <summary>Training: the backward's activation gradients (the gradient plan), at the batch.</summary>
    ActivationGradients,
    /// <summary>Inference: the batch-1 activations (the inference plan).</summary>
    InferenceArena,
    /// <summary>Inference: the backend's kernel buffers (packed weights, scratch).</summary>
    InferenceKernelBuffers,
    /// <summary>Training: the backend's kernel buffers.</summary>
    TrainingKernelBuffers,
}

/// <summary>One region: floats [Start, Start + Floats) from the memory's start.</summary>
public readonly record struct Region(RegionKind Kind, long Start, long Floats);

/// <summary>
/// A tensor's place, in floats from the memory's start: sample s of a batch starts at
/// <c>Start + s * PerSample</c>; <see cref="Length"/> is one sample's floats (the whole buffer
/// when <see cref="PerSample"/> is 0: parameters, batch-independent buffers). The caller's input
/// at inference has <see cref="Region"/> <see cref="RegionKind.CallerInput"/> and start -1.
/// </summary>
public readonly record struct BufferRef(RegionKind Region, long Start, long PerSample, long Length)
{
    public bool IsCallerInput => Region == RegionKind.CallerInput;
}

/// <summary>Which tensor of its node a parameter entry is.</summary>
public enum ParameterRole { Weight, Bias, Pointwise, RunningMean, RunningVar }

/// <summary>
/// One parameter tensor as the generated table lists it (offsets in fp32 elements from the memory's
/// start; <see cref="GradientOffset"/> from the gradient region's start, -1 when not trained).
/// </summary>
/// <param name="FlattenedFrom">A Dense weight after a Flatten: the (C, H, W) it flattens (channels-last order), else empty.</param>
public sealed record ParameterEntry(int Node, ParameterRole Role, string Name, int Offset, int Length, EquatableArray<int> Shape,
    int GradientOffset, string Init, int FanIn, int FanOut, EquatableArray<int> FlattenedFrom);

/// <summary>
/// A node's places in each mode: its output at inference (null when not computed or held by no
/// slot), its batch of outputs saved by the training forward, and its batch of output gradients
/// (null when the backward keeps none).
/// </summary>
public sealed record NodePlaces(int Node, BufferRef? Inference, BufferRef? Saved, BufferRef? Gradient);

/// <summary>The passes a schedule lists steps for.</summary>
public enum PassKind
{
    /// <summary>The weight packing of an inference instance.</summary>
    InferencePack,
    /// <summary>The batch-1 forward.</summary>
    InferenceForward,
    /// <summary>The weight repack after an optimizer step (and at the start of training).</summary>
    TrainingPack,
    /// <summary>The training forward over a batch, saving every activation.</summary>
    TrainingForward,
    /// <summary>The backward over a batch, in reverse node order.</summary>
    Backward,
}

/// <summary>What a step does.</summary>
public enum StepKind
{
    /// <summary>The node's own work in the pass.</summary>
    Layer,
    /// <summary>At inference, an earlier step did this node's work (<see cref="StepEpilogue.FusedInto"/>).</summary>
    FusedAway,
    /// <summary>
    /// A sliced training pass: the partials one slice computes for a batch norm that trains with batch
    /// statistics, ending a phase (forward: its input's moments; backward: its gradient sums).
    /// </summary>
    SlicePartials,
}

/// <summary>
/// What a step does after (or instead of) its node's plain op. Node indices are -1 when absent.
/// </summary>
/// <param name="Bias">The node adds a bias.</param>
/// <param name="Activation">The activation the step applies to its result (a fused activation, or the fused ReLU of a folded batch norm or an add).</param>
/// <param name="ActivationNode">The activation node the step applies (a conv + pool chain's), or -1 when the activation is the node's own.</param>
/// <param name="Pool">The max pool run together with this convolution at inference (its output is the step's), or -1.</param>
/// <param name="FoldedBatchNorm">The batch norm folded into this convolution at inference, or -1.</param>
/// <param name="FusedReLU">The ReLU node whose work this step does in place at inference (after a folded batch norm or a two-input add), or -1.</param>
/// <param name="FusedInto">For a <see cref="StepKind.FusedAway"/> step: the node whose step did its work.</param>
public sealed record StepEpilogue(bool Bias, ActivationKind Activation, int ActivationNode, int Pool, int FoldedBatchNorm, int FusedReLU, int FusedInto)
{
    public static readonly StepEpilogue None = new(false, ActivationKind.None, -1, -1, -1, -1, -1);
}

/// <summary>
/// One step of a pass: a node's kernel call(s) over its input and output places in the pass's mode,
/// its shapes (per sample) and its fused epilogue.
/// </summary>
/// <param name="Phase">In a sliced training pass, the phase the step runs in (a batch norm that trains with batch statistics starts a new one); 0 otherwise.</param>
/// <param name="Inputs">One per input of the node (forward: its places; backward: the inputs' saved outputs).</param>
/// <param name="Output">Forward: where it writes (a fused pool's output for a conv + pool chain); backward: the node's output gradient; null when none.</param>
/// <param name="InputGradients">Backward: per input, its gradient's place (null where the input needs none).</param>
/// <param name="StartsGradientOf">Backward: the inputs whose gradient this step starts (it is their last reader: kernels zero or copy rather than add).</param>
/// <param name="RepackSlice">Training pack, sliced passes: the slice whose share of the repack packs this layer, -1 when not sliced or nothing is packed.</param>
/// <param name="PackedFloats">Pack passes: the floats this layer's packs write.</param>
public sealed record ScheduleStep(
    int Node,
    OpKind Op,
    PassKind Pass,
    StepKind Kind,
    int Phase,
    Shape InputShape,
    Shape OutputShape,
    EquatableArray<BufferRef> Inputs,
    BufferRef? Output,
    EquatableArray<NullableBufferRef> InputGradients,
    EquatableArray<int> StartsGradientOf,
    StepEpilogue Epilogue,
    int RepackSlice = -1,
    long PackedFloats = 0)
{
    public bool Training => Pass is PassKind.TrainingPack or PassKind.TrainingForward or PassKind.Backward;
}

/// <summary>A place or none, for arrays of optional places (<see cref="ScheduleStep.InputGradients"/>).</summary>
public readonly record struct NullableBufferRef(BufferRef? Value);

/// <summary>
/// The backend-neutral execution plan of a network, computed in Analysis: where every region and
/// tensor of each mode lives (fp32 elements from the memory's start), the parameter table, and the
/// steps of each pass. A backend writes code from it; it names no backend's kernel.
/// <code>
/// inference: parameters | inference arena (plan)                                 | kernel buffers
/// training:  parameters | gradients | optimizer state | inputs | saved activations | activation gradients | kernel buffers
/// </code>
/// </summary>
/// <param name="Regions">Every region of both modes, in layout order (inference first).</param>
/// <param name="Parameters">The parameter table, in weight-file order.</param>
/// <param name="Places">One per node, same order as the network's nodes.</param>
/// <param name="KernelBuffers">The backend's extra buffers (packed weights, scratch), per mode: what it answered <see cref="Backends.IBackend.PlanBuffers"/>.</param>
/// <param name="Slices">Sample slices of the training passes (1: not split).</param>
/// <param name="Logits">The node whose output is the class scores before a final softmax.</param>
/// <param name="EndsInSoftmax">The network ends in a softmax (a node, or fused into the output layer).</param>
/// <param name="CanPredict">Every computed layer has a kernel in the backend (<see cref="Backends.IBackend.CanRun"/>) and inference fits the address space and spans.</param>
/// <param name="CanTrain">Training code is generated: class scores, and training fits the address space and spans.</param>
public sealed record ExecutionSchedule(
    EquatableArray<Region> Regions,
    EquatableArray<ParameterEntry> Parameters,
    long TrainableFloats,
    long StateFloats,
    EquatableArray<NodePlaces> Places,
    Backends.BackendBuffers KernelBuffers,
    int Slices,
    int Logits,
    bool EndsInSoftmax,
    bool CanPredict,
    bool CanTrain,
    EquatableArray<ScheduleStep> InferencePack,
    EquatableArray<ScheduleStep> InferenceForward,
    EquatableArray<ScheduleStep> TrainingPack,
    EquatableArray<ScheduleStep> TrainingForward,
    EquatableArray<ScheduleStep> Backward)
{
    /// <summary>The region of a kind (a zero-length one at 0 when the schedule has none).</summary>
    public Region RegionOf(RegionKind kind)
    {
        foreach (var region in Regions)
            if (region.Kind == kind) return region;
        return new Region(kind, 0, 0);
    }

    /// <summary>Floats of one inference instance: parameters, the inference arena and its kernel buffers.</summary>
    public long InferenceFloats { get { var k = RegionOf(RegionKind.InferenceKernelBuffers); return k.Start + k.Floats; } }

    /// <summary>Floats of one training instance.</summary>
    public long TrainingFloats { get { var k = RegionOf(RegionKind.TrainingKernelBuffers); return k.Start + k.Floats; } }

    /// <summary>Phases of the sliced training forward and backward (1 when not sliced).</summary>
    public int ForwardPhases => Phases(TrainingForward);

    public int BackwardPhases => Phases(Backward);

    private static int Phases(EquatableArray<ScheduleStep> steps)
    {
        int phases = 1;
        foreach (var step in steps)
            if (step.Phase + 1 > phases) phases = step.Phase + 1;
        return phases;
    }
}
