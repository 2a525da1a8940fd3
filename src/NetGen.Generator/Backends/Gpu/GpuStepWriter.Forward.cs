using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Backends.Gpu;

/// <summary>The forward steps: inference at batch 1 (a folded batch norm runs after its convolution) and training at batch n.</summary>
internal sealed partial class GpuStepWriter
{
    private void Forward(IndentedWriter w, ScheduleStep step)
    {
        int n = step.Node;
        bool training = step.Training;
        var node = Network.Nodes[n];
        var x = step.InputShape;
        var y = step.OutputShape;
        w.Line($"// {node.Name}: {SummaryWriter.KindText(node)} {x} -> {y}");
        if (step.Kind == StepKind.FusedAway)
        {
            w.Line($"// Done by {Network.Nodes[step.Epilogue.FusedInto].Name}'s step.");
            return;
        }
        if (step.Op == OpKind.Input) return;
        string Y = At(step.Output!.Value, training);
        string X = At(step.Inputs[0], training);
        bool final = n == Network.Output;
        switch (step.Op)
        {
            case OpKind.Conv2D:
            case OpKind.DepthwiseConv2D:
            {
                var activation = step.Epilogue.Activation;
                bool folded = step.Epilogue.FoldedBatchNorm >= 0;
                var stored = folded ? ActivationKind.None : InStore(activation);
                string store = Store(step, Y);
                w.Line($"{Gpu}GpuConv2D.Forward<TTile>(d, {store}, {X}, {BufferAt(n, GpuBufferKind.PackedWeights, training)}, {ParameterAt(n, ParameterRole.Bias)}, default, " +
                       $"{DimsAt(n, training)}, {Activation(stored)}, {Alpha(node)});");
                ActivateAfter(w, step, store, Y);
                if (folded) FoldedBatchNorm(w, step);
                else if (activation == ActivationKind.Softmax && (!training || !final)) Softmax(w, Y, Y, Rows(y, training), y.C);
                break;
            }
            case OpKind.Conv2DTranspose:
            {
                var activation = step.Epilogue.Activation;
                string store = Store(step, Y);
                w.Line($"{Gpu}GpuConv2DTranspose.Forward<TTile>(d, {store}, {X}, {BufferAt(n, GpuBufferKind.PackedWeights, training)}, {ParameterAt(n, ParameterRole.Bias)}, default, " +
                       $"{DimsAt(n, training)}, {Activation(InStore(activation))}, {Alpha(node)});");
                ActivateAfter(w, step, store, Y);
                if (activation == ActivationKind.Softmax && (!training || !final)) Softmax(w, Y, Y, Rows(y, training), y.C);
                break;
            }
            case OpKind.SeparableConv2D:
            {
                // The depthwise half into the buffer between them (saved in training), then the pointwise 1x1 with the bias and activation.
                var activation = step.Epilogue.Activation;
                string between = Between(n, training);
                w.Line($"{Gpu}GpuConv2D.Forward<TTile>(d, {between}, {X}, {BufferAt(n, GpuBufferKind.PackedWeights, training)}, default, default, " +
                       $"{PartDims(n, ".Depthwise", training)});");
                string store = Store(step, Y);
                w.Line($"{Gpu}GpuConv2D.Forward<TTile>(d, {store}, {between}, {BufferAt(n, GpuBufferKind.PointwisePackedWeights, training)}, {ParameterAt(n, ParameterRole.Bias)}, default, " +
                       $"{PartDims(n, ".Pointwise", training)}, {Activation(InStore(activation))}, {Alpha(node)});");
                ActivateAfter(w, step, store, Y);
                if (activation == ActivationKind.Softmax && (!training || !final)) Softmax(w, Y, Y, Rows(y, training), y.C);
                break;
            }
            case OpKind.Clip:
                w.Line($"{Gpu}GpuActivations.On(d).ClipForward({Y}, {X}, {ClipBounds(node)});");
                break;
            case OpKind.Dense:
            {
                var activation = step.Epilogue.Activation;
                string store = Store(step, Y);
                w.Line($"{Gpu}GpuDense.Forward<TTile>(d, {store}, {X}, {ParameterAt(n, ParameterRole.Weight)}, {ParameterAt(n, ParameterRole.Bias)}, " +
                       $"{DimsAt(n, training)}, {Activation(InStore(activation))}, {Alpha(node)});");
                ActivateAfter(w, step, store, Y);
                if (activation == ActivationKind.Softmax)
                {
                    if (training && final) w.Line("// The fused softmax is part of the loss (and applied to Predict's output).");
                    else Softmax(w, Y, Y, training ? "n" : "1", y.C);
                }
                break;
            }
            case OpKind.MaxPool2D:
                w.Line($"{Gpu}GpuPool.On(d).MaxForward({Y}, {X}, {DimsAt(n, training)});");
                break;
            case OpKind.AvgPool2D:
                // Padding taps do not count in the divisor (Keras, ONNX), as on the CPU.
                w.Line($"{Gpu}GpuPool.On(d).AvgForward({Y}, {X}, {DimsAt(n, training)}, false);");
                break;
            case OpKind.GlobalAvgPool:
                w.Line($"{Gpu}GpuPool.On(d).GlobalAvgForward({Y}, {X}, {(training ? "n" : "1")}, {Number((long)x.H * x.W)}, {x.C});");
                break;
            case OpKind.Flatten:
                w.Line("// A view of its input: nothing to compute (channels-last order, see the weight table).");
                break;
            case OpKind.Softmax:
                if (training && final) w.Line("// The final softmax is fused into the loss (and applied to Predict's output).");
                else Softmax(w, Y, X, Rows(y, training), y.C);
                break;
            case OpKind.BatchNorm:
                BatchNormForward(w, step, X, Y);
                break;
            case OpKind.Add:
            {
                string first = step.Epilogue.FusedReLU >= 0 ? "AddReLU" : "Add";
                w.Line($"{Gpu}GpuElementwise.On(d).{first}({Y}, {X}, {At(step.Inputs[1], training)});");
                for (int i = 2; i < step.Inputs.Count; i++)
                    w.Line($"{Gpu}GpuElementwise.On(d).Add({Y}, {Y}, {At(step.Inputs[i], training)});");
                break;
            }
            case OpKind.Dropout:
                DropoutForward(w, step, X, Y);
                break;
            case OpKind.LocalResponseNorm:
                w.Line($"{Gpu}GpuElementwise.On(d).LrnForward({Y}, {X}, {Rows(x, training)}, {Number(x.C)}, {Lrn(node)});");
                break;
            case OpKind.Scale:
                w.Line($"{Gpu}GpuElementwise.On(d).Scale({Y}, {X}, {Constant(node)});");
                break;
            case OpKind.Shift:
                w.Line($"{Gpu}GpuElementwise.On(d).Shift({Y}, {X}, {Constant(node)});");
                break;
            case OpKind.Crop:
                w.Line($"{Gpu}GpuPool.On(d).CropForward({Y}, {X}, {DimsAt(n, training)});");
                break;
            case OpKind.Upsample:
                w.Line($"{Gpu}GpuPool.On(d).UpsampleForward({Y}, {X}, {DimsAt(n, training)}, {(node.Args.Mode == UpsampleMode.Bilinear ? "true" : "false")});");
                break;
            case OpKind.Concat:
            {
                // One copy per input into its channels of the output (channels-last rows).
                int offset = 0;
                for (int i = 0; i < step.Inputs.Count; i++)
                {
                    w.Line($"{Gpu}GpuElementwise.On(d).ConcatForward({Y}, {At(step.Inputs[i], training)}, {Rows(y, training)}, {Number(y.C)}, {Number(offset)});");
                    offset += _analysis.Layers[node.Inputs[i]].Output.C;
                }
                break;
            }
            case OpKind.Multiply:
            {
                var (full, gate) = MultiplyInputs(step);
                string rowsOf = training ? "n" : "1";
                w.Line(gate < 0
                    ? $"{Gpu}GpuElementwise.On(d).Multiply({Y}, {X}, {At(step.Inputs[1], training)});"
                    : $"{Gpu}GpuElementwise.On(d).Gate({Y}, {At(step.Inputs[full], training)}, {At(step.Inputs[gate], training)}, {rowsOf}, {Number(y.Elements / y.C)}, {y.C});");
                break;
            }
            default:
                w.Line($"{Gpu}GpuActivations.On(d).Forward({Y}, {X}, {Activation(OpNames.ActivationOf(node))}, {Float((float)node.Args.Alpha)});");
                break;
        }
    }

