using System.Globalization;
using System.Linq;
using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Execution;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// The C# of one layer's kernel calls: dimension structs, forward (inference at batch 1 and
/// training at batch n), backward, and weight packing. Spans are slices of the instance's one
/// float array <c>m</c> at constant offsets (<see cref="ExecutionLayout"/>).
/// </summary>
internal sealed partial class LayerCode
{
    private const string Kernels = "global::NetGen.Kernels.";
    private readonly ExecutionLayout _layout;

    public LayerCode(ExecutionLayout layout)
    {
        _layout = layout;
        Offsets = new OffsetNames(layout);
    }

    /// <summary>The named offsets the step code slices at (written by <see cref="OffsetNames.Write"/>).</summary>
    public OffsetNames Offsets { get; }

    private NetworkIR Network => _layout.Network;

    public static string Dims(int node) => "s_netgenDims" + Number(node);

    /// <summary>The static dimension field of a node that has one (batch 1), or null.</summary>
    public string? DimsField(int n) => KernelDims.Field(Network.Nodes[n], _layout.InputShape(n), _layout.OutputShape(n), Dims(n));

    /// <summary>The step being written: its fusion decisions and where its gradients start come from the schedule.</summary>
    private ScheduleStep _step = null!;

    /// <summary>One step of a forward pass; a training step runs at batch n over the saved-activation slots.</summary>
    public void Forward(IndentedWriter w, ScheduleStep step)
    {
        _step = step;
        int n = step.Node;
        bool training = step.Training;
        var node = Network.Nodes[n];
        var x = _layout.InputShape(n);
        var y = _layout.OutputShape(n);
        string Y = Out(n, training);
        string X = In(node.Inputs[0], training);
        string dims = training ? Dims(n) + " with { N = n }" : "in " + Dims(n);
        string rowsY = training ? "n * " + Number(y.Elements / y.C) : Number(y.Elements / y.C);
        w.Line($"// {node.Name}: {SummaryWriter.KindText(node)} {x} -> {y}");
        if (!training && (FusedAway(w, step) || ConvPoolForward(w, step))) return;
        if (SpatialForward(w, n, training)) return;
        switch (node.Op)
        {
            case OpKind.Conv2D:
            case OpKind.DepthwiseConv2D:
            {
                string? pre = PreActivation(n, training);
                w.Line($"{ConvForward(n, training)}{pre ?? Y}, {X}, {ForwardWeights(n, training)}, {ConvBias(n, training)}, " +
                       $"{ForwardWorkspace(training)}, {dims}, {KernelActivation(pre, ConvActivation())}, {Alpha(node)});");
                ActivateSaved(w, n, pre, Y);
                FusedSoftmax(w, n, Y, rowsY, y.C, training);
                break;
            }
            case OpKind.Dense:
            {
                string? pre = PreActivation(n, training);
                w.Line($"{Kernels}Dense.Forward({pre ?? Y}, {X}, {Kernel(n, KernelBufferKind.PackedWeights, training)}, {BiasSpan(n)}, " +
                       $"{dims}, {KernelActivation(pre, FusedKind(node))}, {Alpha(node)});");
                ActivateSaved(w, n, pre, Y);
                FusedSoftmax(w, n, Y, rowsY, y.C, training);
                break;
            }
            case OpKind.MaxPool2D:
                w.Line(training
                    ? $"{Kernels}MaxPool2D.Forward({Y}, {X}, {dims});"
                    : $"{BandMembers.Type}.MaxPool2DForward(bands, {Y}, {X}, {dims});");
                break;
            case OpKind.AvgPool2D:
                // Padding taps do not count in the divisor (Keras, ONNX).
                w.Line($"{Kernels}AvgPool2D.Forward({Y}, {X}, {dims}, false);");
                break;
            case OpKind.GlobalAvgPool:
                w.Line($"{Kernels}GlobalAvgPool.Forward({Y}, {X}, {(training ? "n" : "1")}, {Number((long)x.H * x.W)}, {x.C});");
                break;
            case OpKind.Flatten:
                w.Line("// A view of its input: nothing to compute (channels-last order, see the weight table).");
                break;
            case OpKind.Dropout:
                if (!training)
                {
                    w.Line("// The identity at inference: a view of its input.");
                    break;
                }
                if (Sliced)
                {
                    DropoutSliceForward(w, n, Y, X);
                    break;
                }
                w.Line($"if (train) {Kernels}Dropout.ForwardTraining({Y}, {Mask(n)}, {X}, {Float((float)node.Args.Rate)}, ref DropoutRandom);");
                w.Line($"else {X}.CopyTo({Y});");
                break;
            case OpKind.BatchNorm:
                BatchNormForward(w, n, training);
                break;
            case OpKind.Add:
                AddForward(w, n, training);
                break;
            case OpKind.Multiply:
                MultiplyForward(w, n, training);
                break;
            case OpKind.Softmax:
                if (training && n == Network.Output)
                    w.Line("// The final softmax is fused into the loss (and applied to Predict's output).");
                else
                    w.Line($"{Kernels}Softmax.Forward({Y}, {X}, {rowsY}, {y.C});");
                break;
            case OpKind.Clip:
                w.Line($"{Kernels}Clip.Forward({Y}, {X}, {ClipBounds(node)});");
                break;
            case OpKind.Scale:
                w.Line($"{Kernels}ScalarOps.Scale({Y}, {X}, {Float((float)node.Args.Constant)});");
                break;
            case OpKind.Shift:
                w.Line($"{Kernels}ScalarOps.Shift({Y}, {X}, {Float((float)node.Args.Constant)});");
                break;
            default:
                w.Line($"{Kernels}Activations.Forward({Y}, {X}, {Activation(ActivationOf(node))}, {Alpha(node)});");
                break;
        }
    }

