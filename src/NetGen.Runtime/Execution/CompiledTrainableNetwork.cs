using System;
using NetGen.Kernels;

namespace NetGen.Execution;

/// <summary>
/// The base of a generated network that trains (its output holds class scores, per sample or per
/// pixel): TrainStep and its companions and the checkpoint state (<see cref="CopyOptimizerState"/>,
/// <see cref="CopyRandomState"/>, <see cref="RestoreState"/>), whose checks, messages, step count,
/// pending micro-batches and dropout stream are the host-side driver's (<c>TrainingDriver</c>, which the
/// GPU base shares; this class implements its device steps on the arena), and every training pass that
/// is the same in each network apart from the figures of its <see cref="NetworkLayout"/>: loading the
/// inputs, the softmax cross-entropy loss per sample slice, the optimizer update and the repack after
/// it, Predict's outputs, and the sliced forward and backward (the slices run through
/// <see cref="SampleSlices"/>; the batch-norm partials combined between phases; the later slices'
/// parameter gradients added in slice order). The
/// generated class implements the straight-line code of one slice of one phase
/// (<see cref="ForwardSlice"/>, <see cref="BackwardSlice"/>), the combines between phases
/// (<see cref="CombineSlices"/>) and the packing (<see cref="PackSlice"/>), every offset a literal.
/// A network whose passes are not sliced (batch 1) overrides <see cref="ForwardTraining"/> and
/// <see cref="Backward"/> instead.
/// </summary>
public abstract class CompiledTrainableNetwork : CompiledNetwork, ITrainableNetwork, ISampleSlices, ITrainingDevice
{
    /// <summary>Bytes of the dropout masks' random-stream state (a xoshiro128** generator: four 32-bit words).</summary>
    public const int RandomStateSize = 16;

    // The host side of training (checks, step count, pending micro-batches, dropout stream), shared with the GPU base.
    private readonly TrainingDriver _driver;
    private bool _sliceTrain;
    private ulong _sliceSeed;

    /// <summary>As <see cref="CompiledNetwork"/>, with the declared optimizer's default settings (<see cref="NetworkLayout.Optimizer"/>).</summary>
    protected CompiledTrainableNetwork(ulong seed, ExecutionMode mode, NetworkLayout layout)
        : this(seed, mode, layout, TrainingDriver.DefaultSettings(layout))
    {
    }

    /// <summary>As <see cref="CompiledNetwork"/>; <paramref name="settings"/> are the declared optimizer's defaults.</summary>
    protected CompiledTrainableNetwork(ulong seed, ExecutionMode mode, NetworkLayout layout, TrainingSettings settings)
        : base(seed, mode, layout)
    {
        _driver = new TrainingDriver(this, layout, mode, settings, seed);
    }

    /// <summary>
    /// Optimizer hyperparameters (the declared optimizer's updates exactly as PyTorch defines them), an optional
    /// learning-rate schedule and an ignore label; read at every step.
    /// </summary>
    public TrainingSettings TrainingSettings => _driver.Settings;

    /// <summary>Optimizer steps taken (Adam's bias correction and the schedules read it); <see cref="RestoreState"/> sets it.</summary>
    public long StepCount => _driver.StepCount;

    /// <summary>Largest batch one pass takes (the declared batch size); more samples run as micro-batches.</summary>
    public int MaxBatch => Layout.MaxBatch;

    /// <summary>Labels per sample: 1 for a class-score vector, H x W for per-pixel scores.</summary>
    public int LabelsPerSample => Layout.LabelsPerSample;

    /// <summary>Floats of the optimizer state: SGD with momentum 1 x, Adam 2 x the trainable parameters, plain SGD 0.</summary>
    public int OptimizerStateLength => Layout.OptimizerStateFloats;

    /// <summary>Bytes of the dropout random-stream state: <see cref="RandomStateSize"/> when a layer draws masks, else 0.</summary>
    public int RandomStateLength => _driver.RandomStateLength;

    /// <summary>The dropout masks' stream, for the generated forward (<c>ref DropoutRandom</c>).</summary>
    protected ref FastRandom DropoutRandom => ref _driver.Random;

    /// <summary>Whether the sliced forward at hand trains (batch statistics, dropout masks) or evaluates.</summary>
    protected bool SliceTrain => _sliceTrain;

    /// <summary>The step's dropout seed, drawn from <see cref="DropoutRandom"/>; each slice and layer draws its masks from (seed, node x slices + slice).</summary>
    protected ulong SliceSeed => _sliceSeed;

    /// <summary>
    /// Slice <paramref name="slice"/>'s share of the training repack (the layers' packed floats balanced over the
    /// <see cref="NetworkLayout.Slices"/>; every share together is the whole repack). Runs on a worker after a step.
    /// </summary>
    protected abstract void PackSlice(int slice);

