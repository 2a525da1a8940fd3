using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// Training members of a network whose output is a class-score vector or a (C, H, W) map of
/// per-pixel class scores: TrainStep (forward saving activations, softmax cross-entropy per
/// sample or per pixel, backward, optimizer step), ComputeGradients (the same without the step),
/// AccumulateGradients and ApplyGradients (micro-batches), Evaluate, CopyGradient, and the batch
/// plumbing they share.
/// </summary>
internal static class TrainingMembers
{
    public static void Write(IndentedWriter w, ExecutionLayout layout)
    {
        var a = layout.Analysis;
        var network = a.Network;
        var input = network.InputShape;
        var output = a.OutputShape;
        int classes = output.C;
        // Labels per sample: 1 for a class-score vector, H x W for a (C, H, W) output (one per pixel).
        long pixels = output.IsVector ? 1 : (long)output.H * output.W;
        long rowFloats = pixels * classes;
        string inputs = Number(input.Elements);
        string batch = Number(network.Batch);
        long logits = layout.ActivationOffset(layout.Logits);
        string load = !input.IsVector && input.C > 1
            ? $"global::NetGen.Kernels.Layout.NchwToNhwc(m.Slice({Number(layout.InputBase)}, n * {inputs}), inputs, n, {input.C}, {input.H}, {input.W});"
            : $"inputs.CopyTo(m.Slice({Number(layout.InputBase)}, n * {inputs}));";
        // The loss takes the logits; Predict applies the final softmax (in place, the activations are scratch there).
        string softmax = layout.EndsInSoftmax
            ? $"\n        global::NetGen.Kernels.Softmax.Forward(scores, scores, n * {Number(pixels)}, {classes});"
            : "";
        string copyOut = output.IsVector || classes == 1
            ? "scores.CopyTo(o);"
            : $"global::NetGen.Kernels.Layout.NhwcToNchw(o, scores, n, {output.C}, {output.H}, {output.W});";
        string parameters = LayerCode.Slice(0, layout.ParameterFloats);
        string gradients = LayerCode.Slice(layout.GradientBase, layout.TrainableFloats);
        string state = LayerCode.Slice(layout.StateBase, layout.StateFloats);
        string step = network.Optimizer == OptimizerKind.Adam
            ? $"global::NetGen.Execution.OptimizerStep.Adam({parameters}, {gradients}, {state}, s_netgenParameters, TrainingSettings, _netgenSteps, {Literal(network.Name)});"
            : $"global::NetGen.Execution.OptimizerStep.Sgd({parameters}, {gradients}, {state}, s_netgenParameters, TrainingSettings, _netgenSteps, {Literal(network.Name)});";
        string what = network.Name;
        string loss = LossMember(layout, what, classes, pixels, rowFloats);

        string randomField = ExecutionMembers.HasDropout(layout)
            ? "\n\n/// <summary>The dropout masks' stream, seeded from the constructor's seed.</summary>\nprivate global::NetGen.Kernels.FastRandom _netgenRandom;"
            : "";
        string settings = network.Optimizer switch
        {
            OptimizerKind.Adam => "new(1e-3f)",
            OptimizerKind.Sgd => "new(1e-2f)",
            _ => "new(1e-2f) { Momentum = 0f }",
        };
        string optimizerName = network.Optimizer switch
        {
            OptimizerKind.Adam => "Adam (AdamW with DecoupledWeightDecay)",
            OptimizerKind.Sgd => "SGD with momentum",
            _ => "SGD without momentum",
        };
        string labelsText = pixels == 1
            ? "one class index per sample"
            : $"one class index per output pixel, {Number(pixels)} per sample in (H, W) order ({output.H}x{output.W}), so labels.Length = samples x {Number(pixels)}";
        string countText = pixels == 1 ? "samples" : "pixels";
        w.Lines($$"""

            private long _netgenSteps;{{randomField}}
            private int _netgenPendingBatches;
            private long _netgenPendingCount;

            /// <summary>
            /// Optimizer hyperparameters ({{optimizerName}}, the declared optimizer's updates exactly as PyTorch
            /// defines them), an optional learning-rate schedule and an ignore label; read at every step.
            /// </summary>
            public global::NetGen.Execution.TrainingSettings TrainingSettings { get; } = {{settings}};

            /// <summary>Optimizer steps taken.</summary>
            public long StepCount => _netgenSteps;

            int global::NetGen.Execution.ITrainableNetwork.MaxBatch => {{batch}};

            /// <summary>Labels per sample: {{(pixels == 1 ? "1 (a class-score vector)" : Number(pixels) + " (one per output pixel)")}}.</summary>
            public int LabelsPerSample => {{Number(pixels)}};

            /// <summary>
            /// One training step: forward saving every activation, softmax cross-entropy{{(pixels == 1 ? "" : " over the channels of every pixel")}} against
            /// <paramref name="labels"/> ({{labelsText}}), backward, and one update with
            /// <see cref="TrainingSettings"/>. <paramref name="inputs"/> holds the samples laid out as
            /// <see cref="Predict(global::System.ReadOnlySpan{float}, global::System.Span{float})"/> takes them. Any number of samples
            /// (at least one): more than <see cref="TrainingBatch"/> run as micro-batches whose gradients add up to the
            /// whole batch's (see <see cref="AccumulateGradients"/>). Returns the mean loss (before the update), the
            /// {{countText}} classified right and the {{countText}} counted (labels equal to <see cref="global::NetGen.Execution.TrainingSettings.IgnoreLabel"/> are left out).
            /// Needs an instance made with <see cref="global::NetGen.Execution.ExecutionMode.Training"/>. Allocates nothing.
            /// </summary>
            public global::NetGen.Execution.TrainResult TrainStep(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<int> labels)
            {
                {{ExecutionMembers.Guard(layout, "TrainStep")}}
                var result = ComputeGradients(inputs, labels);
                NetgenStep();
                return result;
            }

            /// <summary>
            /// Forward, loss and backward without updating the parameters: afterwards <see cref="CopyGradient"/>
            /// reads the gradient of the mean loss over every counted label. Same arguments as <see cref="TrainStep"/>.
            /// </summary>
            public global::NetGen.Execution.TrainResult ComputeGradients(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<int> labels)
            {
                {{ExecutionMembers.Guard(layout, "ComputeGradients")}}
                NetgenRequireNothingPending();
                global::System.Span<float> m = _netgenMemory;
                {{gradients}}.Clear();
                var totals = NetgenAccumulate(inputs, labels);
                NetgenAverageGradients(totals.Counted);
                return totals.ToResult();
            }

            /// <summary>
            /// Adds the gradient of <paramref name="inputs"/>' loss to the gradients accumulated since the last
            /// <see cref="ApplyGradients"/>, without updating: gradient accumulation over micro-batches of any size
            /// (larger ones run <see cref="TrainingBatch"/> at a time). <see cref="ApplyGradients"/> then takes one step
            /// with the mean over every label counted, the same step (within float rounding) as one
            /// <see cref="TrainStep"/> over all the samples. Layers that mix samples make micro-batches differ by
            /// nature: Dropout draws its masks per micro-batch, and batch normalisation would normalise
            /// each micro-batch with its own statistics. Returns this call's mean loss and counts. Allocates nothing.
            /// </summary>
            public global::NetGen.Execution.TrainResult AccumulateGradients(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<int> labels)
            {
                {{ExecutionMembers.Guard(layout, "AccumulateGradients")}}
                NetgenRequireTraining();
                global::System.Span<float> m = _netgenMemory;
                if (_netgenPendingBatches == 0) {{gradients}}.Clear();
                var totals = NetgenAccumulate(inputs, labels);
                _netgenPendingBatches++;
                _netgenPendingCount += totals.Counted;
                return totals.ToResult();
            }

            /// <summary>
            /// One update with the mean gradient of everything <see cref="AccumulateGradients"/> added since the last
            /// step (a label ignored everywhere contributes nothing); <see cref="CopyGradient"/> then reads that mean.
            /// </summary>
            /// <exception cref="global::System.InvalidOperationException">Nothing was accumulated since the last step.</exception>
            public void ApplyGradients()
            {
                {{ExecutionMembers.Guard(layout, "ApplyGradients")}}
                NetgenRequireTraining();
                if (_netgenPendingBatches == 0)
                    throw new global::System.InvalidOperationException("{{what}}.ApplyGradients: no gradients accumulated since the last step; call AccumulateGradients first.");
                long count = _netgenPendingCount;
                _netgenPendingBatches = 0;
                _netgenPendingCount = 0;
                NetgenAverageGradients(count);
                NetgenStep();
            }

            /// <summary>
            /// Mean loss and correct count over any number of labelled samples, <see cref="TrainingBatch"/> at a time,
            /// without touching parameters or gradients (accumulated gradients stay). Labels and ignore label as
            /// <see cref="TrainStep"/>{{(pixels == 1 ? "" : "; the counts are pixels (pixel accuracy = Correct / Count)")}}. Needs a training instance. Allocates nothing.
            /// </summary>
            public global::NetGen.Execution.TrainResult Evaluate(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<int> labels)
            {
                {{ExecutionMembers.Guard(layout, "Evaluate")}}
                NetgenRequireTraining();
                if (labels.Length % {{Number(pixels)}} != 0 || inputs.Length != (long)(labels.Length / {{Number(pixels)}}) * {{inputs}})
                    throw new global::System.ArgumentException($"{{what}}.Evaluate: {labels.Length} labels and {inputs.Length} input floats do not describe whole samples ({{Number(pixels)}} labels and {{inputs}} floats each).", nameof(inputs));
                int samples = labels.Length / {{Number(pixels)}};
                var totals = default(global::NetGen.Execution.LossTotals);
                for (int start = 0; start < samples; start += {{batch}})
                {
                    int n = global::System.Math.Min({{batch}}, samples - start);
                    NetgenLoadInputs(inputs.Slice(start * {{inputs}}, n * {{inputs}}), n);
                    NetgenForwardTraining(n, false);
                    totals += NetgenLoss(labels.Slice(start * {{Number(pixels)}}, n * {{Number(pixels)}}), n, start);
                }
                return totals.ToResult();
            }

            /// <summary>Copies the gradient of parameter <paramref name="name"/> (of the last ComputeGradients, TrainStep or ApplyGradients) into <paramref name="destination"/>, in PyTorch layout.</summary>
            public void CopyGradient(string name, global::System.Span<float> destination)
            {
                {{ExecutionMembers.Guard(layout, "CopyGradient")}}
                NetgenRequireTraining();
                var tensor = global::NetGen.Execution.ParameterStore.Find(s_netgenParameters, name);
                if (!tensor.Trainable)
                    throw new global::System.InvalidOperationException($"{{what}}: {name} is frozen and has no gradient.");
                global::NetGen.Execution.ParameterStore.CopyOut(destination, global::System.MemoryExtensions.AsSpan(_netgenMemory, {{Number(layout.GradientBase)}}), tensor.GradientOffset, tensor);
            }

            private void NetgenRequireTraining()
            {
                if (_netgenMode != global::NetGen.Execution.ExecutionMode.Training)
                    throw new global::System.InvalidOperationException("{{what}} was made for inference; make it with ExecutionMode.Training to train.");
            }

            private void NetgenRequireNothingPending()
            {
                NetgenRequireTraining();
                if (_netgenPendingBatches != 0)
                    throw new global::System.InvalidOperationException("{{what}}: gradients from AccumulateGradients wait for ApplyGradients; TrainStep and ComputeGradients would discard them.");
            }

            /// <summary>Forward, loss and backward over every sample, a training batch at a time, adding the summed loss's gradient to the gradient block.</summary>
            private global::NetGen.Execution.LossTotals NetgenAccumulate(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<int> labels)
            {
                if (labels.Length == 0 || labels.Length % {{Number(pixels)}} != 0)
                    throw new global::System.ArgumentException($"{{what}}: training needs {{labelsText}}, for at least one sample; there are {labels.Length} labels.", nameof(labels));
                int samples = labels.Length / {{Number(pixels)}};
                if (inputs.Length != (long)samples * {{inputs}})
                    throw new global::System.ArgumentException($"{{what}}: {samples} samples' labels need {(long)samples * {{inputs}}} input floats; the inputs have {inputs.Length}.", nameof(inputs));
                global::NetGen.Execution.SoftmaxLoss.CheckLabels(labels, {{classes}}, TrainingSettings.IgnoreLabel, "{{what}}");
                var totals = default(global::NetGen.Execution.LossTotals);
                for (int start = 0; start < samples; start += {{batch}})
                {
                    int n = global::System.Math.Min({{batch}}, samples - start);
                    NetgenLoadInputs(inputs.Slice(start * {{inputs}}, n * {{inputs}}), n);
                    NetgenForwardTraining(n, true);
                    totals += NetgenLoss(labels.Slice(start * {{Number(pixels)}}, n * {{Number(pixels)}}), n, start);
                    NetgenBackward(n);
                }
                return totals;
            }

            {{loss}}

            /// <summary>The summed gradient over <paramref name="count"/> labels divided into the mean's.</summary>
            private void NetgenAverageGradients(long count)
            {
                global::System.Span<float> m = _netgenMemory;
                if (count > 1) global::NetGen.Execution.ExecutionOps.Scale({{gradients}}, (float)(1.0 / count));
            }

            private void NetgenStep()
            {
                _netgenSteps++;
                global::System.Span<float> m = _netgenMemory;
                {{step}}
                {{(TrainingPasses.Slices(layout) > 1 ? $"global::NetGen.Execution.SampleSlices.Run(_netgenPool, this, global::NetGen.Execution.SamplePass.Repack, {TrainingPasses.Slices(layout)}, {TrainingPasses.Slices(layout)});" : "NetgenPackTraining();")}}
            }

            private void NetgenLoadInputs(global::System.ReadOnlySpan<float> inputs, int n)
            {
                global::System.Span<float> m = _netgenMemory;
                {{load}}
            }

            /// <summary>Predict on a training instance: up to a training batch at a time through the training forward.</summary>
            private void NetgenPredictTraining(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs, int count)
            {
                for (int start = 0; start < count; start += {{batch}})
                {
                    int n = global::System.Math.Min({{batch}}, count - start);
                    NetgenLoadInputs(inputs.Slice(start * {{inputs}}, n * {{inputs}}), n);
                    NetgenForwardTraining(n, false);
                    global::System.Span<float> m = _netgenMemory;
                    var o = outputs.Slice(start * {{Number(rowFloats)}}, n * {{Number(rowFloats)}});
                    var scores = m.Slice({{Number(logits)}}, n * {{Number(rowFloats)}});{{softmax}}
                    {{copyOut}}
                }
            }
            """);
    }

