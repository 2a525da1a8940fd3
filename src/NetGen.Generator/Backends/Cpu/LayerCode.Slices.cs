using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Execution;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// Training code for one sample slice (<see cref="KernelBufferPlanner.TrainingSlices"/>):
/// the same kernel calls over samples [s, s + n) of the batch, each slice on its own scratch
/// and, after the first, its own weight-gradient block. The slice methods (ForwardSlice and
/// BackwardSlice of NetGen.Execution.CompiledTrainableNetwork) take what these strings use as
/// parameters: m (the arena), s (first sample), n (samples), slice, scratch (the slice's scratch
/// start) and g (where its parameter gradients start).
/// </summary>
internal sealed partial class LayerCode
{
    /// <summary>While set, training forward and backward are written for one sample slice.</summary>
    public bool Sliced { get; set; }

    /// <summary>Floats of one slice's scratch: the forward convolution scratch, the backward's, then the batch norms'.</summary>
    public long SliceScratchFloats => ScratchFloats(KernelBufferKind.ConvWorkspace) + ScratchFloats(KernelBufferKind.BackwardDataWorkspace)
                                      + ScratchFloats(KernelBufferKind.BatchNormWorkspace);

    /// <summary>A batch tensor's first element of the slice: "offset + s * perSample" while sliced.</summary>
    private string BatchStart(string offset, long perSample) =>
        Sliced ? $"{offset} + s * {Number(perSample)}" : offset;

    private string BatchStart(long offset, long perSample) => BatchStart(Number(offset), perSample);

    /// <summary>
    /// Where node <paramref name="node"/>'s output gradient for samples [first, first + count) starts
    /// while the passes are sliced. The gradient plan reuses storage between layers (liveness), so
    /// a slice cannot use its samples' part of the batch-wide places: another slice may still read
    /// what that part overlaps. Every slice instead takes its own contiguous share of the gradient
    /// region, samples [first, first + count) x the region's floats per sample, laid out as the plan
    /// at batch count. The plan scales with the batch (every offset is a sum of batch-sized
    /// tensors), so the plan at batch count is the batch's offsets x count / batch.
    /// </summary>
    public static string SliceGradientStart(ExecutionLayout layout, int node, string first, string count)
    {
        var training = layout.Analysis.Training;
        var (_, regionPerSample, offsetPerSample) = SliceGradientFigures(layout, node);
        // The region of a whole batch may pass 2^31 floats although each tensor in it fits: then the product is long.
        string stride = Number(regionPerSample) + (regionPerSample * training.Batch > int.MaxValue ? "L" : "");
        string start = $"{Number(layout.WorkspaceBase)} + {first} * {stride}";
        return offsetPerSample == 0 ? start : $"{start} + {count} * {Number(offsetPerSample)}";
    }

    /// <summary>
    /// The figures of <see cref="SliceGradientStart"/>: start + first x sample stride + count x count stride
    /// (the runtime base reads them for the loss, which writes the logits' gradient of each slice).
    /// </summary>
    public static (long Start, long SampleStride, long CountStride) SliceGradientFigures(ExecutionLayout layout, int node)
    {
        var training = layout.Analysis.Training;
        long batchFloats = (long)training.Batch * 4;
        return (layout.WorkspaceBase, training.Workspace / batchFloats, (layout.GradientOffset(node) - layout.WorkspaceBase) / training.Batch);
    }

    /// <summary>
    /// A Dropout's training forward in a slice: its masks from the slice's own stream, (seed of the
    /// step, node x slices + slice), so the masks do not depend on which worker runs the slice or when.
    /// </summary>
    private void DropoutSliceForward(IndentedWriter w, int n, string y, string x)
    {
        string stream = $"{Number((long)n * _layout.Schedule.Slices)}UL + (ulong)slice";
        w.Open("if (SliceTrain)"); // CompiledTrainableNetwork.SliceTrain
        w.Line($"var random = new global::NetGen.Kernels.FastRandom(SliceSeed, {stream});");
        w.Line($"{Kernels}Dropout.ForwardTraining({y}, {Mask(n)}, {x}, {Float((float)Network.Nodes[n].Args.Rate)}, ref random);");
        w.Close();
        w.Line($"else {x}.CopyTo({y});");
    }

    private string SliceForwardWorkspace()
    {
        long floats = ScratchFloats(KernelBufferKind.ConvWorkspace);
        return floats == 0 ? Slice(0, 0) : $"m.Slice(scratch, {Number(floats)})";
    }

    private string SliceBackwardWorkspace()
    {
        long floats = ScratchFloats(KernelBufferKind.BackwardDataWorkspace);
        return floats == 0
            ? Slice(0, 0)
            : $"m.Slice(scratch + {Number(ScratchFloats(KernelBufferKind.ConvWorkspace))}, {Number(floats)})";
    }

    private long ScratchFloats(KernelBufferKind kind) => _layout.KernelOffset(-1, kind, true) < 0 ? 0 : _layout.KernelFloats(-1, kind);
}
