using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Backends.Gpu;

/// <summary>
/// The backward steps at batch n: dY is the step's output gradient, the inputs' saved outputs are read
/// where the training forward left them, and every kernel adds into its input gradients and into the
/// gradient block (cleared by the runtime before the first micro-batch).
/// </summary>
internal sealed partial class GpuStepWriter
{
    private void Backward(IndentedWriter w, ScheduleStep step)
    {
        int n = step.Node;
        var node = Network.Nodes[n];
        w.Line($"// {node.Name}: {SummaryWriter.KindText(node)}");
        if (step.Op == OpKind.Input) return;
        if (step.Op == OpKind.Softmax && n == Network.Output)
        {
            w.Line("// The loss wrote the gradient at the logits, its input: nothing to do.");
            return;
        }
        var dY = step.Output;
        if (dY is null) return;
        string DY = At(dY.Value, true);
        string? DX = InputGradient(step, 0);
        ClearStarted(w, step);
        var x = step.InputShape;
        var y = step.OutputShape;
        // A Dropout saves no output of its own (its backward reads only its mask).
        string Y = _analysis.Schedule.Places[n].Saved is { } saved ? At(saved, true) : "default";
        string X = At(step.Inputs[0], true);
        switch (step.Op)
        {
            case OpKind.Conv2D:
            case OpKind.DepthwiseConv2D:
                FusedActivationBackward(w, step, DY, Y);
                if (GradientAt(n, ParameterRole.Weight) is { } dW)
                    w.Line($"{Gpu}GpuConv2D.BackwardWeights<TTile>(d, {dW}, {DY}, {X}, {DimsAt(n, true)});");
                if (GradientAt(n, ParameterRole.Bias) is { } dB)
                    w.Line($"{Gpu}GpuConv2D.BackwardBias(d, {dB}, {DY}, {DimsAt(n, true)});");
                if (DX is not null)
                    w.Line($"{Gpu}GpuConv2D.BackwardData<TTile>(d, {DX}, {DY}, {BufferAt(n, GpuBufferKind.PackedWeights, true)}, {DimsAt(n, true)});");
                break;
            case OpKind.Conv2DTranspose:
                FusedActivationBackward(w, step, DY, Y);
                if (GradientAt(n, ParameterRole.Weight) is { } dWt)
                    w.Line($"{Gpu}GpuConv2DTranspose.BackwardWeights<TTile>(d, {dWt}, {DY}, {X}, {DimsAt(n, true)});");
                if (GradientAt(n, ParameterRole.Bias) is { } dBt)
                    w.Line($"{Gpu}GpuConv2DTranspose.BackwardBias(d, {dBt}, {DY}, {DimsAt(n, true)});");
                if (DX is not null)
                    w.Line($"{Gpu}GpuConv2DTranspose.BackwardData<TTile>(d, {DX}, {DY}, {BufferAt(n, GpuBufferKind.PackedWeights, true)}, {DimsAt(n, true)});");
                break;
            case OpKind.SeparableConv2D:
                FusedActivationBackward(w, step, DY, Y);
                SeparableBackward(w, step, DX, DY, X);
                break;
            case OpKind.Clip:
                if (DX is not null) w.Line($"{Gpu}GpuActivations.On(d).ClipBackward({DX}, {DY}, {Y}, {ClipBounds(node)});");
                break;
            case OpKind.Dense:
                FusedActivationBackward(w, step, DY, Y);
                if (GradientAt(n, ParameterRole.Weight) is { } dWd)
                    w.Line($"{Gpu}GpuDense.BackwardWeights<TTile>(d, {dWd}, {DY}, {X}, {DimsAt(n, true)});");
                if (GradientAt(n, ParameterRole.Bias) is { } dBd)
                    w.Line($"{Gpu}GpuDense.BackwardBias(d, {dBd}, {DY}, {DimsAt(n, true)});");
                if (DX is not null)
                    w.Line($"{Gpu}GpuDense.BackwardData<TTile>(d, {DX}, {DY}, {ParameterAt(n, ParameterRole.Weight)}, {DimsAt(n, true)});");
                break;
            case OpKind.MaxPool2D:
                if (DX is not null) w.Line($"{Gpu}GpuPool.On(d).MaxBackward({DX}, {DY}, {X}, {DimsAt(n, true)});");
                break;
            case OpKind.AvgPool2D:
                if (DX is not null) w.Line($"{Gpu}GpuPool.On(d).AvgBackward({DX}, {DY}, {DimsAt(n, true)}, false);");
                break;
            case OpKind.GlobalAvgPool:
                if (DX is not null) w.Line($"{Gpu}GpuPool.On(d).GlobalAvgBackward({DX}, {DY}, n, {Number((long)x.H * x.W)}, {x.C});");
                break;
            case OpKind.Flatten:
                if (DX is null || SharesOutputGradient(step, 0)) w.Line("// Its input's gradient shares this storage: nothing to do.");
                else w.Line($"{Gpu}GpuElementwise.On(d).AccumulateGradient({DX}, {DY});");
                break;
            case OpKind.Softmax:
                if (DX is not null) w.Line($"{Gpu}GpuActivations.On(d).SoftmaxBackward({DX}, {DY}, {Y}, {Rows(y, true)}, {Number(y.C)});");
                break;
            case OpKind.BatchNorm:
                BatchNormBackward(w, step, DX, DY, X);
                break;
            case OpKind.Dropout:
                if (DX is null) break;
                // dX += dY x mask; in place (the gradient shares dY's storage) dY *= mask.
                string mask = DropoutMask(n);
                w.Line(SharesOutputGradient(step, 0)
                    ? $"{Gpu}GpuElementwise.On(d).Multiply({DY}, {DY}, {mask});"
                    : $"{Gpu}GpuElementwise.On(d).DropoutBackward({DX}, {DY}, {mask});");
                break;
            case OpKind.LocalResponseNorm:
                if (DX is not null)
                    w.Line($"{Gpu}GpuElementwise.On(d).LrnBackward({DX}, {DY}, {X}, {Rows(x, true)}, {Number(x.C)}, {Lrn(node)});");
                break;
            case OpKind.Scale:
            case OpKind.Shift:
                // Neither reads x or y: dX += factor x dY (scale), dX += dY (shift).
                if (DX is not null)
                    w.Line($"{Gpu}GpuElementwise.On(d).ScaleAccumulate({DX}, {DY}, {(step.Op == OpKind.Scale ? Constant(node) : Float(1f))});");
                break;
            case OpKind.Crop:
                // The cleared gradient keeps its zeros outside the window.
                if (DX is not null) w.Line($"{Gpu}GpuPool.On(d).CropBackward({DX}, {DY}, {DimsAt(n, true)});");
                break;
            case OpKind.Upsample:
                if (DX is not null)
                    w.Line($"{Gpu}GpuPool.On(d).UpsampleBackward({DX}, {DY}, {DimsAt(n, true)}, {(node.Args.Mode == UpsampleMode.Bilinear ? "true" : "false")});");
                break;
            case OpKind.Concat:
            {
                // Each input's channels of dY add into its gradient; an input listed twice gets both slices.
                int offset = 0;
                for (int i = 0; i < step.Inputs.Count; i++)
                {
                    if (InputGradient(step, i) is { } dXi)
                        w.Line($"{Gpu}GpuElementwise.On(d).ConcatBackward({dXi}, {DY}, {Rows(y, true)}, {Number(y.C)}, {Number(offset)});");
                    offset += _analysis.Layers[node.Inputs[i]].Output.C;
                }
                break;
            }
            case OpKind.Multiply:
            {
                // Each input's gradient adds dY times the other input (the gate's sums dY x x over the pixels).
                var (full, gate) = MultiplyInputs(step);
                if (gate < 0)
                {
                    if (InputGradient(step, 0) is { } dFirst) w.Line($"{Gpu}GpuElementwise.On(d).MultiplyBackwardInput({dFirst}, {DY}, {At(step.Inputs[1], true)});");
                    if (InputGradient(step, 1) is { } dSecond) w.Line($"{Gpu}GpuElementwise.On(d).MultiplyBackwardInput({dSecond}, {DY}, {At(step.Inputs[0], true)});");
                    break;
                }
                string dims = $"n, {Number(y.Elements / y.C)}, {y.C}";
                if (InputGradient(step, full) is { } dFull)
                    w.Line($"{Gpu}GpuElementwise.On(d).GateBackwardData({dFull}, {DY}, {At(step.Inputs[gate], true)}, {dims});");
                if (InputGradient(step, gate) is { } dGate)
                    w.Line($"{Gpu}GpuElementwise.On(d).GateBackwardGate({dGate}, {DY}, {At(step.Inputs[full], true)}, {dims});");
                break;
            }
            case OpKind.Add:
                for (int i = 0; i < step.Inputs.Count; i++)
                    if (InputGradient(step, i) is { } dXi) w.Line($"{Gpu}GpuElementwise.On(d).AccumulateGradient({dXi}, {DY});");
                break;
            default:
            {
                if (DX is null) break;
                var kind = OpNames.ActivationOf(node);
                string alpha = Float((float)node.Args.Alpha);
                w.Line(GpuBackend.NeedsInput(kind)
                    ? $"{Gpu}GpuActivations.On(d).BackwardWithInput({DX}, {DY}, {X}, {Y}, {Activation(kind)}, {alpha});"
                    : $"{Gpu}GpuActivations.On(d).Backward({DX}, {DY}, {Y}, {Activation(kind)}, {alpha});");
                break;
            }
        }
    }