    private void FusedSoftmax(IndentedWriter w, int n, string y, string rows, int features, bool training)
    {
        if (Network.Nodes[n].Args.Activation != ActivationKind.Softmax) return;
        if (training && n == _layout.Logits)
            w.Line("// The fused softmax is part of the loss (and applied to Predict's output).");
        else
            w.Line($"{Kernels}Softmax.Forward({y}, {y}, {rows}, {features});");
    }

    /// <summary>One step of the backward pass at batch n: its parameter gradients and its input's gradient.</summary>
    public void Backward(IndentedWriter w, ScheduleStep step)
    {
        _step = step;
        int n = step.Node;
        var node = Network.Nodes[n];
        var y = _layout.OutputShape(n);
        int input = node.Inputs[0];
        string dY = Grad(n);
        string Y = Out(n, true);
        string X = In(input, true);
        string dims = Dims(n) + " with { N = n }";
        bool needsDx = NeedsDx(input);
        w.Line($"// {node.Name}: {SummaryWriter.KindText(node)}");
        if (SpatialBackward(w, n)) return;
        switch (node.Op)
        {
            case OpKind.Conv2D:
            case OpKind.DepthwiseConv2D:
            case OpKind.Dense:
            {
                string kernel = node.Op == OpKind.Dense ? "Dense" : "Conv2D";
                FusedActivationBackward(w, n);
                var weight = _layout.Weight(n)!;
                bool winograd = RunsWinogradBackwardData(n);
                string dataKernel = winograd ? "BackwardDataWinograd" : "BackwardData";
                if (weight.GradientOffset >= 0 && needsDx && !Sliced)
                {
                    // Weight and input gradients are independent: on a worker pool, one each.
                    StartDataGradient(w, input, n, winograd);
                    string weights0 = node.Op == OpKind.Dense
                        ? Slice(weight.Offset, weight.Length)
                        : DataWeights(n, winograd);
                    string bias0 = _layout.Bias(n) is { } b0
                        ? $"{Number(_layout.GradientBase + b0.GradientOffset)}, {Number(b0.Length)}"
                        : "-1, 0";
                    w.Open("if (pool is not null)");
                    w.Line($"var work = new global::NetGen.Execution.{(node.Op == OpKind.Dense ? "Dense" : "Conv")}BackwardWork(Memory, " +
                           $"{Number(_layout.GradientBase + weight.GradientOffset)}, {Number(weight.Length)}, {bias0}, " +
                           $"{Args(_layout.GradientOffset(n), y.Elements)}, {Args(_layout.ActivationOffset(input), _layout.OutputShape(input).Elements)}, " +
                           $"{Args(_layout.GradientOffset(input), _layout.OutputShape(input).Elements)}, {SliceArgs(weights0)}, " +
                           (node.Op == OpKind.Dense ? "" : SliceArgs(BackwardWorkspace()) + ", ") + $"{dims}{(winograd ? ", winograd: true" : "")});");
                    w.Line("pool.Run(2, in work);");
                    w.Close();
                    w.Open("else");
                    w.Line($"{Kernels}{kernel}.BackwardWeights({GradientSpan(weight)}, {dY}, {X}, {dims});");
                    if (_layout.Bias(n) is { } b1) w.Line($"{Kernels}{kernel}.BackwardBias({GradientSpan(b1)}, {dY}, {dims});");
                    w.Line($"{Kernels}{kernel}.{dataKernel}({Grad(input)}, {dY}, {weights0}, {DataWorkspace(node)}{dims});");
                    w.Close();
                    break;
                }
                if (weight.GradientOffset >= 0)
                {
                    w.Line($"{Kernels}{kernel}.BackwardWeights({GradientSpan(weight)}, {dY}, {X}, {dims});");
                    if (_layout.Bias(n) is { } bias) w.Line($"{Kernels}{kernel}.BackwardBias({GradientSpan(bias)}, {dY}, {dims});");
                }
                if (needsDx)
                {
                    StartDataGradient(w, input, n, winograd);
                    string weights = node.Op == OpKind.Dense
                        ? Slice(weight.Offset, weight.Length)
                        : DataWeights(n, winograd);
                    w.Line($"{Kernels}{kernel}.{dataKernel}({Grad(input)}, {dY}, {weights}, {DataWorkspace(node)}{dims});");
                }
                break;
            }
            case OpKind.MaxPool2D:
                if (needsDx) MaxPoolBackward(w, n, dY, X, dims);
                break;
            case OpKind.AvgPool2D:
                if (!needsDx) break;
                StartGradient(w, input, n);
                w.Line($"{Kernels}AvgPool2D.Backward({Grad(input)}, {dY}, {dims}, false);");
                break;
            case OpKind.GlobalAvgPool:
            {
                if (!needsDx) break;
                var x = _layout.InputShape(n);
                StartGradient(w, input, n);
                w.Line($"{Kernels}GlobalAvgPool.Backward({Grad(input)}, {dY}, n, {Number((long)x.H * x.W)}, {x.C});");
                break;
            }
            case OpKind.Dropout:
                if (!needsDx) break;
                if (_layout.GradientOffset(input) == _layout.GradientOffset(n))
                {
                    w.Line($"global::NetGen.Execution.ExecutionOps.MultiplyInPlace({dY}, {Mask(n)});");
                    break;
                }
                StartGradient(w, input, n);
                w.Line($"{Kernels}Dropout.Backward({Grad(input)}, {dY}, {Mask(n)});");
                break;
            case OpKind.Flatten:
                if (!needsDx) break;
                if (_layout.GradientOffset(input) == _layout.GradientOffset(n))
                {
                    w.Line("// Its input's gradient shares this storage: nothing to do.");
                    break;
                }
                StartGradient(w, input, n);
                w.Line($"global::NetGen.Execution.ExecutionOps.AddInto({Grad(input)}, {dY});");
                break;
            case OpKind.BatchNorm:
                BatchNormBackward(w, n);
                break;
            case OpKind.Add:
                AddBackward(w, n);
                break;
            case OpKind.Multiply:
                MultiplyBackward(w, n);
                break;
            case OpKind.Softmax:
                if (n == Network.Output)
                {
                    w.Line("// Fused into the loss: its input's gradient came from softmax cross-entropy.");
                    break;
                }
                if (!needsDx) break;
                StartGradient(w, input, n);
                w.Line($"{Kernels}Softmax.Backward({Grad(input)}, {dY}, {Y}, n * {Number(y.Elements / y.C)}, {y.C});");
                break;
            case OpKind.Clip:
                if (!needsDx) break;
                StartGradient(w, input, n);
                w.Line($"{Kernels}Clip.Backward({Grad(input)}, {dY}, {Y}, {ClipBounds(node)});");
                break;
            case OpKind.Scale or OpKind.Shift:
                if (!needsDx) break;
                StartGradient(w, input, n);
                // Neither reads x or y: dx = factor * dy (scale), dx = dy (shift).
                w.Line($"{Kernels}ScalarOps.ScaleAccumulate({Grad(input)}, {dY}, {Float(node.Op == OpKind.Scale ? (float)node.Args.Constant : 1f)});");
                break;
            default:
                if (!needsDx) break;
                StartGradient(w, input, n);
                if (OpNames.NeedsPreActivation(ActivationOf(node)))
                    w.Line($"{Kernels}Activations.BackwardWithInput({Grad(input)}, {dY}, {X}, {Y}, {Activation(ActivationOf(node))}, {Alpha(node)});");
                else
                    w.Line($"{Kernels}Activations.Backward({Grad(input)}, {dY}, {Y}, {Activation(ActivationOf(node.Op))}, {Alpha(node)});");
                break;
        }
    }

