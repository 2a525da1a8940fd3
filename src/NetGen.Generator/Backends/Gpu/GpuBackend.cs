using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Gpu;

/// <summary>
/// The GPU backend: NetGen.Runtime.Gpu's ILGPU kernels (namespace NetGen.Gpu) launched on slices of one
/// device arena, written into a network's nested <c>Gpu</c> class. It fuses no convolution with its pool
/// (the GPU kernels have no such chain), runs the training passes over the whole batch (one slice: the
/// device is the parallelism), and plans the buffers its kernels need beside the plans
/// (<see cref="GpuBuffers"/>). Its schedule has the CPU's parameter table, so weight files move between devices.
/// </summary>
internal sealed class GpuBackend : IBackend
{
    public static readonly GpuBackend Instance = new();

    private GpuBackend()
    {
    }

    /// <summary>Activations the GPU GEMM epilogue fuses into a convolution (any kind) or Dense whose backward needs only the output (Softmax: the output layer's, taken by the loss).</summary>
    public static bool FusesActivation(ActivationKind kind) => kind is ActivationKind.None or ActivationKind.ReLU or ActivationKind.LeakyReLU
        or ActivationKind.ELU or ActivationKind.Sigmoid or ActivationKind.Tanh or ActivationKind.ReLU6 or ActivationKind.HardSigmoid;

    /// <summary>Activation layers the GPU activation kernels run, forward and backward.</summary>
    public static bool IsActivation(OpKind op) => op is OpKind.ReLU or OpKind.LeakyReLU or OpKind.ELU or OpKind.Sigmoid or OpKind.Tanh
        or OpKind.ReLU6 or OpKind.HardSigmoid or OpKind.HardSwish or OpKind.SiLU or OpKind.GELU or OpKind.Mish;

    /// <summary>Activations whose backward reads the input (NetGen.Kernels.Activations.NeedsInput): fused, they run after the store from a kept pre-activation.</summary>
    public static bool NeedsInput(ActivationKind kind) => kind is ActivationKind.HardSwish or ActivationKind.SiLU or ActivationKind.GELU
        or ActivationKind.GELUTanh or ActivationKind.Mish;

    public bool CanRun(Node node) => node.Op switch
    {
        OpKind.Input or OpKind.MaxPool2D or OpKind.AvgPool2D or OpKind.GlobalAvgPool or OpKind.Flatten or OpKind.Softmax
            or OpKind.Add or OpKind.Dropout or OpKind.Multiply
            or OpKind.Concat or OpKind.Upsample or OpKind.LocalResponseNorm or OpKind.Clip
            or OpKind.Scale or OpKind.Shift or OpKind.Crop or OpKind.BatchNorm => true,
        OpKind.Conv2D or OpKind.DepthwiseConv2D or OpKind.Dense or OpKind.Conv2DTranspose or OpKind.SeparableConv2D =>
            FusesActivation(node.Args.Activation) || NeedsInput(node.Args.Activation) || node.Args.Activation == ActivationKind.Softmax,
        _ => IsActivation(node.Op),
    };

    public IReadOnlyList<PoolFusion> FusedPools(ComputedGraph graph) => new List<PoolFusion>();

    public int TrainingSlices(NetworkIR network, IReadOnlyList<LayerInfo> layers) => 1;

    public BackendBuffers PlanBuffers(NetworkIR network, IReadOnlyList<LayerInfo> layers) => GpuBuffers.Plan(network, layers);

    public string KernelOf(NetworkAnalysis analysis, ScheduleStep step) => GpuStepWriter.KernelOf(step);

    public IStepWriter Writer(NetworkAnalysis analysis) => new GpuStepWriter(analysis);

    /// <summary>The GPU kernel buffers of an analysis planned with this backend.</summary>
    public static GpuBuffers Buffers(NetworkAnalysis analysis) =>
        analysis.Schedule.KernelBuffers as GpuBuffers
        ?? throw new System.ArgumentException("the analysis of " + analysis.Network.Name + " was not planned for the GPU backend", nameof(analysis));

    /// <summary>The first computed layer the GPU backend has no kernel for, or -1.</summary>
    public int FirstUnsupported(NetworkIR network, IReadOnlyList<LayerInfo> layers)
    {
        for (int n = 0; n < network.Nodes.Count; n++)
            if (layers[n].Computed && !CanRun(network.Nodes[n])) return n;
        return -1;
    }
}