    /// <summary>Input i's gradient slice at batch n, or null when it needs none.</summary>
    private string? InputGradient(ScheduleStep step, int i)
    {
        var place = step.InputGradients.Count > i ? step.InputGradients[i].Value : null;
        return place is { Start: >= 0 } p ? At(p, true) : null;
    }

    private bool SharesOutputGradient(ScheduleStep step, int i) =>
        step.InputGradients[i].Value is { } p && step.Output is { } o && p.Start == o.Start;

    /// <summary>Zeroes the gradients this step starts (it is their inputs' last reader), so every kernel may add into them.</summary>
    private void ClearStarted(IndentedWriter w, ScheduleStep step)
    {
        var inputs = Network.Nodes[step.Node].Inputs;
        foreach (int started in step.StartsGradientOf)
        {
            int i = inputs.AsImmutableArray().IndexOf(started);
            if (i < 0 || SharesOutputGradient(step, i) || step.InputGradients[i].Value is not { Start: >= 0 } place) continue;
            w.Line($"m.Clear({Number(place.Start)}, n * {Number(place.PerSample)}L);");
        }
    }

    /// <summary>A Conv2D or Dense with its activation fused: dY becomes the gradient at the pre-activation, in place (the saved output is f's).</summary>
    private void FusedActivationBackward(IndentedWriter w, ScheduleStep step, string dY, string y)
    {
        var kind = step.Epilogue.Activation;
        if (kind is ActivationKind.None or ActivationKind.Softmax) return;
        if (GpuBackend.NeedsInput(kind))
        {
            // The derivative from the pre-activation its forward kept.
            string pre = BufferAt(step.Node, GpuBufferKind.PreActivation, true, batch: true);
            w.Line($"{Gpu}GpuActivations.On(d).BackwardInPlaceWithInput({dY}, {pre}, {y}, {Activation(kind)}, {Alpha(Network.Nodes[step.Node])});");
            return;
        }
        w.Line($"{Gpu}GpuActivations.On(d).BackwardInPlace({dY}, {y}, {Activation(kind)}, {Alpha(Network.Nodes[step.Node])});");
    }

