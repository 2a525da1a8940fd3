using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emit.Execution;

/// <summary>One parameter tensor as the generated table lists it (offsets in fp32 elements).</summary>
internal sealed record ParameterEntry(int Node, string Name, int Offset, int Length, int[] Shape, int GradientOffset,
    string Init, int FanIn, int FanOut, int[]? FlattenedFrom);

/// <summary>
/// Where everything of one network lives in the single float array an instance allocates,
/// per mode, in fp32 elements from the array's start. Parameters come first in both modes, so
/// their offsets are shared.
/// <code>
/// inference: parameters | inference arena (plan)                                 | kernel buffers
/// training:  parameters | gradients | optimizer state | inputs | saved activations | activation gradients | kernel buffers
/// </code>
/// </summary>
internal sealed partial class ExecutionLayout
{
    public NetworkAnalysis Analysis { get; }
    public NetworkIR Network => Analysis.Network;
    public KernelBuffers Kernels { get; }

    /// <summary>Who reads each node's output, found once for every layer's questions.</summary>
    public ComputedGraph Graph { get; }

    // Per node, its slot in each plan, and the kernel buffers by (node, kind): found once, as a
    // search per layer would make the emit quadratic in the network's size.
    private readonly TensorSlot?[] _inferenceSlots;
    private readonly TensorSlot?[] _activationSlots;
    private readonly TensorSlot?[] _gradientSlots;
    private readonly Dictionary<(int Node, KernelBufferKind Kind), KernelBufferSlot> _kernelSlots = new();
    public List<ParameterEntry> Parameters { get; } = new();

    /// <summary>Per node: its weight and bias entries (null when it has none).</summary>
    public ParameterEntry?[] Weight { get; }
    public ParameterEntry?[] Bias { get; }

    public long ParameterFloats { get; }
    public long TrainableFloats { get; }
    public long StateFloats { get; }

    public long InferenceArenaBase { get; }
    public long InferenceKernelBase { get; }
    public long InferenceFloats { get; }

    public long GradientBase { get; }
    public long StateBase { get; }
    public long InputBase { get; }
    public long ActivationBase { get; }
    public long WorkspaceBase { get; }
    public long TrainingKernelBase { get; }
    public long TrainingFloats { get; }

    /// <summary>The node whose output is the class scores before a final softmax (the output itself when none follows as a node).</summary>
    public int Logits { get; }

    /// <summary>The network ends in a softmax: a Softmax node, or one fused into the output layer.</summary>
    public bool EndsInSoftmax { get; }

    /// <summary>Training code is generated: the output holds class scores (<see cref="HasClassScores"/>) and the training memory fits one array.</summary>
    public bool CanTrain { get; }

    public ExecutionLayout(NetworkAnalysis analysis)
    {
        Analysis = analysis;
        Kernels = analysis.KernelBuffers;
        var nodes = Network.Nodes;
        Graph = new ComputedGraph(Network, analysis.Layers);
        _inferenceSlots = ByNode(analysis.InferencePlan, nodes.Count);
        _activationSlots = ByNode(analysis.Training.ActivationPlan, nodes.Count);
        _gradientSlots = ByNode(analysis.Training.GradientPlan, nodes.Count);
        // The first slot of a (node, kind), as a search in slot order finds.
        foreach (var slot in Kernels.Slots)
            if (!_kernelSlots.ContainsKey((slot.Node, slot.Kind))) _kernelSlots.Add((slot.Node, slot.Kind), slot);
        Weight = new ParameterEntry?[nodes.Count];
        Bias = new ParameterEntry?[nodes.Count];

        long offset = 0, gradient = 0;
        for (int n = 1; n < nodes.Count; n++)
        {
            if (!analysis.Layers[n].Computed) continue;
            var node = nodes[n];
            if (node.Op == OpKind.BatchNorm) AddBatchNorm(n, ref offset, ref gradient);
            if (AddSpatialParameters(n, ref offset, ref gradient)) continue;
            if (node.Op is not (OpKind.Conv2D or OpKind.DepthwiseConv2D or OpKind.Dense)) continue;
            var input = InputShape(n);
            var output = analysis.Layers[n].Output;
            int[] shape;
            int fanIn, fanOut;
            int[]? flattened = null;
            if (node.Op == OpKind.Dense)
            {
                shape = new[] { output.C, (int)input.Elements };
                fanIn = (int)input.Elements;
                fanOut = output.C;
                // Through dropouts (views) back to a Flatten, whose channels-last order the weights follow.
                int sourceNode = node.Inputs[0];
                while (nodes[sourceNode].Op == OpKind.Dropout) sourceNode = nodes[sourceNode].Inputs[0];
                if (nodes[sourceNode].Op == OpKind.Flatten)
                {
                    var before = InputShape(sourceNode);
                    if (!before.IsVector && before.C > 1 && before.H * before.W > 1) flattened = new[] { before.C, before.H, before.W };
                }
            }
            else
            {
                int groups = KernelBufferPlanner.Groups(node, input);
                int taps = node.Args.KernelH * node.Args.KernelW;
                shape = new[] { output.C, input.C / groups, node.Args.KernelH, node.Args.KernelW };
                fanIn = input.C / groups * taps;
                fanOut = output.C / groups * taps;
            }
            string init = FeedsReLU(n) ? "He" : "Glorot";
            Weight[n] = Add(n, node.Name + ".weight", shape, init, fanIn, fanOut, flattened, ref offset, ref gradient);
            if (node.Args.Bias) Bias[n] = Add(n, node.Name + ".bias", new[] { output.C }, "Zeros", fanIn, fanOut, null, ref offset, ref gradient);
        }
        ParameterFloats = offset;
        TrainableFloats = gradient;
        StateFloats = gradient * (Network.Optimizer switch { OptimizerKind.Sgd => 1, OptimizerKind.Adam => 2, _ => 0 });

        InferenceArenaBase = ParameterFloats;
        InferenceKernelBase = InferenceArenaBase + analysis.InferencePlan.Bytes / 4;
        InferenceFloats = InferenceKernelBase + Kernels.InferenceBytes / 4;

        var t = analysis.Training;
        GradientBase = ParameterFloats;
        StateBase = GradientBase + t.Gradients / 4;
        InputBase = StateBase + t.OptimizerState / 4;
        ActivationBase = InputBase + t.Inputs / 4;
        WorkspaceBase = ActivationBase + t.Activations / 4;
        TrainingKernelBase = WorkspaceBase + t.Workspace / 4;
        TrainingFloats = TrainingKernelBase + Kernels.TrainingBytes / 4;

        int output0 = Network.Output;
        var outputNode = nodes[output0];
        Logits = outputNode.Op == OpKind.Softmax ? outputNode.Inputs[0] : output0;
        EndsInSoftmax = outputNode.Op == OpKind.Softmax || HasFusedActivation(outputNode) && outputNode.Args.Activation == ActivationKind.Softmax;
        CanTrain = HasClassScores(analysis.OutputShape) && Logits != 0 && FitsArena(TrainingFloats)
            && ExecutionSupport.LargestTensor(analysis, Network.Batch).Floats <= int.MaxValue;
    }

