using System;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using NetGen.Execution;

namespace NetGen.Gpu.Execution;

/// <summary>
/// The base of a generated network's nested <c>Gpu</c> class when the network trains: the GPU twin of
/// <see cref="CompiledTrainableNetwork"/>, with its members, checks and messages. Per micro-batch only the
/// batch crosses the bus to the device (the inputs, transposed to channels-last while they are staged, and
/// the labels, through pinned buffers) and only the loss's four totals come back; the forward, the softmax
/// cross-entropy, the backward, the gradient mean and the optimizer update (SGD with momentum, dampening,
/// Nesterov and L2; Adam; AdamW; the settings' schedule) run on the device on its default stream, one
/// synchronisation per micro-batch. The host side (the public members' checks and messages, the step count,
/// the pending micro-batches, the dropout stream) is the CPU class's own driver (<c>TrainingDriver</c>);
/// this class implements its device steps with launches. The generated class writes the launch sequences: the
/// training repack, the forward over a batch and the backward.
/// </summary>
public abstract class GpuTrainableNetwork : GpuNetwork, ITrainableNetwork, ITrainingDevice
{
    private readonly HostStaging _labels;
    private readonly bool _contiguousGradients;
    // The host copy CopyGradient reads through (allocated once).
    private readonly float[] _gradients;
    // The CPU class's driver: its dropout stream is the CPU's (seed, stream 1), drawn from the same way, so the
    // random state of a checkpoint moves between devices; each training forward draws the step's seed from it.
    private readonly TrainingDriver _driver;
    private ulong _dropoutSeed;

    /// <summary>As <see cref="GpuNetwork"/>, with the declared optimizer's default settings (as the CPU class).</summary>
    protected GpuTrainableNetwork(GpuDevice device, ulong seed, ExecutionMode mode, GpuLayout layout)
        : base(device, seed, mode, layout)
    {
        var l = Layout;
        _driver = new TrainingDriver(this, l, mode, TrainingDriver.DefaultSettings(l), seed);
        // An inference instance of a trainable network stages no labels.
        _labels = mode == ExecutionMode.Training ? new HostStaging(device, l.MaxBatch * l.LabelsPerSample, GpuLoss.TotalsFloats) : null!;
        _gradients = new float[mode == ExecutionMode.Training ? l.GradientFloats : 0];
        // One optimizer launch over the whole block when every trainable tensor sits at its gradient offset (nothing frozen in between).
        bool contiguous = true;
        foreach (var tensor in l.Parameters)
            if (tensor.Trainable && tensor.Offset != tensor.GradientOffset) contiguous = false;
        _contiguousGradients = contiguous;
    }

    /// <summary>The dropout seed of the training forward at hand (drawn as the CPU class draws its step seed); each layer draws its masks from (seed, its own streams).</summary>
    protected ulong DropoutSeed => _dropoutSeed;

    /// <summary>Optimizer hyperparameters, read at every step (the same rules as the CPU class).</summary>
    public TrainingSettings TrainingSettings => _driver.Settings;

    /// <summary>Optimizer steps taken.</summary>
    public long StepCount => _driver.StepCount;

    /// <summary>Largest batch one pass takes.</summary>
    public int MaxBatch => Layout.MaxBatch;

    /// <summary>Labels per sample: 1 for a class-score vector, H x W for per-pixel scores.</summary>
    public int LabelsPerSample => Layout.LabelsPerSample;

    /// <summary>Floats of the optimizer state.</summary>
    public int OptimizerStateLength => Layout.OptimizerStateFloats;

    /// <summary>Bytes of the dropout random-stream state: <see cref="CompiledTrainableNetwork.RandomStateSize"/> when a layer draws masks, else 0 (as the CPU class).</summary>
    public int RandomStateLength => _driver.RandomStateLength;

    /// <summary>Packs the weights for the training kernels (the repack after a step).</summary>
    protected abstract void PackTraining<TTile>() where TTile : struct, IGemmTile;

    /// <summary>The staged batch of <paramref name="n"/> samples through every layer, saving each output; <paramref name="train"/> uses batch statistics.</summary>
    protected abstract void ForwardTraining<TTile>(int n, bool train) where TTile : struct, IGemmTile;

    /// <summary>Backward from the logits' gradient: parameter gradients accumulate into the gradient block.</summary>
    protected abstract void Backward<TTile>(int n) where TTile : struct, IGemmTile;

    private protected override void Repack()
    {
        if (Mode != ExecutionMode.Training) base.Repack();
        else if (SimulatorTiles) PackTraining<SimulatorTile>();
        else PackTraining<GpuTile64>();
    }