    /// <summary>
    /// Forward phase <paramref name="phase"/> of samples [<paramref name="s"/>, s + <paramref name="n"/>), saving each
    /// output, on <paramref name="m"/> (the instance's arena); <paramref name="slice"/> picks the partials and
    /// <paramref name="scratch"/> is the slice's scratch. Runs on a worker. Only networks whose passes are sliced have one.
    /// </summary>
    protected virtual void ForwardSlice(ArenaView m, int phase, int s, int n, int slice, long scratch) =>
        throw new InvalidOperationException($"{Layout.Name}: the training passes are not split into sample slices.");

    /// <summary>
    /// Backward phase <paramref name="phase"/> of samples [<paramref name="s"/>, s + <paramref name="n"/>), as
    /// <see cref="ForwardSlice"/>: parameter gradients accumulate into the slice's block at <paramref name="g"/> (the
    /// gradient block for slice 0; a later slice's own block, cleared before phase 0).
    /// </summary>
    protected virtual void BackwardSlice(ArenaView m, int phase, int s, int n, int slice, long scratch, long g) =>
        throw new InvalidOperationException($"{Layout.Name}: the training passes are not split into sample slices.");

    /// <summary>
    /// On the calling thread, before pass <paramref name="pass"/> (a later phase, <see cref="SamplePass.ForwardPhase"/>
    /// or <see cref="SamplePass.BackwardPhase"/>): combines the slices' batch-norm partials in slice order.
    /// </summary>
    protected virtual void CombineSlices(int pass, int n, bool train)
    {
    }

    /// <summary>Packs the weights for the training passes (after a change to the parameters): every slice's share.</summary>
    protected virtual void PackTraining()
    {
        for (int slice = 0; slice < Layout.Slices; slice++) PackSlice(slice);
    }

    /// <summary>Copies <paramref name="n"/> samples (channels first) into the arena's inputs region, channels-last when the input has several channels.</summary>
    protected virtual void LoadInputs(ReadOnlySpan<float> inputs, int n)
    {
        var l = Layout;
        var region = Arena.Slice(l.InputsOffset, n * l.InputSize);
        if (l.InputChannels > 1) global::NetGen.Kernels.Layout.NchwToNhwc(region, inputs, n, l.InputChannels, l.InputHeight, l.InputWidth);
        else inputs.CopyTo(region);
    }

    /// <summary>
    /// The loaded batch of <paramref name="n"/> samples through every layer, saving each output; <paramref name="train"/>
    /// uses batch statistics and draws dropout masks. The slices of each phase run on the pool's workers (or one after
    /// the other); between two phases the calling thread combines their partials.
    /// </summary>
    protected virtual void ForwardTraining(int n, bool train)
    {
        var l = Layout;
        _sliceTrain = train;
        if (train && l.HasDropout) _sliceSeed = _driver.DrawDropoutSeed();
        SampleSlices.Run(Pool, this, SamplePass.Forward, l.Slices, n);
        for (int phase = 1; phase < l.ForwardPhases; phase++)
        {
            int pass = SamplePass.ForwardPhase(phase);
            CombineSlices(pass, n, train);
            SampleSlices.Run(Pool, this, pass, l.Slices, n);
        }
    }

    /// <summary>
    /// Softmax cross-entropy of the saved logits of <paramref name="n"/> samples, slice by slice: sums, and the summed
    /// loss's gradient at the logits where each slice's backward reads it.
    /// </summary>
    protected virtual LossTotals Loss(ReadOnlySpan<int> labels, int n, int firstSample)
    {
        var l = Layout;
        var m = Arena;
        int rows = l.OutputSize, pixels = l.LabelsPerSample, slices = l.Slices;
        var totals = default(LossTotals);
        for (int slice = 0; slice < slices; slice++)
        {
            int s = slice * n / slices;
            int count = (slice + 1) * n / slices - s;
            if (count == 0) continue;
            long gradient = l.LogitsGradientOffset + s * l.LogitsGradientSampleStride + count * l.LogitsGradientCountStride;
            totals += SoftmaxLoss.SumForwardBackward(m.Slice(gradient, count * rows), m.Slice(l.LogitsOffset + (long)s * rows, count * rows),
                labels.Slice(s * pixels, count * pixels), l.Classes, TrainingSettings.IgnoreLabel, l.Name, (long)(firstSample + s) * pixels);
        }
        return totals;
    }