    /// <summary>The activation a GEMM epilogue stores: none for softmax (a row op) and for those whose backward reads the input (applied after the store).</summary>
    private static ActivationKind InStore(ActivationKind kind) => kind == ActivationKind.Softmax || GpuBackend.NeedsInput(kind) ? ActivationKind.None : kind;

    /// <summary>Where a layer's GEMM stores: in training its pre-activation buffer when its fused activation's backward reads the input, else y.</summary>
    private string Store(ScheduleStep step, string y) =>
        step.Training && GpuBackend.NeedsInput(step.Epilogue.Activation) ? BufferAt(step.Node, GpuBufferKind.PreActivation, true, batch: true) : y;

    /// <summary>A fused activation whose backward reads its input, applied after the store: y = f(pre) (in place at inference).</summary>
    private void ActivateAfter(IndentedWriter w, ScheduleStep step, string store, string y)
    {
        var kind = step.Epilogue.Activation;
        if (!GpuBackend.NeedsInput(kind)) return;
        w.Line($"{Gpu}GpuActivations.On(d).Forward({y}, {store}, {Activation(kind)}, {Alpha(Network.Nodes[step.Node])});");
    }

    private static void Softmax(IndentedWriter w, string y, string x, string rows, int features) =>
        w.Line($"{Gpu}GpuActivations.On(d).SoftmaxForward({y}, {x}, {rows}, {Number(features)});");

