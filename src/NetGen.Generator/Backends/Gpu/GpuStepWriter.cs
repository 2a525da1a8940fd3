using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Backends.Gpu;

/// <summary>
/// The C# of one step's GPU launches, any pass: calls of NetGen.Runtime.Gpu's kernels on slices of the
/// device arena <c>m</c> (a DeviceArena) at the schedule's offsets, on device <c>d</c>, with the GEMM
/// tile <c>TTile</c> of the method being written. Training steps run at batch <c>n</c>. Every backward
/// kernel accumulates (+=), so a step first clears the input gradients it starts (the schedule's
/// <see cref="ScheduleStep.StartsGradientOf"/>) unless the gradient shares the output gradient's storage.
/// </summary>
internal sealed partial class GpuStepWriter : IStepWriter
{
    private const string Gpu = "global::NetGen.Gpu.";
    private readonly NetworkAnalysis _analysis;
    private readonly GpuBuffers _buffers;
    private readonly Dictionary<(int Node, ParameterRole Role), ParameterEntry> _parameters = new();
    private readonly long _inferenceKernelBase;
    private readonly long _trainingKernelBase;
    private readonly long _gradientBase;

    public GpuStepWriter(NetworkAnalysis analysis)
    {
        _analysis = analysis;
        _buffers = GpuBackend.Buffers(analysis);
        foreach (var p in analysis.Schedule.Parameters)
            if (!_parameters.ContainsKey((p.Node, p.Role))) _parameters.Add((p.Node, p.Role), p);
        _inferenceKernelBase = analysis.Schedule.RegionOf(RegionKind.InferenceKernelBuffers).Start;
        _trainingKernelBase = analysis.Schedule.RegionOf(RegionKind.TrainingKernelBuffers).Start;
        _gradientBase = analysis.Schedule.RegionOf(RegionKind.Gradients).Start;
    }

    private NetworkIR Network => _analysis.Network;

    /// <summary>The kernel a step takes, as the code calls it ("" for a step with nothing to run).</summary>
    public static string KernelOf(ScheduleStep step)
    {
        if (step.Kind == StepKind.FusedAway) return "";
        return step.Op switch
        {
            OpKind.Conv2D or OpKind.DepthwiseConv2D or OpKind.SeparableConv2D =>
                step.Pass is PassKind.InferencePack or PassKind.TrainingPack ? "GpuConv2D.PackWeights" : "GpuConv2D",
            OpKind.Conv2DTranspose => step.Pass is PassKind.InferencePack or PassKind.TrainingPack ? "GpuConv2DTranspose.PackWeights" : "GpuConv2DTranspose",
            OpKind.Dense => step.Pass is PassKind.InferencePack or PassKind.TrainingPack ? "" : "GpuDense",
            OpKind.MaxPool2D or OpKind.AvgPool2D or OpKind.GlobalAvgPool or OpKind.Upsample or OpKind.Crop => "GpuPool",
            OpKind.BatchNorm => "GpuBatchNorm",
            OpKind.Add or OpKind.Dropout or OpKind.Multiply or OpKind.Concat or OpKind.LocalResponseNorm
                or OpKind.Scale or OpKind.Shift => "GpuElementwise",
            OpKind.Flatten or OpKind.Input => "",
            _ => "GpuActivations",
        };
    }

    /// <summary>The static dims field of a node's kernels (batch 1; training steps take it <c>with { N = n }</c>), or null.</summary>
    public string? DimsField(int n) => KernelDims.Field(Network.Nodes[n], InputOf(n), _analysis.Layers[n].Output, Dims(n));

    public void Write(IndentedWriter w, ScheduleStep step)
    {
        switch (step.Pass)
        {
            case PassKind.InferencePack:
            case PassKind.TrainingPack:
                Pack(w, step);
                break;
            case PassKind.Backward:
                Backward(w, step);
                break;
            default:
                Forward(w, step);
                break;
        }
    }

    private static string Dims(int n) => "s_gpuDims" + Number(n);