    private void Forward(int n, bool train)
    {
        if (train && Layout.HasDropout) _dropoutSeed = _driver.DrawDropoutSeed();
        if (SimulatorTiles) ForwardTraining<SimulatorTile>(n, train);
        else ForwardTraining<GpuTile64>(n, train);
    }

    private protected override void PredictTraining(ReadOnlySpan<float> inputs, Span<float> outputs, int count) => _driver.PredictTraining(inputs, outputs, count);

    /// <summary>One step: forward, softmax cross-entropy, backward and one update (micro-batches of <see cref="MaxBatch"/> beyond it). Allocates nothing on the host.</summary>
    public TrainResult TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => _driver.TrainStep(inputs, labels);

    /// <summary>Forward, loss and backward without the update; <see cref="CopyGradient"/> then reads the mean loss's gradient.</summary>
    public TrainResult ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => _driver.ComputeGradients(inputs, labels);

    /// <summary>Adds a micro-batch's gradient to those accumulated since the last step, without updating (as the CPU class).</summary>
    public TrainResult AccumulateGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => _driver.AccumulateGradients(inputs, labels);

    /// <summary>One update with the mean of the accumulated gradients.</summary>
    /// <exception cref="InvalidOperationException">Nothing was accumulated since the last step.</exception>
    public void ApplyGradients() => _driver.ApplyGradients();

    /// <summary>Mean loss and correct count over any number of labelled samples, with evaluation-mode layers, touching no parameter or gradient.</summary>
    public TrainResult Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => _driver.Evaluate(inputs, labels);

    /// <summary>Copies the last step's gradient of parameter <paramref name="name"/>, in PyTorch layout.</summary>
    public void CopyGradient(string name, Span<float> destination) => _driver.CopyGradient(name, destination);

    /// <summary>Copies the optimizer state out (<see cref="OptimizerStateLength"/> floats, the CPU class's layout).</summary>
    public void CopyOptimizerState(Span<float> destination) => _driver.CopyOptimizerState(destination);

    /// <summary>Copies the dropout stream's state out (<see cref="RandomStateLength"/> bytes, the CPU class's layout; none without dropout).</summary>
    public void CopyRandomState(Span<byte> destination) => _driver.CopyRandomState(destination);

    /// <summary>Restores a checkpoint's step count and optimizer state (as the CPU class), checking every length first.</summary>
    public void RestoreState(long stepCount, ReadOnlySpan<float> optimizerState, ReadOnlySpan<byte> randomState) =>
        _driver.RestoreState(stepCount, optimizerState, randomState);

    private protected override void DisposeDeviceState() => _labels?.Dispose();

    CallGuard.Scope ITrainingDevice.Enter(string member) => Enter(member);