    /// <summary>
    /// Backward over the batch from the logits' gradient, phase by phase as <see cref="ForwardTraining"/>: the first
    /// slice's parameter gradients accumulate into the gradient block, each later slice's into its own block, added in slice order.
    /// </summary>
    protected virtual void Backward(int n)
    {
        var l = Layout;
        SampleSlices.Run(Pool, this, SamplePass.Backward, l.Slices, n);
        for (int phase = 1; phase < l.BackwardPhases; phase++)
        {
            int pass = SamplePass.BackwardPhase(phase);
            CombineSlices(pass, n, true);
            SampleSlices.Run(Pool, this, pass, l.Slices, n);
        }
        if (l.GradientFloats == 0) return;
        for (int slice = 1; slice < l.Slices; slice++)
        {
            if (SampleSlices.HasSamples(slice, l.Slices, n))
                ExecutionOps.AddInto(Gradients, Arena.Slice(l.SliceGradientsOffset + (long)(slice - 1) * l.GradientFloats, l.GradientFloats));
        }
    }

    /// <summary>One update of the declared optimizer with the averaged gradient at step <paramref name="step"/>, then the repack, a share per slice.</summary>
    protected virtual void OptimizerStep(long step)
    {
        var l = Layout;
        var parameters = Arena.Slice(0, l.ParameterFloats);
        if (l.Optimizer == OptimizerType.Adam)
            global::NetGen.Execution.OptimizerStep.Adam(parameters, Gradients, OptimizerState, l.Parameters, TrainingSettings, step, l.Name);
        else
            global::NetGen.Execution.OptimizerStep.Sgd(parameters, Gradients, OptimizerState, l.Parameters, TrainingSettings, step, l.Name);
        SampleSlices.Run(Pool, this, SamplePass.Repack, l.Slices, l.Slices);
    }

    /// <summary>The outputs of the <paramref name="n"/> samples the training forward just ran, as Predict returns them: the logits, through the final softmax if any, channels first.</summary>
    protected virtual void TrainingOutputs(Span<float> outputs, int n)
    {
        var l = Layout;
        var scores = Arena.Slice(l.LogitsOffset, n * l.OutputSize);
        if (l.FinalSoftmax) Softmax.Forward(scores, scores, n * l.LabelsPerSample, l.Classes);
        if (l.OutputHeight > 0 && l.Classes > 1) global::NetGen.Kernels.Layout.NhwcToNchw(outputs, scores, n, l.Classes, l.OutputHeight, l.OutputWidth);
        else scores.CopyTo(outputs);
    }

    // SampleSlices calls it on a worker (or the calling thread) inside a training call, which holds the guard.
    void ISampleSlices.RunSlice(int pass, int slice, int samples)
    {
        var l = Layout;
        if (pass == SamplePass.Repack)
        {
            PackSlice(slice);
            return;
        }
        int s = slice * samples / l.Slices;
        int n = (slice + 1) * samples / l.Slices - s;
        if (n == 0) return;
        var m = Arena;
        long scratch = l.SliceScratchOffset + slice * l.SliceScratchFloats;
        if (SamplePass.IsForward(pass, out int phase))
        {
            ForwardSlice(m, phase, s, n, slice, scratch);
            return;
        }
        long g = slice == 0 ? l.GradientOffset : l.SliceGradientsOffset + (long)(slice - 1) * l.GradientFloats;
        if (phase == 0 && slice > 0) m.Slice(g, l.GradientFloats).Clear();
        BackwardSlice(m, phase, s, n, slice, scratch, g);
    }

    /// <inheritdoc/>
    protected override void Repack()
    {
        if (Mode == ExecutionMode.Training) PackTraining();
        else base.Repack();
    }

    /// <inheritdoc/>
    protected override void PredictTraining(ReadOnlySpan<float> inputs, Span<float> outputs, int count) => _driver.PredictTraining(inputs, outputs, count);

