using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>The two Predict methods: one sample, and a batch (one sample at a time, or a training batch at a time).</summary>
internal static class PredictMembers
{
    public static void Write(IndentedWriter w, ExecutionLayout layout)
    {
        var a = layout.Analysis;
        var input = a.Network.InputShape;
        var output = a.OutputShape;
        string inputs = Number(input.Elements), outputs = Number(output.Elements);
        bool transposeIn = !input.IsVector && input.C > 1;
        bool transposeOut = !output.IsVector && output.C > 1;
        string layoutNote = transposeIn
            ? "The kernels work channels-last: the input is first transposed into a buffer of the kernel region."
            : "With one channel, channels-first and channels-last are the same order: the kernels read the input where it is.";

        w.Lines($$"""

            /// <summary>
            /// Runs one sample. <paramref name="input"/>: {{input}} as PyTorch orders it (channels, then rows,
            /// then columns), {{inputs}} floats. <paramref name="output"/>: {{output}}, {{outputs}} floats{{(transposeOut ? ", channels first" : "")}}.
            /// {{layoutNote}} Allocates nothing. An instance is not thread-safe: use one per thread.
            /// </summary>
            public void Predict(global::System.ReadOnlySpan<float> input, global::System.Span<float> output)
            {
                if (input.Length != {{inputs}})
                    throw new global::System.ArgumentException($"{{a.Network.Name}}.Predict: the input has {input.Length} floats; one sample {{input}} is {{inputs}}.", nameof(input));
                if (output.Length != {{outputs}})
                    throw new global::System.ArgumentException($"{{a.Network.Name}}.Predict: the output has {output.Length} floats; one sample {{output}} is {{outputs}}.", nameof(output));
            """);
        w.Lines(layout.CanTrain
            ? """
                  if (_netgenMode == global::NetGen.Execution.ExecutionMode.Training)
                  {
                      NetgenPredictTraining(input, output, 1);
                      return;
                  }
              """
            : """
                  if (_netgenMode == global::NetGen.Execution.ExecutionMode.Training)
                      throw new global::System.InvalidOperationException();
              """);
        w.Line("    global::System.Span<float> m = _netgenMemory;");
        if (transposeIn)
        {
            long buffer = layout.KernelOffset(-1, KernelBufferKind.InputTranspose, training: false);
            w.Line($"    global::NetGen.Kernels.Layout.NchwToNhwc({LayerCode.Slice(buffer, input.Elements)}, input, 1, {input.C}, {input.H}, {input.W});");
            w.Line($"    NetgenForwardInference({LayerCode.Slice(buffer, input.Elements)});");
        }
        else
        {
            w.Line("    NetgenForwardInference(input);");
        }
        long result = layout.InferenceOffset(a.Network.Output);
        string source = result < 0 ? "input" : LayerCode.Slice(result, output.Elements);
        if (transposeOut)
            w.Line($"    global::NetGen.Kernels.Layout.NhwcToNchw(output, {source}, 1, {output.C}, {output.H}, {output.W});");
        else
            w.Line($"    {source}.CopyTo(output);");
        w.Line("}");

        string batchPath = layout.CanTrain
            ? """
                  if (_netgenMode == global::NetGen.Execution.ExecutionMode.Training)
                  {
                      NetgenPredictTraining(inputs, outputs, count);
                      return;
                  }
              """
            : "";
        w.Lines($$"""

            /// <summary>
            /// Runs <paramref name="count"/> samples back to back: <paramref name="inputs"/> holds count x {{inputs}}
            /// floats, <paramref name="outputs"/> count x {{outputs}}, each sample laid out as <see cref="Predict(global::System.ReadOnlySpan{float}, global::System.Span{float})"/>
            /// takes it. An inference instance runs them one at a time on the calling thread; a training
            /// instance runs up to <see cref="TrainingBatch"/> at a time. Allocates nothing.
            /// </summary>
            public void Predict(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs, int count)
            {
                if (count < 0)
                    throw new global::System.ArgumentOutOfRangeException(nameof(count), count, "The sample count cannot be negative.");
                if (inputs.Length != (long)count * {{inputs}})
                    throw new global::System.ArgumentException($"{{a.Network.Name}}.Predict: the inputs have {inputs.Length} floats; {count} samples {{input}} are {(long)count * {{inputs}}}.", nameof(inputs));
                if (outputs.Length != (long)count * {{outputs}})
                    throw new global::System.ArgumentException($"{{a.Network.Name}}.Predict: the outputs have {outputs.Length} floats; {count} samples {{output}} are {(long)count * {{outputs}}}.", nameof(outputs));
            {{batchPath}}
                for (int i = 0; i < count; i++)
                {
                    Predict(inputs.Slice(i * {{inputs}}, {{inputs}}), outputs.Slice(i * {{outputs}}, {{outputs}}));
                }
            }
            """);
    }
}