    /// <summary>
    /// A separable convolution's backward from the pre-activation dY: the pointwise half's weight and bias
    /// gradients (reading the saved depthwise result), then, when the depthwise weights train or the input
    /// needs a gradient, the depthwise result's gradient (cleared first: the kernels add) through the
    /// pointwise weights, and from it the depthwise weight gradient and the input's.
    /// </summary>
    private void SeparableBackward(IndentedWriter w, ScheduleStep step, string? dX, string dY, string x)
    {
        int n = step.Node;
        string pointwise = PartDims(n, ".Pointwise", true), depthwise = PartDims(n, ".Depthwise", true);
        string between = Between(n, true);
        if (GradientAt(n, ParameterRole.Pointwise) is { } dP)
            w.Line($"{Gpu}GpuConv2D.BackwardWeights<TTile>(d, {dP}, {dY}, {between}, {pointwise});");
        if (GradientAt(n, ParameterRole.Bias) is { } dB)
            w.Line($"{Gpu}GpuConv2D.BackwardBias(d, {dB}, {dY}, {pointwise});");
        var dW = GradientAt(n, ParameterRole.Weight);
        if (dW is null && dX is null) return;
        var slot = _buffers.Find(-1, GpuBufferKind.DepthwiseOutputGradient)!;
        string dBetween = BetweenGradient(n);
        w.Line($"m.Clear({Number(_trainingKernelBase + slot.TrainingOffset)}, n * {Number(BetweenFloats(n))}L);");
        w.Line($"{Gpu}GpuConv2D.BackwardData<TTile>(d, {dBetween}, {dY}, {BufferAt(n, GpuBufferKind.PointwisePackedWeights, true)}, {pointwise});");
        if (dW is not null)
            w.Line($"{Gpu}GpuConv2D.BackwardWeights<TTile>(d, {dW}, {dBetween}, {x}, {depthwise});");
        if (dX is not null)
            w.Line($"{Gpu}GpuConv2D.BackwardData<TTile>(d, {dX}, {dBetween}, {BufferAt(n, GpuBufferKind.PackedWeights, true)}, {depthwise});");
    }

    /// <summary>The training backward, or a frozen one's per-channel scale; without scale or center no gradient is written for the one it lacks (<c>default</c>).</summary>
    private void BatchNormBackward(IndentedWriter w, ScheduleStep step, string? dX, string dY, string x)
    {
        int n = step.Node;
        var node = Network.Nodes[n];
        var shape = step.OutputShape;
        string rows = Rows(shape, true), c = Number(shape.C);
        string gamma = ParameterAt(n, ParameterRole.Weight);
        if (node.Frozen)
        {
            if (dX is not null)
                w.Line($"{Gpu}GpuBatchNorm.On(d).BackwardInference({dX}, {dY}, {gamma}, {ParameterAt(n, ParameterRole.RunningVar)}, {rows}, {c}, {Float((float)node.Args.Epsilon)});");
            return;
        }
        w.Line($"{Gpu}GpuBatchNorm.On(d).Backward({dX ?? "default"}, {GradientAt(n, ParameterRole.Weight) ?? "default"}, {GradientAt(n, ParameterRole.Bias) ?? "default"}, {dY}, {x}, {gamma}, " +
               $"{BufferAt(n, GpuBufferKind.BatchNormMean, true)}, {BufferAt(n, GpuBufferKind.BatchNormInvStd, true)}, {BufferAt(-1, GpuBufferKind.BatchNormWorkspace, true)}, {rows}, {c});");
    }
}
