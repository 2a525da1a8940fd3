using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// Training members of a network whose output is a class-score vector: TrainStep (forward
/// saving activations, fused softmax cross-entropy, backward, optimizer step), ComputeGradients
/// (the same without the step), Evaluate, CopyGradient, and the batch plumbing they share.
/// </summary>
internal static class TrainingMembers
{
    public static void Write(IndentedWriter w, ExecutionLayout layout)
    {
        var a = layout.Analysis;
        var network = a.Network;
        var input = network.InputShape;
        int classes = a.OutputShape.C;
        string inputs = Number(input.Elements);
        string batch = Number(network.Batch);
        long logits = layout.ActivationOffset(layout.Logits);
        long dLogits = layout.GradientOffset(layout.Logits);
        string load = !input.IsVector && input.C > 1
            ? $"global::NetGen.Kernels.Layout.NchwToNhwc(m.Slice({Number(layout.InputBase)}, n * {inputs}), inputs, n, {input.C}, {input.H}, {input.W});"
            : $"inputs.CopyTo(m.Slice({Number(layout.InputBase)}, n * {inputs}));";
        string softmax = layout.EndsInSoftmax
            ? $"\n        global::NetGen.Kernels.Softmax.Forward(o, o, n, {classes});"
            : "";
        string parameters = LayerCode.Slice(0, layout.ParameterFloats);
        string gradients = LayerCode.Slice(layout.GradientBase, layout.TrainableFloats);
        string state = LayerCode.Slice(layout.StateBase, layout.StateFloats);
        string step = network.Optimizer == OptimizerKind.Adam
            ? $"global::NetGen.Execution.OptimizerStep.Adam({parameters}, {gradients}, {state}, s_netgenParameters, TrainingSettings, _netgenSteps, {Literal(network.Name)});"
            : $"global::NetGen.Execution.OptimizerStep.Sgd({parameters}, {gradients}, {state}, s_netgenParameters, TrainingSettings, _netgenSteps, {Literal(network.Name)});";
        string what = network.Name;

        string randomField = ExecutionMembers.HasDropout(layout)
            ? "\n\n/// <summary>The dropout masks' stream, seeded from the constructor's seed.</summary>\nprivate global::NetGen.Kernels.FastRandom _netgenRandom;"
            : "";
        string settings = network.Optimizer switch
        {
            OptimizerKind.Adam => "new(1e-3f)",
            OptimizerKind.Sgd => "new(1e-2f)",
            _ => "new(1e-2f) { Momentum = 0f }",
        };
        w.Lines($$"""

            private long _netgenSteps;{{randomField}}
            private global::NetGen.Threading.WorkerPool? _netgenPool;

            /// <summary>
            /// Runs each layer's two independent backward halves (weight and input gradients) on two workers of
            /// <paramref name="pool"/>, with the same results as on one thread; null (the default) runs everything
            /// on the calling thread. The pool stays the caller's to dispose, and must not run other work during a step.
            /// </summary>
            public void UseWorkerPool(global::NetGen.Threading.WorkerPool? pool) => _netgenPool = pool;

            /// <summary>Optimizer hyperparameters ({{network.Optimizer.ToString().ToLowerInvariant()}}, as declared); read at every step.</summary>
            public global::NetGen.Execution.TrainingSettings TrainingSettings { get; } = {{settings}};

            /// <summary>Optimizer steps taken.</summary>
            public long StepCount => _netgenSteps;

            int global::NetGen.Execution.ITrainableNetwork.MaxBatch => {{batch}};

            /// <summary>
            /// One training step on a batch of 1 to <see cref="TrainingBatch"/> samples: forward saving every
            /// activation, softmax cross-entropy against <paramref name="labels"/>, backward, and one
            /// {{network.Optimizer.ToString().ToLowerInvariant()}} update with <see cref="TrainingSettings"/>. <paramref name="inputs"/> holds
            /// labels.Length samples laid out as <see cref="Predict(global::System.ReadOnlySpan{float}, global::System.Span{float})"/> takes them.
            /// Returns the batch's mean loss (before the update) and how many samples it classified right.
            /// Needs an instance made with <see cref="global::NetGen.Execution.ExecutionMode.Training"/>. Allocates nothing.
            /// </summary>
            public global::NetGen.Execution.TrainResult TrainStep(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<int> labels)
            {
                var result = ComputeGradients(inputs, labels);
                _netgenSteps++;
                global::System.Span<float> m = _netgenMemory;
                {{step}}
                NetgenPackTraining();
                return result;
            }

            /// <summary>
            /// Forward, loss and backward on a batch without updating the parameters: afterwards
            /// <see cref="CopyGradient"/> reads the gradient of the batch's mean loss. Same arguments as <see cref="TrainStep"/>.
            /// </summary>
            public global::NetGen.Execution.TrainResult ComputeGradients(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<int> labels)
            {
                int n = NetgenLoadBatch(inputs, labels);
                NetgenForwardTraining(n, true);
                global::System.Span<float> m = _netgenMemory;
                var logits = m.Slice({{Number(logits)}}, n * {{classes}});
                float loss = global::NetGen.Kernels.SoftmaxCrossEntropy.ForwardBackward(m.Slice({{Number(dLogits)}}, n * {{classes}}), logits, labels, n, {{classes}});
                int correct = global::NetGen.Execution.Metrics.CountCorrect(logits, labels, n, {{classes}});
                {{gradients}}.Clear();
                NetgenBackward(n);
                return new global::NetGen.Execution.TrainResult(loss, correct, n);
            }

            /// <summary>
            /// Mean loss and correct count over any number of labelled samples, <see cref="TrainingBatch"/> at a time,
            /// without touching parameters or gradients. Needs a training instance. Allocates nothing.
            /// </summary>
            public global::NetGen.Execution.TrainResult Evaluate(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<int> labels)
            {
                NetgenRequireTraining();
                if (inputs.Length != (long)labels.Length * {{inputs}})
                    throw new global::System.ArgumentException($"{{what}}.Evaluate: the inputs have {inputs.Length} floats; {labels.Length} samples are {(long)labels.Length * {{inputs}}}.", nameof(inputs));
                double total = 0;
                int correct = 0;
                for (int start = 0; start < labels.Length; start += {{batch}})
                {
                    int n = global::System.Math.Min({{batch}}, labels.Length - start);
                    var batchLabels = labels.Slice(start, n);
                    NetgenLoadInputs(inputs.Slice(start * {{inputs}}, n * {{inputs}}), n);
                    NetgenForwardTraining(n, false);
                    global::System.Span<float> m = _netgenMemory;
                    var logits = m.Slice({{Number(logits)}}, n * {{classes}});
                    total += (double)global::NetGen.Kernels.SoftmaxCrossEntropy.ForwardBackward(m.Slice({{Number(dLogits)}}, n * {{classes}}), logits, batchLabels, n, {{classes}}) * n;
                    correct += global::NetGen.Execution.Metrics.CountCorrect(logits, batchLabels, n, {{classes}});
                }
                return new global::NetGen.Execution.TrainResult(labels.Length == 0 ? 0f : (float)(total / labels.Length), correct, labels.Length);
            }

            /// <summary>Copies the gradient of parameter <paramref name="name"/> from the last step into <paramref name="destination"/>, in PyTorch layout.</summary>
            public void CopyGradient(string name, global::System.Span<float> destination)
            {
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

            /// <summary>Checks a batch and copies its inputs channels-last into the inputs region; returns its size n.</summary>
            private int NetgenLoadBatch(global::System.ReadOnlySpan<float> inputs, global::System.ReadOnlySpan<int> labels)
            {
                NetgenRequireTraining();
                int n = labels.Length;
                if (n < 1 || n > {{batch}})
                    throw new global::System.ArgumentException($"{{what}}: a training batch holds 1 to {{batch}} samples (TrainingBatch); this one has {n} labels.", nameof(labels));
                if (inputs.Length != n * {{inputs}})
                    throw new global::System.ArgumentException($"{{what}}: {n} labels need {n * {{inputs}}} input floats; the inputs have {inputs.Length}.", nameof(inputs));
                NetgenLoadInputs(inputs, n);
                return n;
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
                    var o = outputs.Slice(start * {{classes}}, n * {{classes}});
                    m.Slice({{Number(logits)}}, n * {{classes}}).CopyTo(o);{{softmax}}
                }
            }
            """);
    }
}
