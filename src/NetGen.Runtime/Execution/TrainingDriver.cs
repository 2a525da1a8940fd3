using System;
using System.Runtime.InteropServices;
using NetGen.Kernels;

namespace NetGen.Execution;

/// <summary>
/// The host side of training, held once for the CPU (<see cref="CompiledTrainableNetwork"/>) and the GPU
/// (NetGen.Runtime.Gpu's <c>GpuTrainableNetwork</c>) networks: the members of <see cref="ITrainableNetwork"/> with
/// their argument checks and messages (which name the network), the training settings, the step count, the
/// micro-batches waiting for <see cref="ApplyGradients"/> (their number and counted labels), the dropout masks'
/// random stream, and the loops over training batches. The device work goes through the network's
/// <see cref="ITrainingDevice"/>: a batch's forward, loss and backward, the gradient clear and scale, the
/// optimizer update, and the copies of the gradient and optimizer state. Allocates nothing per call.
/// </summary>
internal sealed class TrainingDriver
{
    /// <summary>The dropout masks' stream (a xoshiro128** generator, the network's seed and stream 1): the CPU's batch-1 forward draws from it (<c>ref</c>); every other forward draws its step seed (<see cref="DrawDropoutSeed"/>).</summary>
    public FastRandom Random;

    private readonly ITrainingDevice _device;
    private readonly NetworkLayout _layout;
    private readonly ExecutionMode _mode;
    private long _steps;
    private int _pendingBatches;
    private long _pendingCount;

    /// <summary>The driver of <paramref name="device"/>, a network made for <paramref name="mode"/> with <paramref name="layout"/>'s figures.</summary>
    public TrainingDriver(ITrainingDevice device, NetworkLayout layout, ExecutionMode mode, TrainingSettings settings, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _device = device;
        _layout = layout;
        _mode = mode;
        Settings = settings;
        if (layout.HasDropout) Random = new FastRandom(seed, 1);
    }

    /// <summary>The network's <see cref="ITrainableNetwork.TrainingSettings"/>.</summary>
    public TrainingSettings Settings { get; }

    /// <summary>Optimizer steps taken.</summary>
    public long StepCount => _steps;

    /// <summary>Bytes of the dropout random-stream state: <see cref="CompiledTrainableNetwork.RandomStateSize"/> when a layer draws masks, else 0.</summary>
    public int RandomStateLength => _layout.HasDropout ? CompiledTrainableNetwork.RandomStateSize : 0;

    /// <summary>The declared optimizer's default settings (PyTorch's learning rates; SGD with momentum 0.9 unless the optimizer is plain SGD).</summary>
    public static TrainingSettings DefaultSettings(NetworkLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout.Optimizer switch
        {
            OptimizerType.Adam => new TrainingSettings(1e-3f),
            OptimizerType.Sgd => new TrainingSettings(1e-2f),
            _ => new TrainingSettings(1e-2f) { Momentum = 0f },
        };
    }

    /// <summary>A training forward's dropout seed, two draws from <see cref="Random"/>.</summary>
    public ulong DrawDropoutSeed() => ((ulong)Random.NextUInt() << 32) | Random.NextUInt();

    /// <summary>Predict on a training instance: <see cref="NetworkLayout.MaxBatch"/> samples at a time (checked by Predict).</summary>
    public void PredictTraining(ReadOnlySpan<float> inputs, Span<float> outputs, int count)
    {
        var l = _layout;
        for (int start = 0; start < count; start += l.MaxBatch)
        {
            int n = Math.Min(l.MaxBatch, count - start);
            _device.PredictBatch(inputs.Slice(start * l.InputSize, n * l.InputSize), outputs.Slice(start * l.OutputSize, n * l.OutputSize), n);
        }
    }