    private static string DimsAt(int n, bool training) => training ? Dims(n) + " with { N = n }" : Dims(n);

    /// <summary>A separable layer's half (".Depthwise", ".Pointwise") at batch 1, or n in training.</summary>
    private static string PartDims(int n, string part, bool training) => training ? Dims(n) + part + " with { N = n }" : Dims(n) + part;

    private Shape InputOf(int n) => _analysis.Layers[Network.Nodes[n].Inputs[0]].Output;

    /// <summary>A place as a device slice: the whole batch of n samples in training, one sample at inference (the caller's input is its device copy).</summary>
    private string At(BufferRef place, bool training)
    {
        if (place.IsCallerInput)
        {
            var copy = _buffers.Find(-1, GpuBufferKind.InputCopy)!;
            return Slice(_inferenceKernelBase + copy.InferenceOffset, Number(place.Length));
        }
        if (!training || place.PerSample == 0) return Slice(place.Start, Number(place.Length));
        return Slice(place.Start, "n * " + Number(place.PerSample) + "L");
    }

    private static string Slice(long start, string length) => $"m.Slice({Number(start)}, {length})";

    private ParameterEntry? Parameter(int node, ParameterRole role) => _parameters.TryGetValue((node, role), out var p) ? p : null;

    private string ParameterAt(int node, ParameterRole role)
    {
        var p = Parameter(node, role);
        return p is null ? "default" : Slice(p.Offset, Number(p.Length));
    }

    /// <summary>A trainable parameter's gradient slice, or null when it has none (frozen, or absent).</summary>
    private string? GradientAt(int node, ParameterRole role)
    {
        var p = Parameter(node, role);
        return p is null || p.GradientOffset < 0 ? null : Slice(_gradientBase + p.GradientOffset, Number(p.Length));
    }

    private string BufferAt(int node, GpuBufferKind kind, bool training, bool batch = false)
    {
        var slot = _buffers.Find(node, kind)!;
        // A buffer over the training batch, taken at batch n (the kernels check lengths against the batch's).
        if (batch) return Slice(_trainingKernelBase + slot.TrainingOffset, "n * " + Number(slot.Floats / Network.Batch) + "L");
        return training
            ? Slice(_trainingKernelBase + slot.TrainingOffset, Number(slot.Floats))
            : Slice(_inferenceKernelBase + slot.InferenceOffset, Number(slot.Floats));
    }

    /// <summary>(the full-size input's index, the gate's) of a two-input Multiply; gate -1 when both have the output's size (the CPU's rule).</summary>
    private (int Full, int Gate) MultiplyInputs(ScheduleStep step)
    {
        var inputs = Network.Nodes[step.Node].Inputs;
        long elements = _analysis.Layers[step.Node].Output.Elements;
        bool aFull = _analysis.Layers[inputs[0]].Output.Elements == elements, bFull = _analysis.Layers[inputs[1]].Output.Elements == elements;
        if (aFull && bFull) return (0, -1);
        return aFull ? (0, 1) : (1, 0);
    }

    /// <summary>A LocalResponseNorm's (radius, k, alpha, beta) arguments, as the CPU backend passes them.</summary>
    private static string Lrn(Node node) =>
        $"{node.Args.Radius}, {Float((float)node.Args.LrnBias)}, {Float((float)node.Args.LrnAlpha)}, {Float((float)node.Args.LrnBeta)}";

    /// <summary>A dropout's mask at batch n: the first n samples of its slot (the kernels check lengths against the batch's).</summary>
    private string DropoutMask(int node)
    {
        var slot = _buffers.Find(node, GpuBufferKind.DropoutMask)!;
        return Slice(_trainingKernelBase + slot.TrainingOffset, "n * " + Number(_analysis.Layers[node].Output.Elements) + "L");
    }

    /// <summary>A scale's factor or a shift's offset, as a float literal.</summary>
    private static string Constant(Node node) => Float((float)node.Args.Constant);