    LossTotals ITrainingDevice.RunBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int n, int firstSample, bool backward)
    {
        var l = Layout;
        UploadInputs(inputs, n);
        MemoryMarshal.Cast<int, float>(labels).CopyTo(_labels.Batch);
        _labels.UploadBatch(Memory.Slice(GpuLayout.LabelsOffset, (long)l.MaxBatch * l.LabelsPerSample, "the labels"));
        Forward(n, backward);
        Loss(n);
        _labels.DownloadResults(Memory.Slice(GpuLayout.TotalsOffset, GpuLoss.TotalsFloats, "the loss totals"));
        if (backward)
        {
            if (SimulatorTiles) Backward<SimulatorTile>(n);
            else Backward<GpuTile64>(n);
        }
        Device.Synchronize();
        return GpuLoss.ToTotals(_labels.Results, l.Name);
    }

    void ITrainingDevice.PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int n)
    {
        var l = Layout;
        UploadInputs(inputs, n);
        Forward(n, false);
        var logits = Memory.Slice(l.LogitsOffset, (long)l.MaxBatch * l.OutputSize, "the logits");
        if (l.FinalSoftmax)
            GpuActivations.On(Device).SoftmaxForward(logits.SubView(0, (long)n * l.OutputSize), logits.SubView(0, (long)n * l.OutputSize), n * l.LabelsPerSample, l.Classes);
        InputOutput.DownloadResults(logits);
        Device.Synchronize();
        ReadOutputs(outputs, InputOutput.Results, n);
    }

    void ITrainingDevice.ClearGradients() => Memory.Clear(Layout.GradientOffset, Layout.GradientFloats, "the gradients");

    void ITrainingDevice.ScaleGradients(float factor)
    {
        if (Layout.GradientFloats > 0)
            GpuElementwise.On(Device).Scale(Memory.Slice(Layout.GradientOffset, Layout.GradientFloats, "the gradients"), factor);
    }

    void ITrainingDevice.Update(long step)
    {
        OptimizerUpdate(step);
        Repack();
    }

    ReadOnlySpan<float> ITrainingDevice.ReadGradients()
    {
        Device.Synchronize();
        if (Layout.GradientFloats > 0) Memory.Slice(Layout.GradientOffset, Layout.GradientFloats, "the gradients").CopyToCPU(_gradients);
        return _gradients;
    }

    void ITrainingDevice.ReadOptimizerState(Span<float> destination)
    {
        if (destination.Length == 0) return;
        Device.Synchronize();
        Memory.Slice(Layout.OptimizerStateOffset, destination.Length, "the optimizer state").CopyToCPU(destination);
    }

    void ITrainingDevice.WriteOptimizerState(ReadOnlySpan<float> source)
    {
        if (source.Length > 0)
            Memory.Slice(Layout.OptimizerStateOffset, source.Length, "the optimizer state").CopyFromCPU(source);
    }

    /// <summary>Stages <paramref name="n"/> samples channels-last in the pinned batch and uploads the whole batch region.</summary>
    private void UploadInputs(ReadOnlySpan<float> inputs, int n)
    {
        var l = Layout;
        StageInputs(InputOutput.Batch, inputs, n);
        InputOutput.UploadBatch(Memory.Slice(l.InputsOffset, (long)l.MaxBatch * l.InputSize, "the inputs"));
    }

    /// <summary>Softmax cross-entropy of the saved logits on the device: the summed loss's gradient at the logits and the totals.</summary>
    private void Loss(int n)
    {
        var l = Layout;
        var m = Memory;
        int rows = n * l.LabelsPerSample;
        long scores = (long)n * l.OutputSize;
        GpuLoss.On(Device).SoftmaxCrossEntropy(
            m.Slice(l.LogitsGradientOffset, scores, "the logits' gradient"), m.Slice(GpuLayout.TotalsOffset, GpuLoss.TotalsFloats, "the loss totals"),
            m.Slice(l.LogitsOffset, scores, "the logits"), m.Slice(GpuLayout.LabelsOffset, rows, "the labels").Cast<int>(),
            m.Slice(GpuLayout.LossWorkspaceOffset, GpuLoss.WorkspaceFloats(rows), "the loss scratch"), rows, l.Classes, TrainingSettings.IgnoreLabel);
    }

    /// <summary>The declared optimizer's update of every trainable tensor on the device, with the CPU's checks and rate schedule.</summary>
    private void OptimizerUpdate(long step)
    {
        var l = Layout;
        var s = TrainingSettings;
        float lr = OptimizerStep.LearningRate(s, step);
        var optimizer = GpuOptimizer.On(Device);
        var m = Memory;
        int trainable = l.GradientFloats;
        if (l.Optimizer == OptimizerType.Adam)
        {
            OptimizerStep.CheckAdam(s, l.Name);
            var settings = new AdamSettings(lr, s.Beta1, s.Beta2, s.Epsilon, s.WeightDecay, s.DecoupledWeightDecay);
            if (_contiguousGradients)
            {
                optimizer.Adam(m.Slice(0, trainable), m.Slice(l.GradientOffset, trainable), m.Slice(l.OptimizerStateOffset, trainable),
                    m.Slice(l.OptimizerStateOffset + trainable, trainable), settings, step);
                return;
            }
            foreach (var t in l.Parameters)
            {
                if (!t.Trainable) continue;
                optimizer.Adam(m.Slice(t.Offset, t.Length), m.Slice(l.GradientOffset + t.GradientOffset, t.Length),
                    m.Slice(l.OptimizerStateOffset + t.GradientOffset, t.Length), m.Slice(l.OptimizerStateOffset + trainable + t.GradientOffset, t.Length), settings, step);
            }
            return;
        }
        OptimizerStep.CheckSgd(s, s.Momentum == 0 || l.OptimizerStateFloats == trainable, l.Name);
        var sgd = new SgdSettings(lr, s.Momentum, s.Dampening, s.WeightDecay, s.Nesterov);
        bool momentum = s.Momentum != 0;
        if (_contiguousGradients)
        {
            optimizer.Sgd(m.Slice(0, trainable), m.Slice(l.GradientOffset, trainable), momentum ? m.Slice(l.OptimizerStateOffset, trainable) : default, sgd, step == 1);
            return;
        }
        foreach (var t in l.Parameters)
        {
            if (!t.Trainable) continue;
            optimizer.Sgd(m.Slice(t.Offset, t.Length), m.Slice(l.GradientOffset + t.GradientOffset, t.Length),
                momentum ? m.Slice(l.OptimizerStateOffset + t.GradientOffset, t.Length) : default, sgd, step == 1);
        }
    }
}
