using System;
using NetGen.Threading;

namespace NetGen.Execution;

/// <summary>
/// What a generated network exposes so that <see cref="ParallelPredict"/> can run its batch-1
/// code on a pool's workers: one sample on the memory of worker <c>worker</c>. Generated code
/// implements it explicitly; call <c>Predict(inputs, outputs, count)</c> instead.
/// </summary>
public interface IWorkerPredictor
{
    /// <summary>One sample through the network on worker <paramref name="worker"/>'s own memory (no checks).</summary>
    void PredictOnWorker(int worker, ReadOnlySpan<float> input, Span<float> output);
}

/// <summary>
/// Batched prediction split over a <see cref="WorkerPool"/>: each worker runs a contiguous slice
/// of the samples one at a time, each on its own memory, so the outputs are exactly the
/// sequential ones. Spans cannot cross threads: the caller's inputs and outputs are pinned for
/// the call and reach the workers as pointers. Allocates nothing once the pool has run this
/// work type on the calling thread.
/// </summary>
public static unsafe class ParallelPredict
{
    /// <summary>Runs <paramref name="count"/> samples of <paramref name="network"/> on <paramref name="pool"/>.</summary>
    /// <param name="pool">The workers; the calling thread is one of them.</param>
    /// <param name="network">The network, with memory for every worker of <paramref name="pool"/>.</param>
    /// <param name="inputs">(count, inputSize) samples.</param>
    /// <param name="outputs">(count, outputSize) results.</param>
    /// <param name="count">Samples.</param>
    /// <param name="inputSize">Floats per input sample.</param>
    /// <param name="outputSize">Floats per output sample.</param>
    public static void Run(WorkerPool pool, IWorkerPredictor network, ReadOnlySpan<float> inputs, Span<float> outputs,
        int count, int inputSize, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(network);
        if (inputs.Length != (long)count * inputSize || outputs.Length != (long)count * outputSize)
        {
            throw new ArgumentException(
                $"ParallelPredict.Run: {count} samples need {(long)count * inputSize} input and {(long)count * outputSize} output floats; got {inputs.Length} and {outputs.Length}.");
        }
        fixed (float* x = inputs, y = outputs)
        {
            var work = new Work(network, x, y, inputSize, outputSize);
            pool.Run(count, in work);
        }
    }

    private readonly struct Work : IRangeWork
    {
        private readonly IWorkerPredictor _network;
        private readonly float* _inputs;
        private readonly float* _outputs;
        private readonly int _inputSize;
        private readonly int _outputSize;

        public Work(IWorkerPredictor network, float* inputs, float* outputs, int inputSize, int outputSize)
        {
            _network = network;
            _inputs = inputs;
            _outputs = outputs;
            _inputSize = inputSize;
            _outputSize = outputSize;
        }

        public void Execute(int worker, int start, int end)
        {
            for (int i = start; i < end; i++)
            {
                var input = new ReadOnlySpan<float>(_inputs + (long)i * _inputSize, _inputSize);
                var output = new Span<float>(_outputs + (long)i * _outputSize, _outputSize);
                _network.PredictOnWorker(worker, input, output);
            }
        }
    }
}