    /// <summary>
    /// Whether softmax cross-entropy applies to an output: a vector of class scores, or a (C, H, W)
    /// map of per-pixel scores over C &gt;= 2 channels (one label per pixel).
    /// </summary>
    public static bool HasClassScores(Shape output) => output.IsVector || output.C >= 2;

    /// <summary>
    /// Largest arena: 2^46 bytes (64 TiB). The arena is one native block, so any plan a 64-bit process
    /// could map fits; x64 and arm64 give a process 47 or 48 bits of address space, and a larger plan
    /// is a mistake in the declaration rather than a machine to wait for.
    /// </summary>
    public const long MaxArenaFloats = 1L << 44;

    public static bool FitsArena(long floats) => floats <= MaxArenaFloats;

    public Shape InputShape(int node) => Analysis.Layers[Network.Nodes[node].Inputs[0]].Output;

    public Shape OutputShape(int node) => Analysis.Layers[node].Output;

    public static bool HasFusedActivation(Node node) => node.Op is OpKind.Conv2D or OpKind.DepthwiseConv2D or OpKind.Dense
        or OpKind.SeparableConv2D or OpKind.Conv2DTranspose;

    /// <summary>Inference: where node n's output starts, or -1 when it is the caller's input (node 0 or a view of it).</summary>
    public long InferenceOffset(int n)
    {
        if (n == 0) return -1;
        var slot = _inferenceSlots[n]!;
        if (slot.AliasOf == 0) return -1;
        return InferenceArenaBase + slot.Offset / 4;
    }

    /// <summary>Training: where node n's batch of outputs starts (the inputs region for node 0 and its views).</summary>
    public long ActivationOffset(int n)
    {
        if (n == 0) return InputBase;
        var slot = _activationSlots[n]!;
        if (slot.AliasOf == 0) return InputBase;
        return ActivationBase + slot.Offset / 4;
    }

    /// <summary>Training: where node n's batch of output gradients starts, or -1 when none is kept (the input).</summary>
    public long GradientOffset(int n)
    {
        if (n == 0) return -1;
        var slot = GradientSlot(n);
        return slot is null ? -1 : WorkspaceBase + slot.Offset / 4;
    }

    /// <summary>Training: node n's slot in the gradient plan, or null when none is kept.</summary>
    public TensorSlot? GradientSlot(int n) => _gradientSlots[n];

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

    /// <summary>The last node that reads n's output (the first met going backward): where n's gradient starts.</summary>
    public int LastReader(int n) => Graph.LastReader(n);

    /// <summary>He initialisation when a ReLU (fused or the only reader) follows the layer's output.</summary>
    private bool FeedsReLU(int n)
    {
        var node = Network.Nodes[n];
        if (node.Args.Activation is ActivationKind.ReLU or ActivationKind.LeakyReLU) return true;
        if (node.Args.Activation != ActivationKind.None) return false;
        int reader = Graph.OnlyReader(n);
        return reader >= 0 && Network.Nodes[reader].Op is OpKind.ReLU or OpKind.LeakyReLU;
    }

    /// <summary>Per node, its slot in <paramref name="plan"/> (the first, as a search in slot order finds), or null.</summary>
    private static TensorSlot?[] ByNode(ArenaPlan plan, int nodes)
    {
        var slots = new TensorSlot?[nodes];
        foreach (var slot in plan.Slots)
            if (slots[slot.Node] is null) slots[slot.Node] = slot;
        return slots;
    }

    private ParameterEntry Add(int node, string name, int[] shape, string init, int fanIn, int fanOut, int[]? flattened,
        ref long offset, ref long gradient)
    {
        long length = 1;
        foreach (int d in shape) length *= d;
        bool trainable = !Network.Nodes[node].Frozen;
        var entry = new ParameterEntry(node, name, (int)offset, (int)length, shape, trainable ? (int)gradient : -1,
            init, fanIn, fanOut, flattened);
        Parameters.Add(entry);
        offset += length;
        if (trainable) gradient += length;
        return entry;
    }
}