    /// <summary><see cref="ITrainableNetwork.TrainStep"/>.</summary>
    public TrainResult TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        using var call = _device.Enter("TrainStep");
        var result = ComputeGradients(inputs, labels);
        Step();
        return result;
    }

    /// <summary><see cref="ITrainableNetwork.ComputeGradients"/>.</summary>
    public TrainResult ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        using var call = _device.Enter("ComputeGradients");
        RequireTraining();
        if (_pendingBatches != 0)
            throw new InvalidOperationException($"{_layout.Name}: gradients from AccumulateGradients wait for ApplyGradients; TrainStep and ComputeGradients would discard them.");
        _device.ClearGradients();
        var totals = Accumulate(inputs, labels);
        AverageGradients(totals.Counted);
        return totals.ToResult();
    }

    /// <summary><see cref="ITrainableNetwork.AccumulateGradients"/>.</summary>
    public TrainResult AccumulateGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        using var call = _device.Enter("AccumulateGradients");
        RequireTraining();
        if (_pendingBatches == 0) _device.ClearGradients();
        var totals = Accumulate(inputs, labels);
        _pendingBatches++;
        _pendingCount += totals.Counted;
        return totals.ToResult();
    }

    /// <summary><see cref="ITrainableNetwork.ApplyGradients"/>.</summary>
    public void ApplyGradients()
    {
        using var call = _device.Enter("ApplyGradients");
        RequireTraining();
        if (_pendingBatches == 0)
            throw new InvalidOperationException($"{_layout.Name}.ApplyGradients: no gradients accumulated since the last step; call AccumulateGradients first.");
        long count = _pendingCount;
        _pendingBatches = 0;
        _pendingCount = 0;
        AverageGradients(count);
        Step();
    }

    /// <summary><see cref="ITrainableNetwork.Evaluate"/>.</summary>
    public TrainResult Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        using var call = _device.Enter("Evaluate");
        RequireTraining();
        var l = _layout;
        if (labels.Length % l.LabelsPerSample != 0 || inputs.Length != (long)(labels.Length / l.LabelsPerSample) * l.InputSize)
            throw new ArgumentException($"{l.Name}.Evaluate: {labels.Length} labels and {inputs.Length} input floats do not describe whole samples ({l.LabelsPerSample} labels and {l.InputSize} floats each).", nameof(inputs));
        return RunBatches(inputs, labels, labels.Length / l.LabelsPerSample, backward: false).ToResult();
    }

    /// <summary><see cref="ITrainableNetwork.CopyGradient"/>.</summary>
    public void CopyGradient(string name, Span<float> destination)
    {
        using var call = _device.Enter("CopyGradient");
        RequireTraining();
        var tensor = ParameterStore.Find(_layout.Parameters, name);
        if (!tensor.Trainable)
            throw new InvalidOperationException($"{_layout.Name}: {name} is frozen and has no gradient.");
        ParameterStore.CopyOut(destination, _device.ReadGradients(), tensor.GradientOffset, tensor);
    }

    /// <summary><see cref="ITrainableNetwork.CopyOptimizerState"/>.</summary>
    public void CopyOptimizerState(Span<float> destination)
    {
        using var call = _device.Enter("CopyOptimizerState");
        RequireTraining();
        if (destination.Length != _layout.OptimizerStateFloats)
            throw new ArgumentException($"{_layout.Name}.CopyOptimizerState: the optimizer state is {_layout.OptimizerStateFloats} floats; the destination has {destination.Length}.", nameof(destination));
        _device.ReadOptimizerState(destination);
    }

    /// <summary><see cref="ITrainableNetwork.CopyRandomState"/>.</summary>
    public void CopyRandomState(Span<byte> destination)
    {
        using var call = _device.Enter("CopyRandomState");
        RequireTraining();
        if (destination.Length != RandomStateLength)
            throw new ArgumentException($"{_layout.Name}.CopyRandomState: the random state is {RandomStateLength} bytes; the destination has {destination.Length}.", nameof(destination));
        if (RandomStateLength > 0) MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref Random, 1)).CopyTo(destination);
    }

    /// <summary><see cref="ITrainableNetwork.RestoreState"/>: every length checked before anything changes; discards the gradients waiting for ApplyGradients.</summary>
    public void RestoreState(long stepCount, ReadOnlySpan<float> optimizerState, ReadOnlySpan<byte> randomState)
    {
        using var call = _device.Enter("RestoreState");
        RequireTraining();
        var l = _layout;
        if (stepCount < 0)
            throw new ArgumentOutOfRangeException(nameof(stepCount), stepCount, $"{l.Name}.RestoreState: a step count cannot be negative.");
        if (optimizerState.Length != l.OptimizerStateFloats)
            throw new ArgumentException($"{l.Name}.RestoreState: the optimizer state is {l.OptimizerStateFloats} floats; {optimizerState.Length} were given.", nameof(optimizerState));
        if (randomState.Length != RandomStateLength)
            throw new ArgumentException($"{l.Name}.RestoreState: the random state is {RandomStateLength} bytes; {randomState.Length} were given.", nameof(randomState));
        if (randomState.Length > 0 && MemoryMarshal.Read<Int128>(randomState) == Int128.Zero)
            throw new ArgumentException($"{l.Name}.RestoreState: an all-zero random state is not one a generator reaches.", nameof(randomState));
        _device.WriteOptimizerState(optimizerState);
        if (randomState.Length > 0) randomState.CopyTo(MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref Random, 1)));
        _steps = stepCount;
        _pendingBatches = 0;
        _pendingCount = 0;
    }

    private void Step()
    {
        _steps++;
        _device.Update(_steps);
    }

    private void RequireTraining()
    {
        if (_mode != ExecutionMode.Training)
            throw new InvalidOperationException($"{_layout.Name} was made for inference; make it with ExecutionMode.Training to train.");
    }

    /// <summary>The summed gradient over <paramref name="count"/> labels divided into the mean's.</summary>
    private void AverageGradients(long count)
    {
        if (count > 1) _device.ScaleGradients((float)(1.0 / count));
    }

    /// <summary>Checks the labels and inputs, then runs them a training batch at a time, each backward adding to the gradient block.</summary>
    private LossTotals Accumulate(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels)
    {
        var l = _layout;
        if (labels.Length == 0 || labels.Length % l.LabelsPerSample != 0)
        {
            string need = l.LabelsPerSample == 1
                ? "one class index per sample"
                : $"one class index per output pixel, {l.LabelsPerSample} per sample in (H, W) order ({l.LabelGrid}), so labels.Length = samples x {l.LabelsPerSample}";
            throw new ArgumentException($"{l.Name}: training needs {need}, for at least one sample; there are {labels.Length} labels.", nameof(labels));
        }
        int samples = labels.Length / l.LabelsPerSample;
        if (inputs.Length != (long)samples * l.InputSize)
            throw new ArgumentException($"{l.Name}: {samples} samples' labels need {(long)samples * l.InputSize} input floats; the inputs have {inputs.Length}.", nameof(inputs));
        SoftmaxLoss.CheckLabels(labels, l.Classes, Settings.IgnoreLabel, l.Name);
        return RunBatches(inputs, labels, samples, backward: true);
    }

    /// <summary>Forward and loss over <paramref name="samples"/> checked samples, a training batch at a time; with <paramref name="backward"/> in training mode and each batch's backward adding to the gradient block.</summary>
    private LossTotals RunBatches(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int samples, bool backward)
    {
        var l = _layout;
        var totals = default(LossTotals);
        for (int start = 0; start < samples; start += l.MaxBatch)
        {
            int n = Math.Min(l.MaxBatch, samples - start);
            totals += _device.RunBatch(inputs.Slice(start * l.InputSize, n * l.InputSize), labels.Slice(start * l.LabelsPerSample, n * l.LabelsPerSample), n, start, backward);
        }
        return totals;
    }
}