    /// <summary>
    /// One training step: forward saving every activation, softmax cross-entropy against <paramref name="labels"/>
    /// (<see cref="LabelsPerSample"/> class indices per sample), backward, and one update with
    /// <see cref="TrainingSettings"/>. Any number of samples (at least one): more than <see cref="MaxBatch"/> run as
    /// micro-batches whose gradients add up to the whole batch's (see <see cref="AccumulateGradients"/>). Returns the
    /// mean loss (before the update), the labels classified right and the labels counted (labels equal to
    /// <see cref="TrainingSettings.IgnoreLabel"/> are left out). Needs a training instance. Allocates nothing.
    /// </summary>
    public TrainResult TrainStep(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => _driver.TrainStep(inputs, labels);

    /// <summary>
    /// Forward, loss and backward without updating the parameters: afterwards <see cref="CopyGradient"/>
    /// reads the gradient of the mean loss over every counted label. Same arguments as <see cref="TrainStep"/>.
    /// </summary>
    public TrainResult ComputeGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => _driver.ComputeGradients(inputs, labels);

    /// <summary>
    /// Adds the gradient of <paramref name="inputs"/>' loss to the gradients accumulated since the last
    /// <see cref="ApplyGradients"/>, without updating: gradient accumulation over micro-batches of any size
    /// (larger ones run <see cref="MaxBatch"/> at a time). <see cref="ApplyGradients"/> then takes one step
    /// with the mean over every label counted, the same step (within float rounding) as one
    /// <see cref="TrainStep"/> over all the samples. Layers that mix samples make micro-batches differ by
    /// nature: Dropout draws its masks per micro-batch, and batch normalisation would normalise
    /// each micro-batch with its own statistics. Returns this call's mean loss and counts. Allocates nothing.
    /// </summary>
    public TrainResult AccumulateGradients(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => _driver.AccumulateGradients(inputs, labels);

    /// <summary>
    /// One update with the mean gradient of everything <see cref="AccumulateGradients"/> added since the last
    /// step (a label ignored everywhere contributes nothing); <see cref="CopyGradient"/> then reads that mean.
    /// </summary>
    /// <exception cref="InvalidOperationException">Nothing was accumulated since the last step.</exception>
    public void ApplyGradients() => _driver.ApplyGradients();

    /// <summary>
    /// Mean loss and correct count over any number of labelled samples, <see cref="MaxBatch"/> at a time,
    /// without touching parameters or gradients (accumulated gradients stay). Labels and ignore label as
    /// <see cref="TrainStep"/>; with per-pixel labels the counts are pixels. Needs a training instance. Allocates nothing.
    /// </summary>
    public TrainResult Evaluate(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels) => _driver.Evaluate(inputs, labels);

    /// <summary>Copies the gradient of parameter <paramref name="name"/> (of the last ComputeGradients, TrainStep or ApplyGradients) into <paramref name="destination"/>, in PyTorch layout.</summary>
    public void CopyGradient(string name, Span<float> destination) => _driver.CopyGradient(name, destination);

    /// <summary>
    /// Copies the optimizer state (SGD's velocity, or Adam's first then second moments, each in the gradient
    /// block's order) into <paramref name="destination"/> of <see cref="OptimizerStateLength"/> floats: with
    /// <see cref="StepCount"/> and <see cref="CopyRandomState"/> what a checkpoint needs beside the weights.
    /// </summary>
    public void CopyOptimizerState(Span<float> destination) => _driver.CopyOptimizerState(destination);

    /// <summary>Copies the dropout masks' random-stream state into <paramref name="destination"/> of <see cref="RandomStateLength"/> bytes (none without dropout).</summary>
    public void CopyRandomState(Span<byte> destination) => _driver.CopyRandomState(destination);

    /// <summary>
    /// Restores a checkpoint's training state (with the weights loaded by <see cref="CompiledNetwork.Load"/>): the step
    /// count, the optimizer state as <see cref="CopyOptimizerState"/> gave it, and the dropout stream as
    /// <see cref="CopyRandomState"/> gave it, so the next steps are exactly those an uninterrupted run takes.
    /// Checks every length before changing anything; discards gradients waiting for <see cref="ApplyGradients"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A length differs from this network's, or the step count is negative.</exception>
    public void RestoreState(long stepCount, ReadOnlySpan<float> optimizerState, ReadOnlySpan<byte> randomState) =>
        _driver.RestoreState(stepCount, optimizerState, randomState);

    private Span<float> Gradients => Arena.Slice(Layout.GradientOffset, Layout.GradientFloats);

    private Span<float> OptimizerState => Arena.Slice(Layout.OptimizerStateOffset, Layout.OptimizerStateFloats);

    CallGuard.Scope ITrainingDevice.Enter(string member) => Enter(member);

    LossTotals ITrainingDevice.RunBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<int> labels, int n, int firstSample, bool backward)
    {
        LoadInputs(inputs, n);
        ForwardTraining(n, backward);
        var totals = Loss(labels, n, firstSample);
        if (backward) Backward(n);
        return totals;
    }

    void ITrainingDevice.PredictBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int n)
    {
        LoadInputs(inputs, n);
        ForwardTraining(n, false);
        TrainingOutputs(outputs, n);
    }

    void ITrainingDevice.ClearGradients() => Gradients.Clear();

    void ITrainingDevice.ScaleGradients(float factor) => ExecutionOps.Scale(Gradients, factor);

    void ITrainingDevice.Update(long step) => OptimizerStep(step);

    ReadOnlySpan<float> ITrainingDevice.ReadGradients() => Gradients;

    void ITrainingDevice.ReadOptimizerState(Span<float> destination) => OptimizerState.CopyTo(destination);

    void ITrainingDevice.WriteOptimizerState(ReadOnlySpan<float> source) => source.CopyTo(OptimizerState);
}
