using System;

namespace NetGen.Execution;

/// <summary>
/// What every generated network that can run offers, so code can serve or evaluate any of
/// them. An instance serves one call at a time: a call of a member that touches its memory while
/// another thread is inside one throws an <see cref="InvalidOperationException"/> (nested calls on
/// one thread are fine). Use one instance per thread, or <see cref="NetworkPool{TNetwork}"/>.
/// An instance's memory lives outside the managed heap: dispose it to free that memory at once.
/// </summary>
public interface INetwork : IDisposable
{
    /// <summary>What the instance allocated memory for.</summary>
    ExecutionMode Mode { get; }

    /// <summary>Bytes the instance allocated (the plan's figure for its mode plus the kernel buffers).</summary>
    long AllocatedBytes { get; }

    /// <summary>Where the instance runs, as printed at start: "cpu", or the GPU backend's device (e.g. "cuda: NVIDIA H100 80GB HBM3").</summary>
    string DeviceName => "cpu";

    /// <summary>Floats of one input sample (C x H x W, channels first).</summary>
    int InputSize { get; }

    /// <summary>Floats of one output sample.</summary>
    int OutputSize { get; }

    /// <summary>The parameter tensors, in the order weight files list them.</summary>
    ReadOnlySpan<ParameterTensor> ParameterTable { get; }

    /// <summary>Runs one sample.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Runs <paramref name="count"/> samples (split over a pool's workers on a CPU instance given one: <see cref="ICpuExecution.UseWorkerPool"/>).</summary>
    void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int count);

    /// <summary>Copies a parameter tensor out, in PyTorch layout.</summary>
    void CopyParameter(string name, Span<float> destination);

    /// <summary>Sets a parameter tensor, given in PyTorch layout.</summary>
    void SetParameter(string name, ReadOnlySpan<float> source);

    /// <summary>Sets several parameter tensors by name, in PyTorch layout, and repacks once (a whole imported network).</summary>
    void SetParameters(System.Collections.Generic.IReadOnlyDictionary<string, float[]> values);

    /// <summary>Saves every parameter as a safetensors file (see <see cref="NetworkWeights"/>).</summary>
    void Save(string path);

    /// <summary>
    /// Loads a safetensors file saved by <see cref="Save"/> or by PyTorch; reports every mismatch, and
    /// refuses NaN or infinite values (<see cref="NetworkWeights.Load(INetwork, string, bool)"/> can accept them).
    /// </summary>
    void Load(string path);
}

/// <summary>
/// A generated network whose output is a class-score vector, or a (C, H, W) map of per-pixel
/// class scores: it trains with softmax cross-entropy, per sample or per pixel.
/// </summary>
public interface ITrainableNetwork : INetwork
{
    /// <summary>Optimizer hyperparameters, read at every step.</summary>
    TrainingSettings TrainingSettings { get; }

    /// <summary>Optimizer steps taken; <see cref="RestoreState"/> sets it.</summary>
    long StepCount { get; }

    /// <summary>Floats of the optimizer state (SGD with momentum: 1 x the trainable parameters, Adam 2 x, plain SGD 0).</summary>
    int OptimizerStateLength { get; }

    /// <summary>Bytes of the dropout masks' random-stream state (0 without dropout).</summary>
    int RandomStateLength { get; }

    /// <summary>Copies the optimizer state out (exactly <see cref="OptimizerStateLength"/> floats), for a checkpoint.</summary>
    void CopyOptimizerState(Span<float> destination);

    /// <summary>Copies the dropout random-stream state out (exactly <see cref="RandomStateLength"/> bytes), for a checkpoint.</summary>
    void CopyRandomState(Span<byte> destination);

    /// <summary>
    /// Restores a checkpoint's step count, optimizer state and random-stream state (as the copies gave them), so
    /// training continues exactly as an uninterrupted run; the weights load through <see cref="INetwork.Load"/>.
    /// </summary>
    void RestoreState(long stepCount, ReadOnlySpan<float> optimizerState, ReadOnlySpan<byte> randomState);

    /// <summary>Largest batch one step takes (the declared batch size).</summary>
    int MaxBatch { get; }

    /// <summary>Labels per sample: 1 for a class-score vector, H x W for per-pixel scores.</summary>
    int LabelsPerSample { get; }

    /// <summary>One step: forward, loss, backward, update (micro-batches of <see cref="MaxBatch"/> beyond it).</summary>
    TrainResult TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels);

    /// <summary>Forward, loss and backward without the update.</summary>
    TrainResult ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels);

    /// <summary>Adds a micro-batch's gradient to those accumulated since the last step, without updating.</summary>
    TrainResult AccumulateGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels);

    /// <summary>One update with the mean of the accumulated gradients.</summary>
    void ApplyGradients();

    /// <summary>Mean loss and correct count over any number of samples.</summary>
    TrainResult Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels);

    /// <summary>Copies the last step's gradient of a parameter tensor, in PyTorch layout.</summary>
    void CopyGradient(string name, Span<float> destination);
}

/// <summary>
/// The CPU backend's execution options, beside the backend-neutral <see cref="INetwork"/>: a worker pool
/// for batched Predict, single-sample convolution bands, and the training passes.
/// </summary>
public interface ICpuExecution
{
    /// <summary>
    /// Runs batched Predict (inference) or the training passes on the workers of <paramref name="pool"/>, or on
    /// the calling thread when null; an inference instance then allocates a copy of its arena per extra worker.
    /// </summary>
    void UseWorkerPool(Threading.WorkerPool? pool);

    /// <summary>Bytes the workers' arena copies hold (0 without a pool, and on a training instance).</summary>
    long WorkerAllocatedBytes { get; }
}