    /// <summary>Turns dY into the gradient before a fused activation, in place (nothing when none is fused).</summary>
    private void FusedActivationBackward(IndentedWriter w, int n)
    {
        var node = Network.Nodes[n];
        var y = _layout.OutputShape(n);
        var act = node.Args.Activation;
        if (PreActivationBackward(w, n)) return;
        if (act == ActivationKind.Softmax)
        {
            if (n == _layout.Logits) w.Line("// dY is already the gradient at the logits (softmax cross-entropy).");
            else w.Line($"global::NetGen.Execution.ExecutionOps.SoftmaxBackwardInPlace({Grad(n)}, {Out(n, true)}, n * {Number(y.Elements / y.C)}, {y.C});");
        }
        else if (act != ActivationKind.None)
        {
            w.Line($"{Kernels}Activations.BackwardInPlace({Grad(n)}, {Out(n, true)}, {Activation(act)}, {Alpha(node)});");
        }
    }

    /// <summary>Kernels accumulate into dX: zero it at the step that starts it, the last reader of its node.</summary>
    private void StartGradient(IndentedWriter w, int input, int n)
    {
        if (StartsGradient(input)) w.Line($"{Grad(input)}.Clear();");
    }

    /// <summary>Whether the backward step at hand starts <paramref name="input"/>'s gradient (it is its last reader).</summary>
    private bool StartsGradient(int input) => _step.StartsGradientOf.Contains(input);