    /// <summary>A Clip's "lo, hi" arguments.</summary>
    private static string ClipBounds(Node node) => Float((float)node.Args.ClipMin) + ", " + Float((float)node.Args.ClipMax);

    /// <summary>A float literal that reads back as the same float (invariant culture).</summary>
    private static string Float(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + "f";

    private static string Activation(ActivationKind kind) => "global::NetGen.Activation." + kind;

    /// <summary>A layer's LeakyReLU slope or ELU alpha (an activation fused by name takes the documented defaults 0.01 and 1.0).</summary>
    private static string Alpha(Node node)
    {
        double alpha = node.Args.Alpha;
        if (alpha == 0 && ExecutionLimits.HasFusedActivation(node))
            alpha = node.Args.Activation switch { ActivationKind.LeakyReLU => 0.01, ActivationKind.ELU => 1.0, _ => 0 };
        return Float((float)alpha);
    }

    private void Pack(IndentedWriter w, ScheduleStep step)
    {
        if (step.Op is not (OpKind.Conv2D or OpKind.DepthwiseConv2D or OpKind.Conv2DTranspose or OpKind.SeparableConv2D)) return;
        int n = step.Node;
        string packed = BufferAt(n, GpuBufferKind.PackedWeights, step.Training), weights = ParameterAt(n, ParameterRole.Weight), name = Network.Nodes[n].Name;
        switch (step.Op)
        {
            case OpKind.Conv2D:
            case OpKind.DepthwiseConv2D:
                w.Line($"{Gpu}GpuConv2D.PackWeights(d, {packed}, {weights}, {Dims(n)}); // {name}");
                break;
            case OpKind.Conv2DTranspose:
                w.Line($"{Gpu}GpuConv2DTranspose.PackWeights(d, {packed}, {weights}, {Dims(n)}); // {name}");
                break;
            case OpKind.SeparableConv2D:
                w.Line($"{Gpu}GpuConv2D.PackWeights(d, {packed}, {weights}, {Dims(n)}.Depthwise); // {name}, depthwise");
                w.Line($"{Gpu}GpuConv2D.PackWeights(d, {BufferAt(n, GpuBufferKind.PointwisePackedWeights, step.Training)}, {ParameterAt(n, ParameterRole.Pointwise)}, " +
                       $"{Dims(n)}.Pointwise); // {name}, pointwise");
                break;
        }
    }

    /// <summary>A separable layer's depthwise result: the shared one-sample buffer at inference, the layer's saved batch in training.</summary>
    private string Between(int n, bool training)
    {
        if (!training) return Slice(_inferenceKernelBase + _buffers.Find(-1, GpuBufferKind.DepthwiseOutput)!.InferenceOffset, Number(BetweenFloats(n)));
        var slot = _buffers.Find(n, GpuBufferKind.SavedDepthwiseOutput)!;
        return Slice(_trainingKernelBase + slot.TrainingOffset, "n * " + Number(BetweenFloats(n)) + "L");
    }

    /// <summary>The gradient of a separable layer's depthwise results at batch n, in the shared buffer.</summary>
    private string BetweenGradient(int n)
    {
        var slot = _buffers.Find(-1, GpuBufferKind.DepthwiseOutputGradient)!;
        return Slice(_trainingKernelBase + slot.TrainingOffset, "n * " + Number(BetweenFloats(n)) + "L");
    }

    /// <summary>A separable layer's depthwise result for one sample: P x Q x C x multiplier floats.</summary>
    private long BetweenFloats(int n)
    {
        var y = _analysis.Layers[n].Output;
        return (long)y.H * y.W * InputOf(n).C * Network.Nodes[n].Args.DepthMultiplier;
    }

    /// <summary>"rows" (M = N x pixels) of a node's output as code: a literal at inference, n x pixels in training.</summary>
    private static string Rows(Shape shape, bool training) => training ? "n * " + Number(shape.Elements / shape.C) : Number(shape.Elements / shape.C);
}
