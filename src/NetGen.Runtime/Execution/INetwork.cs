using System;

namespace NetGen.Execution;

/// <summary>
/// What every generated network that can run offers, so code can serve or evaluate any of
/// them. An instance serves one call at a time: a call of a member that touches its memory while
/// another thread is inside one throws an <see cref="InvalidOperationException"/> (nested calls on
/// one thread are fine). Use one instance per thread, or <see cref="NetworkPool{TNetwork}"/>.
/// </summary>
public interface INetwork : IWorkerPredictor
{
    /// <summary>What the instance allocated memory for.</summary>
    ExecutionMode Mode { get; }

    /// <summary>Bytes the instance allocated (the plan's figure for its mode plus the kernel buffers).</summary>
    long AllocatedBytes { get; }

    /// <summary>Floats of one input sample (C x H x W, channels first).</summary>
    int InputSize { get; }

    /// <summary>Floats of one output sample.</summary>
    int OutputSize { get; }

    /// <summary>The parameter tensors, in the order weight files list them.</summary>
    ReadOnlySpan<ParameterTensor> ParameterTable { get; }

    /// <summary>Runs one sample.</summary>
    void Predict(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Runs <paramref name="count"/> samples (split over the pool's workers after <see cref="UseWorkerPool"/> on an inference instance).</summary>
    void Predict(ReadOnlySpan<float> inputs, Span<float> outputs, int count);

    /// <summary>
    /// Runs batched Predict (inference) or each layer's backward halves (training) on the workers of
    /// <paramref name="pool"/>, or on the calling thread when null; see the generated method for the memory it allocates.
    /// </summary>
    void UseWorkerPool(Threading.WorkerPool? pool);

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

    /// <summary>Optimizer steps taken.</summary>
    long StepCount { get; }

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
