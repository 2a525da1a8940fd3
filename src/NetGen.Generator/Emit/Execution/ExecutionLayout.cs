using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// The CPU emitter's index over a network's <see cref="ExecutionSchedule"/> (computed in Analysis):
/// region starts, each node's places and parameter entries and the kernel buffers by (node, kind),
/// looked up once so that writing a layer does not search the schedule. It decides nothing.
/// </summary>
internal sealed class ExecutionLayout
{
    public NetworkAnalysis Analysis { get; }
    public ExecutionSchedule Schedule => Analysis.Schedule;
    public NetworkIR Network => Analysis.Network;
    public KernelBuffers Kernels { get; }

    /// <summary>Who reads each node's output (the CPU kernel choices that depend on it ask).</summary>
    public ComputedGraph Graph { get; }

    private readonly Dictionary<(int Node, KernelBufferKind Kind), KernelBufferSlot> _kernelSlots = new();
    private readonly Dictionary<(int Node, ParameterRole Role), ParameterEntry> _parameters = new();

    public EquatableArray<ParameterEntry> Parameters => Schedule.Parameters;

    public long ParameterFloats { get; }
    public long TrainableFloats => Schedule.TrainableFloats;
    public long StateFloats => Schedule.StateFloats;

    public long InferenceArenaBase { get; }
    public long InferenceKernelBase { get; }
    public long InferenceFloats => Schedule.InferenceFloats;

    public long GradientBase { get; }
    public long StateBase { get; }
    public long InputBase { get; }
    public long ActivationBase { get; }
    public long WorkspaceBase { get; }
    public long TrainingKernelBase { get; }
    public long TrainingFloats => Schedule.TrainingFloats;

    /// <summary>The node whose output is the class scores before a final softmax (the output itself when none follows as a node).</summary>
    public int Logits => Schedule.Logits;

    /// <summary>The network ends in a softmax: a Softmax node, or one fused into the output layer.</summary>
    public bool EndsInSoftmax => Schedule.EndsInSoftmax;

    /// <summary>Training code is generated (<see cref="ExecutionSchedule.CanTrain"/>).</summary>
    public bool CanTrain => Schedule.CanTrain;

    public ExecutionLayout(NetworkAnalysis analysis)
    {
        Analysis = analysis;
        Kernels = CpuBackend.Buffers(analysis);
        Graph = new ComputedGraph(Network, analysis.Layers);
        // The first slot of a (node, kind), as a search in slot order finds.
        foreach (var slot in Kernels.Slots)
            if (!_kernelSlots.ContainsKey((slot.Node, slot.Kind))) _kernelSlots.Add((slot.Node, slot.Kind), slot);
        foreach (var p in Schedule.Parameters)
            if (!_parameters.ContainsKey((p.Node, p.Role))) _parameters.Add((p.Node, p.Role), p);
        ParameterFloats = Schedule.RegionOf(RegionKind.Parameters).Floats;
        InferenceArenaBase = Schedule.RegionOf(RegionKind.InferenceArena).Start;
        InferenceKernelBase = Schedule.RegionOf(RegionKind.InferenceKernelBuffers).Start;
        GradientBase = Schedule.RegionOf(RegionKind.Gradients).Start;
        StateBase = Schedule.RegionOf(RegionKind.OptimizerState).Start;
        InputBase = Schedule.RegionOf(RegionKind.Inputs).Start;
        ActivationBase = Schedule.RegionOf(RegionKind.SavedActivations).Start;
        WorkspaceBase = Schedule.RegionOf(RegionKind.ActivationGradients).Start;
        TrainingKernelBase = Schedule.RegionOf(RegionKind.TrainingKernelBuffers).Start;
    }

    /// <summary>A node's parameter entry of a role, or null.</summary>
    public ParameterEntry? Parameter(int node, ParameterRole role) => _parameters.TryGetValue((node, role), out var p) ? p : null;

    public ParameterEntry? Weight(int node) => Parameter(node, ParameterRole.Weight);

    public ParameterEntry? Bias(int node) => Parameter(node, ParameterRole.Bias);

    /// <summary>A SeparableConv2D node's pointwise weight (its <see cref="Weight"/> is the depthwise one).</summary>
    public ParameterEntry Pointwise(int node) => Parameter(node, ParameterRole.Pointwise)!;

    /// <summary>A BatchNorm node's running mean (C), never trained.</summary>
    public ParameterEntry RunningMean(int node) => Parameter(node, ParameterRole.RunningMean)!;

    /// <summary>A BatchNorm node's running variance (C), never trained.</summary>
    public ParameterEntry RunningVar(int node) => Parameter(node, ParameterRole.RunningVar)!;

    public static bool HasClassScores(Shape output) => ExecutionLimits.HasClassScores(output);

    public Shape InputShape(int node) => Analysis.Layers[Network.Nodes[node].Inputs[0]].Output;

    public Shape OutputShape(int node) => Analysis.Layers[node].Output;

    public static bool HasFusedActivation(Node node) => ExecutionLimits.HasFusedActivation(node);

    /// <summary>Inference: where node n's output starts, or -1 when it is the caller's input (node 0 or a view of it).</summary>
    public long InferenceOffset(int n) => Schedule.Places[n].Inference!.Value.Start;

    /// <summary>Training: where node n's batch of outputs starts (the inputs region for node 0 and its views).</summary>
    public long ActivationOffset(int n) => Schedule.Places[n].Saved!.Value.Start;

    /// <summary>Training: where node n's batch of output gradients starts, or -1 when none is kept (the input).</summary>
    public long GradientOffset(int n) => Schedule.Places[n].Gradient?.Start ?? -1;

    /// <summary>The kernel buffer of a kind for a node (-1 for the shared ones), or null.</summary>
    public KernelBufferSlot? Kernel(int node, KernelBufferKind kind) =>
        _kernelSlots.TryGetValue((node, kind), out var slot) ? slot : null;

    /// <summary>Kernel buffer start in a mode, or -1.</summary>
    public long KernelOffset(int node, KernelBufferKind kind, bool training)
    {
        var slot = Kernel(node, kind);
        if (slot is null) return -1;
        long local = training ? slot.TrainingOffset : slot.InferenceOffset;
        return local < 0 ? -1 : (training ? TrainingKernelBase : InferenceKernelBase) + local;
    }

    public long KernelFloats(int node, KernelBufferKind kind) => Kernel(node, kind)?.Floats ?? 0;
}