    /// <summary>
    /// NetgenLoss: softmax cross-entropy of the saved logits of n samples, returning the sums and
    /// writing the summed loss's gradient at the logits where the backward reads it: the batch's
    /// place, or with sample slices each slice's own share of the gradient region, slice by slice.
    /// </summary>
    private static string LossMember(ExecutionLayout layout, string what, int classes, long pixels, long rowFloats)
    {
        long logits = layout.ActivationOffset(layout.Logits);
        string rows = Number(rowFloats);
        // The whole batch (first = null) or samples [first, first + count) of it.
        string call(string dLogits, string? first, string count) => first is null
            ? $"global::NetGen.Execution.SoftmaxLoss.SumForwardBackward(m.Slice({dLogits}, {count} * {rows}), m.Slice({Number(logits)}, {count} * {rows}),\n" +
              $"        labels, {classes}, TrainingSettings.IgnoreLabel, \"{what}\", (long)firstSample * {Number(pixels)})"
            : $"global::NetGen.Execution.SoftmaxLoss.SumForwardBackward(m.Slice({dLogits}, {count} * {rows}), m.Slice({Number(logits)} + {first} * {rows}, {count} * {rows}),\n" +
              $"            labels.Slice({first} * {Number(pixels)}, {count} * {Number(pixels)}), {classes}, TrainingSettings.IgnoreLabel, \"{what}\", (long)(firstSample + {first}) * {Number(pixels)})";
        int slices = TrainingPasses.Slices(layout);
        if (slices == 1)
        {
            return $$"""
                /// <summary>Softmax cross-entropy of the saved logits of n samples: sums, and the summed loss's gradient at the logits.</summary>
                private global::NetGen.Execution.LossTotals NetgenLoss(global::System.ReadOnlySpan<int> labels, int n, int firstSample)
                {
                    global::System.Span<float> m = _netgenMemory;
                    return {{call(Number(layout.GradientOffset(layout.Logits)), null, "n")}};
                }
                """;
        }
        return $$"""
            /// <summary>Softmax cross-entropy of the saved logits of n samples: sums, and the summed loss's gradient at the logits of each of the {{slices}} sample slices.</summary>
            private global::NetGen.Execution.LossTotals NetgenLoss(global::System.ReadOnlySpan<int> labels, int n, int firstSample)
            {
                global::System.Span<float> m = _netgenMemory;
                var totals = default(global::NetGen.Execution.LossTotals);
                for (int slice = 0; slice < {{slices}}; slice++)
                {
                    int s = slice * n / {{slices}};
                    int count = (slice + 1) * n / {{slices}} - s;
                    if (count == 0) continue;
                    totals += {{call(LayerCode.SliceGradientStart(layout, layout.Logits, "s", "count"), "s", "count")}};
                }
                return totals;
            }
            """;
    }
}