    /// <summary>Whether the backward step at hand computes <paramref name="input"/>'s gradient (the input needs one).</summary>
    private bool NeedsDx(int input)
    {
        var inputs = Network.Nodes[_step.Node].Inputs;
        for (int j = 0; j < inputs.Count; j++)
            if (inputs[j] == input && _step.InputGradients[j].Value is not null) return true;
        return false;
    }

    /// <summary>Repacks one layer's weights into its kernel buffers (a pack step of the schedule).</summary>
    public void Pack(IndentedWriter w, ScheduleStep step)
    {
        _step = step;
        int n = step.Node;
        bool training = step.Training;
        if (SpatialPack(w, n, training)) return;
        var node = Network.Nodes[n];
        var weight = _layout.Weight(n);
        if (weight is null || node.Op == OpKind.BatchNorm) return;
        string canonical = Slice(weight.Offset, weight.Length);
        if (node.Op == OpKind.Dense)
        {
            w.Line($"{Kernels}Dense.Pack({Kernel(n, KernelBufferKind.PackedWeights, training)}, {canonical}, in {Dims(n)});");
            return;
        }
        if (training || !PackFolded(w, n, canonical))
            w.Line($"{Kernels}Conv2D.Pack({Kernel(n, KernelBufferKind.PackedWeights, training)}, {canonical}, in {Dims(n)});");
        PackWinograd(w, n, training);
        if (!training || _layout.KernelOffset(n, KernelBufferKind.BackwardPackedWeights, true) < 0) return;
        w.Line($"{Kernels}Conv2D.PackForBackward({Kernel(n, KernelBufferKind.BackwardPackedWeights, true)}, {canonical}, in {Dims(n)});");
        PackWinogradForBackward(w, n);
    }