    /// <summary>
    /// Inference: the batch norm folded into this convolution on the CPU runs here on the convolution's output
    /// with the running statistics, then the ReLU fused after it (the GPU keeps the weights unfolded).
    /// </summary>
    private void FoldedBatchNorm(IndentedWriter w, ScheduleStep step)
    {
        int bn = step.Epilogue.FoldedBatchNorm;
        var places = _analysis.Schedule.Places;
        string y = At(step.Output!.Value, false);
        string z = At(places[bn].Inference!.Value, false);
        var shape = step.OutputShape;
        w.Line($"// {Network.Nodes[bn].Name}: BatchNorm with the running statistics" + (step.Epilogue.FusedReLU >= 0 ? ", then the ReLU after it" : ""));
        w.Line($"{Gpu}GpuBatchNorm.On(d).ForwardInference({z}, {y}, {ParameterAt(bn, ParameterRole.Weight)}, {ParameterAt(bn, ParameterRole.Bias)}, " +
               $"{ParameterAt(bn, ParameterRole.RunningMean)}, {ParameterAt(bn, ParameterRole.RunningVar)}, {Rows(shape, false)}, {Number(shape.C)}, {Float((float)Network.Nodes[bn].Args.Epsilon)});");
        if (step.Epilogue.FusedReLU is var relu and >= 0)
        {
            string r = At(places[relu].Inference!.Value, false);
            w.Line($"{Gpu}GpuActivations.On(d).Forward({r}, {z}, global::NetGen.Activation.ReLU, 0f);");
        }
    }

    /// <summary>
    /// Batch statistics when the forward trains (saving the mean and 1/std, moving the running statistics), else the running ones.
    /// A batch norm without scale or center passes <c>default</c> (an empty view: a gamma of 1, a beta of 0) for the one it lacks.
    /// </summary>
    private void BatchNormForward(IndentedWriter w, ScheduleStep step, string x, string y)
    {
        int n = step.Node;
        var node = Network.Nodes[n];
        var shape = step.OutputShape;
        bool training = step.Training;
        string rows = Rows(shape, training), c = Number(shape.C), eps = Float((float)node.Args.Epsilon);
        string gamma = ParameterAt(n, ParameterRole.Weight), beta = ParameterAt(n, ParameterRole.Bias);
        string mean = ParameterAt(n, ParameterRole.RunningMean), variance = ParameterAt(n, ParameterRole.RunningVar);
        string inference = $"{Gpu}GpuBatchNorm.On(d).ForwardInference({y}, {x}, {gamma}, {beta}, {mean}, {variance}, {rows}, {c}, {eps});";
        if (!training || node.Frozen)
        {
            w.Line(inference);
            return;
        }
        w.Line($"if (train) {Gpu}GpuBatchNorm.On(d).ForwardTraining({y}, {BufferAt(n, GpuBufferKind.BatchNormMean, true)}, {BufferAt(n, GpuBufferKind.BatchNormInvStd, true)}, " +
               $"{mean}, {variance}, {x}, {gamma}, {beta}, {BufferAt(-1, GpuBufferKind.BatchNormWorkspace, true)}, {rows}, {c}, {eps}, {Float((float)node.Args.Momentum)});");
        w.Line("else " + inference);
    }

    /// <summary>
    /// A Dropout: the identity at inference (a view of its input); in training, masks from the step's seed
    /// (GpuTrainableNetwork.DropoutSeed, drawn as the CPU draws its own) and this layer's own range of streams,
    /// node x batch x StreamsPerSample, so two dropouts never share a stream. In evaluation it passes its input
    /// through (a rate-0 draw where the output does not share the input's storage).
    /// </summary>
    private void DropoutForward(IndentedWriter w, ScheduleStep step, string x, string y)
    {
        if (!step.Training)
        {
            w.Line("// The identity at inference: a view of its input.");
            return;
        }
        int n = step.Node;
        string mask = DropoutMask(n);
        long firstStream = (long)n * Network.Batch * global::NetGen.Generator.Backends.Gpu.GpuBuffers.StreamsPerSample;
        string rate = Float((float)Network.Nodes[n].Args.Rate);
        bool inPlace = step.Output!.Value.Start == step.Inputs[0].Start && !step.Inputs[0].IsCallerInput;
        w.Line($"if (train) {Gpu}GpuElementwise.On(d).DropoutForward({y}, {mask}, {x}, {rate}, DropoutSeed, {Number(firstStream)}UL, n);");
        w.Line(inPlace
            ? "// Evaluation: its output is its input's storage, nothing to do."
            : $"else {Gpu}GpuElementwise.On(d).DropoutForward({y}, {mask}, {x}, 0f, 0UL, 0UL, n);");
    }
}
