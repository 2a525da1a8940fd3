using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// The two Predict methods: one sample, and a batch (one sample at a time, split over a worker
/// pool's threads, or a training batch at a time), and the worker pool with its per-worker memory.
/// </summary>
internal static class PredictMembers
{
    private const string RoSpan = "global::System.ReadOnlySpan<float>";
    private const string Span = "global::System.Span<float>";

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
            /// {{layoutNote}} Allocates nothing. One call at a time per instance: a call while another thread is
            /// inside one throws an <see cref="global::System.InvalidOperationException"/>.
            /// </summary>
            public void Predict(global::System.ReadOnlySpan<float> input, global::System.Span<float> output)
            {
                {{ExecutionMembers.Guard(layout, "Predict")}}
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
        w.Line("    NetgenPredictOne(input, output, _netgenMemory, _netgenBands);");
        w.Line("}");
        w.Line();
        w.Line("/// <summary>One sample on <paramref name=\"memory\"/> (the instance's, or a worker's copy of it); <paramref name=\"bands\"/> splits large layers over the pool.</summary>");
        w.Open($"private void NetgenPredictOne({RoSpan} input, {Span} output, float[] memory, {BandMembers.Type}? bands)");
        w.Line($"{Span} m = memory;");
        if (transposeIn)
        {
            long buffer = layout.KernelOffset(-1, KernelBufferKind.InputTranspose, training: false);
            w.Line($"{BandMembers.Type}.NchwToNhwc(bands, {LayerCode.Slice(buffer, input.Elements)}, input, {input.C}, {input.H}, {input.W});");
            w.Line($"NetgenForwardInference({LayerCode.Slice(buffer, input.Elements)}, m, bands);");
        }
        else
        {
            w.Line("NetgenForwardInference(input, m, bands);");
        }
        long result = layout.InferenceOffset(a.Network.Output);
        string source = result < 0 ? "input" : LayerCode.Slice(result, output.Elements);
        if (transposeOut)
            w.Line($"global::NetGen.Kernels.Layout.NhwcToNchw(output, {source}, 1, {output.C}, {output.H}, {output.W});");
        else
            w.Line($"{source}.CopyTo(output);");
        w.Close();

        string batchPath = layout.CanTrain
            ? """
                  if (_netgenMode == global::NetGen.Execution.ExecutionMode.Training)
                  {
                      NetgenPredictTraining(inputs, outputs, count);
                      return;
                  }
              """
            : "";
        string name = a.Network.Name;
        string workerBytes = Number(layout.InferenceFloats * 4);
        string backwardNote = layout.CanTrain
            ? " On a training instance, the training forward and backward run on the workers (fixed sample slices, or each layer's two backward halves), with the same results as on one thread."
            : "";
        w.Lines($$"""

            /// <summary>
            /// Bytes each worker beyond the first holds for batched Predict on an inference instance given a pool by
            /// <see cref="UseWorkerPool"/>: its own copy of the instance's memory (<see cref="InferenceBytes"/> +
            /// <see cref="InferenceKernelBytes"/>: parameters, packed weights, activation arena and kernel scratch), so
            /// every worker runs the batch-1 code on its own arena; a single sample's split convolutions use its scratch.
            /// A pool of W workers adds (W - 1) x this, once.
            /// </summary>
            public const long WorkerInferenceBytes = {{workerBytes}};

            private global::NetGen.Threading.WorkerPool? _netgenPool;
            private float[][]? _netgenWorkerMemory;
            {{BandMembers.Field}}

            /// <summary>
            /// Runs work on <paramref name="pool"/>'s workers; null (the default) runs everything on the calling thread.
            /// On an inference instance, batched <see cref="Predict(global::System.ReadOnlySpan{float}, global::System.Span{float}, int)"/> then
            /// runs the batch-1 code per sample, a contiguous slice of the samples per worker, each worker on its own
            /// memory: this call allocates (pool.Workers - 1) x <see cref="WorkerInferenceBytes"/> once (and frees them
            /// when given null or a one-worker pool), and the outputs are bit-identical to sequential ones. A single sample
            /// (Predict of one, or a batch of one) then runs each large convolution by bands of output rows, one band per
            /// worker (<see cref="global::NetGen.Execution.LayerBands"/>), with the same outputs bit for bit.{{backwardNote}}
            /// The pool stays the caller's to dispose. Thread-safety: an instance still serves one call at a time (another
            /// thread's call throws), and the pool must not run other work during its calls (a pool is not re-entrant).
            /// </summary>
            public void UseWorkerPool(global::NetGen.Threading.WorkerPool? pool)
            {
                {{ExecutionMembers.Guard(layout, "UseWorkerPool")}}
                _netgenPool = pool;
                int extra = pool is null || _netgenMode != global::NetGen.Execution.ExecutionMode.Inference ? 0 : pool.Workers - 1;
                if (extra == 0)
                {
                    _netgenWorkerMemory = null;
                    _netgenBands = null;
                    return;
                }
                if (_netgenWorkerMemory is null || _netgenWorkerMemory.Length != extra + 1)
                {
                    var memory = new float[extra + 1][];
                    memory[0] = _netgenMemory;
                    for (int i = 1; i <= extra; i++)
                        memory[i] = global::NetGen.Execution.ExecutionMemory.Allocate(WorkerInferenceBytes, {{Literal(name)}}, global::NetGen.Execution.ExecutionMode.Inference);
                    _netgenWorkerMemory = memory;
                }
                {{BandMembers.Create(layout, "pool!", "_netgenWorkerMemory")}}
                NetgenSyncWorkers();
            }

            /// <summary>Bytes the workers' copies hold: (pool.Workers - 1) x <see cref="WorkerInferenceBytes"/> on an inference instance given a pool, else 0.</summary>
            public long WorkerAllocatedBytes => _netgenWorkerMemory is null ? 0 : (_netgenWorkerMemory.Length - 1) * WorkerInferenceBytes;

            /// <summary>Copies the instance's parameters and packed weights to every worker's memory (after a change to them).</summary>
            private void NetgenSyncWorkers()
            {
                if (_netgenWorkerMemory is not { } workers) return;
                for (int i = 1; i < workers.Length; i++)
                    global::System.Array.Copy(_netgenMemory, workers[i], _netgenMemory.Length);
            }

            // Runs on a pool worker inside the caller's Predict, which holds the guard: it does not enter it.
            void global::NetGen.Execution.IWorkerPredictor.PredictOnWorker(int worker, {{RoSpan}} input, {{Span}} output) =>
                NetgenPredictOne(input, output, (_netgenWorkerMemory ?? throw new global::System.InvalidOperationException("{{name}} has no worker memory: give UseWorkerPool a pool of several workers first."))[worker], null);

            /// <summary>
            /// Runs <paramref name="count"/> samples: <paramref name="inputs"/> holds count x {{inputs}}
            /// floats, <paramref name="outputs"/> count x {{outputs}}, each sample laid out as <see cref="Predict(global::System.ReadOnlySpan{float}, global::System.Span{float})"/>
            /// takes it. An inference instance runs them one at a time, on the calling thread, or split over the workers of
            /// the pool given to <see cref="UseWorkerPool"/> (same outputs, bit for bit); a training
            /// instance runs up to <see cref="TrainingBatch"/> at a time. Allocates nothing. One call at a time per instance:
            /// a call while another thread is inside one throws an <see cref="global::System.InvalidOperationException"/>.
            /// </summary>
            public void Predict(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs, int count)
            {
                {{ExecutionMembers.Guard(layout, "Predict")}}
                if (count < 0)
                    throw new global::System.ArgumentOutOfRangeException(nameof(count), count, "The sample count cannot be negative.");
                if (inputs.Length != (long)count * {{inputs}})
                    throw new global::System.ArgumentException($"{{name}}.Predict: the inputs have {inputs.Length} floats; {count} samples {{input}} are {(long)count * {{inputs}}}.", nameof(inputs));
                if (outputs.Length != (long)count * {{outputs}})
                    throw new global::System.ArgumentException($"{{name}}.Predict: the outputs have {outputs.Length} floats; {count} samples {{output}} are {(long)count * {{outputs}}}.", nameof(outputs));
            {{batchPath}}
                if (_netgenWorkerMemory is not null && count > 1)
                {
                    global::NetGen.Execution.ParallelPredict.Run(_netgenPool!, this, inputs, outputs, count, {{inputs}}, {{outputs}});
                    return;
                }
                for (int i = 0; i < count; i++)
                {
                    NetgenPredictOne(inputs.Slice(i * {{inputs}}, {{inputs}}), outputs.Slice(i * {{outputs}}, {{outputs}}), _netgenMemory, _netgenBands);
                }
            }
            """);
    }
}