    private string Out(int n, bool training) => training
        ? $"m.Slice({BatchStart(Offsets.Saved(n), _layout.OutputShape(n).Elements)}, n * {Number(_layout.OutputShape(n).Elements)})"
        : $"m.Slice({Offsets.Output(n)}, {Number(_layout.OutputShape(n).Elements)})";

    private string In(int n, bool training)
    {
        if (training) return Out(n, true);
        return _layout.InferenceOffset(n) < 0 ? "x" : Out(n, false);
    }

    private string Grad(int n) => Sliced
        ? $"m.Slice({SliceGradientStart(_layout, n, "s", "n")}, n * {Number(_layout.OutputShape(n).Elements)})"
        : $"m.Slice({Offsets.Gradient(n)}, n * {Number(_layout.OutputShape(n).Elements)})";

    private string BiasSpan(int n) => _layout.Bias(n) is { } b ? Slice(b.Offset, b.Length) : "global::System.ReadOnlySpan<float>.Empty";

    private string GradientSpan(ParameterEntry p) =>
        Sliced ? $"m.Slice(g + {Number(p.GradientOffset)}, {Number(p.Length)})" : Slice(_layout.GradientBase + p.GradientOffset, p.Length);

    private string Kernel(int node, KernelBufferKind kind, bool training) =>
        Slice(_layout.KernelOffset(node, kind, training), _layout.KernelFloats(node, kind));

    public static string Slice(long offset, long length) => $"m.Slice({Number(offset)}, {Number(length)})";

    /// <summary>A Dropout layer's mask at batch n.</summary>
    private string Mask(int n) =>
        $"m.Slice({BatchStart(_layout.KernelOffset(n, KernelBufferKind.DropoutMask, true), _layout.OutputShape(n).Elements)}, n * {Number(_layout.OutputShape(n).Elements)})";

    /// <summary>Conv2D.BackwardData's scratch argument (with its comma), nothing for Dense.</summary>
    private string DataWorkspace(Node node) => node.Op == OpKind.Dense ? "" : BackwardWorkspace() + ", ";

    /// <summary>The shared backward-data scratch, or an empty slice when no convolution needs one.</summary>
    private string BackwardWorkspace()
    {
        if (Sliced) return SliceBackwardWorkspace();
        long offset = _layout.KernelOffset(-1, KernelBufferKind.BackwardDataWorkspace, true);
        return offset < 0 ? Slice(0, 0) : Kernel(-1, KernelBufferKind.BackwardDataWorkspace, true);
    }

    /// <summary>"offset, n * length": a batch tensor's place as a work item's arguments.</summary>
    private static string Args(long offset, long length) => $"{Number(offset)}, n * {Number(length)}";

    /// <summary>"m.Slice(a, b)" back to "a, b".</summary>
    private static string SliceArgs(string slice) => slice.Substring("m.Slice(".Length, slice.Length - "m.Slice(".Length - 1);

    private static string FusedKind(Node node) =>
        Activation(node.Args.Activation == ActivationKind.Softmax ? ActivationKind.None : node.Args.Activation);

    public static string Activation(ActivationKind kind) => "global::NetGen.Activation." + kind;

    private static ActivationKind ActivationOf(Node node) => OpNames.ActivationOf(node);

    private static ActivationKind ActivationOf(OpKind op) => OpNames.ActivationOf(op);

    /// <summary>
    /// LeakyReLU slope or ELU alpha. An activation fused by name into a Conv/Dense carries no
    /// value of its own, so it takes the documented defaults (0.01 and 1.0).
    /// </summary>
    private static string Alpha(Node node)
    {
        double alpha = node.Args.Alpha;
        if (alpha == 0 && ExecutionLayout.HasFusedActivation(node))
            alpha = node.Args.Activation switch { ActivationKind.LeakyReLU => 0.01, ActivationKind.ELU => 1.0, _ => 0 };
        return Float((float)alpha);
    }

    /// <summary>A clip layer's "lo, hi" arguments.</summary>
    private static string ClipBounds(Node node) => Float((float)node.Args.ClipMin) + ", " + Float((float)node.Args.ClipMax);

    public static string Float(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";
}
