using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Analysis;
using NetGen.Generator.Emit.Execution;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// The CPU backend: NetGen.Runtime's vectorised kernels (NetGen.Kernels) called on slices of the
/// instance's native arena. Its kernel buffers are planned by <see cref="KernelBufferPlanner"/>, its
/// conv + pool chains are <see cref="ConvPoolFusion"/>'s, the kernel a convolution takes comes from
/// the one kernel-choice table (<see cref="ConvShapes"/>, NetGen.Kernels.ConvKernelChoice), and its
/// steps are written by <see cref="LayerCode"/>.
/// </summary>
internal sealed class CpuBackend : IBackend
{
    public static readonly CpuBackend Instance = new();

    private CpuBackend()
    {
    }

    /// <summary>Ops with CPU kernels on both passes.</summary>
    public static bool CanRun(OpKind op) => op is OpKind.Input or OpKind.Conv2D or OpKind.DepthwiseConv2D
        or OpKind.MaxPool2D or OpKind.AvgPool2D or OpKind.GlobalAvgPool or OpKind.Flatten or OpKind.Dropout or OpKind.Dense
        or OpKind.ReLU or OpKind.LeakyReLU or OpKind.ELU or OpKind.Sigmoid or OpKind.Tanh or OpKind.Softmax
        or OpKind.ReLU6 or OpKind.HardSigmoid or OpKind.HardSwish or OpKind.SiLU or OpKind.GELU or OpKind.Mish or OpKind.Clip
        or OpKind.Scale or OpKind.Shift
        or OpKind.BatchNorm or OpKind.Add or OpKind.Multiply
        or OpKind.Conv2DTranspose or OpKind.SeparableConv2D or OpKind.Upsample or OpKind.Crop or OpKind.LocalResponseNorm or OpKind.Concat;

    /// <summary>A node's op can run, with arguments its kernels take (Multiply: two inputs).</summary>
    public bool CanRun(Node node) => CanRun(node.Op) && !(node.Op == OpKind.Multiply && node.Inputs.Count != 2);

    public IReadOnlyList<PoolFusion> FusedPools(ComputedGraph graph) =>
        ConvPoolFusion.All(graph).Select(c => new PoolFusion(c.Conv, c.Activation, c.Pool)).ToList();

    public int TrainingSlices(NetworkIR network, IReadOnlyList<LayerInfo> layers) => KernelBufferPlanner.TrainingSlices(network, layers);

    public BackendBuffers PlanBuffers(NetworkIR network, IReadOnlyList<LayerInfo> layers) => KernelBufferPlanner.Plan(network, layers);

    public string KernelOf(NetworkAnalysis analysis, ScheduleStep step) => new LayerCode(new ExecutionLayout(analysis)).KernelOf(step);

    public IStepWriter Writer(NetworkAnalysis analysis) => new LayerCode(new ExecutionLayout(analysis));

    /// <summary>The CPU kernel buffers of an analysis planned with this backend (what its writer and the tests look up).</summary>
    public static KernelBuffers Buffers(NetworkAnalysis analysis) =>
        analysis.Schedule.KernelBuffers as KernelBuffers
        ?? throw new System.ArgumentException("the analysis of " + analysis.Network.Name + " was not planned for the CPU backend", nameof(analysis));
}
