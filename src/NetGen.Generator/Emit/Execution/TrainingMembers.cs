using System.Collections.Generic;
using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// The training members a network whose output is a class-score vector or a (C, H, W) map of
/// per-pixel class scores implements for its base class (NetGen.Execution.CompiledTrainableNetwork,
/// which holds TrainStep, its companions, their checks and the checkpoint state once): the plan
/// figures it reads, loading the inputs, the loss (softmax cross-entropy per sample or per pixel),
/// the optimizer step, and the outputs of Predict on a training instance.
/// </summary>
internal static class TrainingMembers
{
    /// <summary>The training lines of the class's NetworkLayout initialiser.</summary>
    public static IEnumerable<string> LayoutFields(ExecutionLayout layout)
    {
        var network = layout.Network;
        var output = layout.Analysis.OutputShape;
        long pixels = output.IsVector ? 1 : (long)output.H * output.W;
        string grid = pixels == 1 ? "" : $" LabelGrid = \"{output.H}x{output.W}\",";
        yield return $"TrainingFloats = (TrainingBytes + TrainingKernelBytes) / 4, MaxBatch = {Number(network.Batch)}, LabelsPerSample = {Number(pixels)},{grid} Classes = {Number(output.C)},";
        yield return $"GradientOffset = {Number(layout.GradientBase)}, GradientFloats = {Number(layout.TrainableFloats)}, " +
                     $"OptimizerStateOffset = {Number(layout.StateBase)}, OptimizerStateFloats = {Number(layout.StateFloats)},";
        if (ExecutionMembers.HasDropout(layout)) yield return "HasDropout = true,";
    }

    /// <summary>The declared optimizer's default settings, as the base constructor takes them.</summary>
    public static string Settings(NetworkIR network) => network.Optimizer switch
    {
        OptimizerKind.Adam => "new global::NetGen.Execution.TrainingSettings(1e-3f)",
        OptimizerKind.Sgd => "new global::NetGen.Execution.TrainingSettings(1e-2f)",
        _ => "new global::NetGen.Execution.TrainingSettings(1e-2f) { Momentum = 0f }",
    };

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
        long logits = layout.ActivationOffset(layout.Logits);
        string load = !input.IsVector && input.C > 1
            ? $"global::NetGen.Kernels.Layout.NchwToNhwc(m.Slice({Number(layout.InputBase)}, n * {inputs}), inputs, n, {input.C}, {input.H}, {input.W});"
            : $"inputs.CopyTo(m.Slice({Number(layout.InputBase)}, n * {inputs}));";
        // The loss takes the logits; Predict applies the final softmax (in place, the activations are scratch there).
        string softmax = layout.EndsInSoftmax
            ? $"\n    global::NetGen.Kernels.Softmax.Forward(scores, scores, n * {Number(pixels)}, {classes});"
            : "";
        string copyOut = output.IsVector || classes == 1
            ? "scores.CopyTo(outputs);"
            : $"global::NetGen.Kernels.Layout.NhwcToNchw(outputs, scores, n, {output.C}, {output.H}, {output.W});";
        string parameters = LayerCode.Slice(0, layout.ParameterFloats);
        string gradients = LayerCode.Slice(layout.GradientBase, layout.TrainableFloats);
        string state = LayerCode.Slice(layout.StateBase, layout.StateFloats);
        string optimizer = network.Optimizer == OptimizerKind.Adam ? "Adam" : "Sgd";
        string optimizerName = network.Optimizer switch
        {
            OptimizerKind.Adam => "Adam (AdamW with DecoupledWeightDecay)",
            OptimizerKind.Sgd => "SGD with momentum",
            _ => "SGD without momentum",
        };
        int slices = TrainingPasses.Slices(layout);
        string repack = slices > 1
            ? $"global::NetGen.Execution.SampleSlices.Run(Pool, this, global::NetGen.Execution.SamplePass.Repack, {slices}, {slices});"
            : "PackTraining();";
        w.Lines($$"""

            /// <summary>Copies <paramref name="n"/> samples into the inputs region{{(input.IsVector || input.C == 1 ? "" : ", channels-last")}}.</summary>
            protected override void LoadInputs(global::System.ReadOnlySpan<float> inputs, int n)
            {
                var m = Arena;
                {{load}}
            }

            {{LossMember(layout, network.Name, classes, pixels, rowFloats)}}

            /// <summary>One {{optimizerName}} update, as PyTorch defines it, then the repack of the weights the kernels read.</summary>
            protected override void OptimizerStep(long step)
            {
                var m = Arena;
                global::NetGen.Execution.OptimizerStep.{{optimizer}}({{parameters}}, {{gradients}}, {{state}}, s_netgenParameters, TrainingSettings, step, {{Literal(network.Name)}});
                {{repack}}
            }

            /// <summary>Predict's outputs of the <paramref name="n"/> samples the training forward just ran: the logits{{(layout.EndsInSoftmax ? " through the final softmax" : "")}}.</summary>
            protected override void TrainingOutputs(global::System.Span<float> outputs, int n)
            {
                var m = Arena;
                var scores = m.Slice({{Number(logits)}}, n * {{Number(rowFloats)}});{{softmax}}
                {{copyOut}}
            }
            """);
    }

    /// <summary>
    /// Loss: softmax cross-entropy of the saved logits of n samples, returning the sums and
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
        const string signature = "protected override global::NetGen.Execution.LossTotals Loss(global::System.ReadOnlySpan<int> labels, int n, int firstSample)";
        if (slices == 1)
        {
            return $$"""
                /// <summary>Softmax cross-entropy of the saved logits of n samples: sums, and the summed loss's gradient at the logits.</summary>
                {{signature}}
                {
                    var m = Arena;
                    return {{call(Number(layout.GradientOffset(layout.Logits)), null, "n")}};
                }
                """;
        }
        return $$"""
            /// <summary>Softmax cross-entropy of the saved logits of n samples: sums, and the summed loss's gradient at the logits of each of the {{slices}} sample slices.</summary>
            {{signature}}
            {
                var m = Arena;
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
