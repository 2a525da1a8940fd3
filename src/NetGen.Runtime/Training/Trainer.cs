using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using NetGen.Data;
using NetGen.Execution;

namespace NetGen.Training;

/// <summary>
/// Fits an <see cref="ITrainableNetwork"/> to data, as Keras's <c>fit</c> or a Lightning
/// <c>Trainer</c>: epochs of seeded shuffled batches, one <see cref="ITrainableNetwork.TrainStep"/>
/// per batch, validation after each epoch, learning-rate schedules, early stopping, callbacks,
/// and, with a checkpoint folder, the last and best checkpoints and metrics files written
/// crash-safe after every epoch. Cancellation is checked between batches: the current batch
/// finishes, a checkpoint records how far the epoch got, and a resumed run skips exactly those
/// batches (the order is the same). A <see cref="TrainingMonitor"/> checks every step's loss and
/// each validation loss: a diverged run stops before its weights are saved, so the last
/// checkpoint stays the last good one. The batch loop allocates nothing.
/// </summary>
/// <example>
/// <code>
/// var trainer = new Trainer(new TrainerOptions
/// {
///     Epochs = 30,
///     Schedule = ScheduleSyntax.Parse("warmup:2,cosine", 2e-3f, 30),
///     EarlyStopping = new EarlyStopping(MonitoredMetric.ValidationLoss, patience: 4),
///     CheckpointFolder = "runs/fashion",
/// });
/// var result = trainer.Fit(network, train, validation);
/// </code>
/// </example>
public sealed class Trainer
{
    /// <summary>A trainer that runs as <paramref name="options"/> says.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it and its value).</exception>
    public Trainer(TrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>How it runs.</summary>
    public TrainerOptions Options { get; }

    /// <summary>
    /// Fits on <paramref name="data"/>, holding <see cref="TrainerOptions.ValidationFraction"/> of it out for
    /// validation (<see cref="MnistDataset.Split"/> by <see cref="TrainerOptions.Seed"/>: stratified, the same on every machine).
    /// </summary>
    public TrainingResult Fit(ITrainableNetwork network, MnistDataset data, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        int held = (int)Math.Round(data.Count * Options.ValidationFraction, MidpointRounding.AwayFromZero);
        if (held < 1 || held >= data.Count)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{data.Count} samples cannot be split {Options.ValidationFraction} for validation (TrainerOptions.ValidationFraction): both parts need at least one sample."), nameof(data));
        var (train, validation) = data.Split(data.Count - held, held, Options.Seed);
        return Fit(network, train, validation, cancel);
    }

    /// <summary>Fits on <paramref name="train"/> (shuffled by <see cref="TrainerOptions.Seed"/>), validating on <paramref name="validation"/> after each epoch (none when null).</summary>
    public TrainingResult Fit(ITrainableNetwork network, MnistDataset train, MnistDataset? validation, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        foreach (var (part, name) in new[] { (train, nameof(train)), (validation, nameof(validation)) })
        {
            if (part is not null && part.ImageSize != network.InputSize)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"The {name} images have {part.ImageSize} pixels ({part.Rows} x {part.Columns}); the network takes {network.InputSize} input floats."), name);
        }
        using var trainBatches = new ShuffledBatches(train, Options.BatchSize ?? network.MaxBatch, Options.Seed);
        using var validationBatches = validation is null ? null : new OrderedBatches(validation, network.MaxBatch);
        return Fit(network, trainBatches, validationBatches, cancel);
    }

    /// <summary>
    /// Fits on batches from <paramref name="train"/> (whose own seed orders them), validating on
    /// <paramref name="validation"/> after each epoch (none when null).
    /// </summary>
    /// <exception cref="TrainingDivergedException">A loss diverged; the last checkpoint is the last good one.</exception>
    /// <exception cref="CheckpointException">The checkpoint to resume from is missing or broken, or a checkpoint cannot be written.</exception>
    public TrainingResult Fit(ITrainableNetwork network, IBatchSource train, IBatchSource? validation, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        if (Options.EarlyStopping is not null && validation is null)
            throw new ArgumentException("TrainerOptions.EarlyStopping watches the validation metrics: give validation data (or a ValidationFraction split).", nameof(validation));
        var start = Options.ResumeFrom is not null ? Resume(network) : NewRun(network);
        return Continue(network, train, validation, start, cancel);
    }

    /// <summary>
    /// Fits as <see cref="Fit(ITrainableNetwork, IBatchSource, IBatchSource?, CancellationToken)"/>, continuing
    /// from <paramref name="resumed"/>, the state <see cref="Resume"/> restored into <paramref name="network"/>
    /// (so a caller can report on the checkpoint, or refuse it, before training starts).
    /// </summary>
    public TrainingResult Fit(ITrainableNetwork network, IBatchSource train, IBatchSource? validation, TrainingCheckpoint resumed, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(resumed);
        if (Options.ResumeFrom is null)
            throw new ArgumentException("TrainerOptions.ResumeFrom is null: there is no checkpoint the resumed state can come from.", nameof(resumed));
        if (Options.EarlyStopping is not null && validation is null)
            throw new ArgumentException("TrainerOptions.EarlyStopping watches the validation metrics: give validation data (or a ValidationFraction split).", nameof(validation));
        return Continue(network, train, validation, resumed, cancel);
    }

    private TrainingResult Continue(ITrainableNetwork network, IBatchSource train, IBatchSource? validation, TrainingCheckpoint start, CancellationToken cancel)
    {
        var schedule = RunSchedules.For(Options, start);
        if (schedule is PlateauSchedule && validation is null)
            throw new ArgumentException("A plateau schedule follows the validation metrics: give validation data (or a ValidationFraction split).", nameof(validation));
        var kept = Options.ResumeFrom is { } folder ? new CheckpointInfo(Path.GetFullPath(folder), start.Epoch, start.Step, start.Partial is not null) : null;
        return new Run(Options, schedule, network, train, validation, cancel).Execute(start, kept);
    }

    private TrainingCheckpoint NewRun(ITrainableNetwork network)
    {
        if (Options.LearningRate is float rate) network.TrainingSettings.LearningRate = rate;
        var id = Options.Identity ?? new CheckpointIdentity();
        return new TrainingCheckpoint
        {
            Network = id.Network ?? network.GetType().Name,
            Source = id.Source,
            Optimizer = id.Optimizer,
            Batch = Options.BatchSize ?? network.MaxBatch,
            LearningRate = network.TrainingSettings.LearningRate,
            Seed = Options.Seed,
            ValidationFraction = Options.ValidationFraction,
            InputShape = id.InputShape ?? [network.InputSize],
            ClassNames = id.ClassNames ?? [],
            Schedule = Options.ScheduleText?.Trim(),
        };
    }

    /// <summary>
    /// Reads the checkpoint in <see cref="TrainerOptions.ResumeFrom"/> and restores it into <paramref name="network"/>:
    /// weights, optimizer state, step count, dropout stream, and the learning rate (<see cref="TrainerOptions.LearningRate"/>,
    /// else the checkpoint's). The run must be the same one: the same batch size, seed and validation split, and the
    /// checkpoint's schedule text unless <see cref="TrainerOptions.ReplaceSchedule"/> (without a schedule option the
    /// checkpoint's is used; a plateau schedule's state comes back with it).
    /// </summary>
    /// <returns>The checkpoint's state, which <see cref="Fit(ITrainableNetwork, IBatchSource, IBatchSource?, TrainingCheckpoint, CancellationToken)"/> continues.</returns>
    /// <exception cref="CheckpointException">The folder holds no readable checkpoint, or its files do not fit the network.</exception>
    /// <exception cref="ArgumentException">An option differs from the checkpoint's, or ResumeFrom is null.</exception>
    public TrainingCheckpoint Resume(ITrainableNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        string folder = Options.ResumeFrom ?? throw new ArgumentException("TrainerOptions.ResumeFrom is null: name the checkpoint folder to resume from.", nameof(network));
        var state = CheckpointStore.Read(folder);
        string full = Path.GetFullPath(folder);
        Same(nameof(TrainerOptions.BatchSize), Options.BatchSize ?? network.MaxBatch, state.Batch, full);
        Same(nameof(TrainerOptions.Seed), Options.Seed, state.Seed, full);
        Same(nameof(TrainerOptions.ValidationFraction), Options.ValidationFraction, state.ValidationFraction, full);
        state = RunSchedules.Resumed(Options, state, full);
        CheckpointStore.Restore(folder, state, network);
        network.TrainingSettings.LearningRate = Options.LearningRate ?? state.LearningRate;
        return state with { LearningRate = network.TrainingSettings.LearningRate };
    }

    private static void Same<T>(string option, T asked, T stored, string folder) where T : IEquatable<T>
    {
        if (!asked.Equals(stored))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"TrainerOptions.{option} is {asked}, but the checkpoint in {folder} was trained with {stored}: resuming would not continue the same run."), option);
    }

    /// <summary>One Fit: the loop and the state it carries between epochs.</summary>
    private sealed class Run
    {
        private readonly TrainerOptions _options;
        private readonly ILearningRateSchedule? _schedule;
        private readonly ITrainableNetwork _network;
        private readonly IBatchSource _train;
        private readonly IBatchSource? _validation;
        private readonly CancellationToken _cancel;
        private readonly ITrainingCallback[] _callbacks;
        private readonly TrainingMonitor? _monitor;
        private readonly string? _folder;
        private WeightCopy? _bestInMemory;

        public Run(TrainerOptions options, ILearningRateSchedule? schedule, ITrainableNetwork network, IBatchSource train, IBatchSource? validation, CancellationToken cancel)
        {
            _options = options;
            _schedule = schedule;
            _network = network;
            _train = train;
            _validation = validation;
            _cancel = cancel;
            _callbacks = [.. options.Callbacks];
            _monitor = options.MonitorDivergence ? new TrainingMonitor(options.DivergenceGrowthLimit) : null;
            _folder = options.CheckpointFolder is { } folder ? Path.GetFullPath(folder) : null;
        }

        public TrainingResult Execute(TrainingCheckpoint start, CheckpointInfo? kept)
        {
            var state = start;
            float baseRate = state.LearningRate;
            if (state.LossReference is double reference) _monitor?.SetReference(reference);
            var early = _options.EarlyStopping;
            var metric = early?.Monitor ?? MonitoredMetric.ValidationLoss;
            if (state.Best is { } best && best.Monitor != EarlyStopping.Name(metric)) state = state with { Best = null };
            var context = new TrainingContext(_network, _options.Epochs, state.Metrics) { Epoch = state.Epoch, BatchCount = _train.BatchCount };
            foreach (var callback in _callbacks) callback.OnTrainBegin(context);
            if (early is not null && state.Best is { Stopped: true })
                return End(context, new TrainingResult(TrainingStop.EarlyStopped, state, StoppedWords(state.Best, early)));

            for (int epoch = state.Epoch + 1; epoch <= _options.Epochs; epoch++)
            {
                var partial = state.Partial ?? new PartialEpoch(0, 0, 0, 0, 0);
                if (_schedule is { } schedule && _options.ScheduleUnit == ScheduleUnit.Epoch)
                    _network.TrainingSettings.LearningRate = schedule.At(epoch - 1);
                context.Epoch = epoch;
                context.BatchCount = _train.BatchCount;
                context.BatchesDone = partial.Batches;
                foreach (var callback in _callbacks) callback.OnEpochBegin(context);
                _train.BeginEpoch(epoch);
                for (int skip = 0; skip < partial.Batches && _train.TryNext(out _, out _); skip++)
                {
                }

                var clock = Stopwatch.StartNew();
                double lossSum = partial.LossSum;
                int correct = partial.Correct, seen = partial.Seen, done = partial.Batches;
                while (!_cancel.IsCancellationRequested && !context.StopRequested && _train.TryNext(out var inputs, out var labels))
                {
                    if (_schedule is { } perStep && _options.ScheduleUnit == ScheduleUnit.Step)
                        _network.TrainingSettings.LearningRate = perStep.At((int)Math.Min(_network.StepCount, int.MaxValue));
                    foreach (var callback in _callbacks) callback.OnBatchBegin(context);
                    var step = _network.TrainStep(inputs, labels);
                    if (_monitor is not null && _monitor.Observe(epoch, _network.StepCount, step) != TrainingVerdict.Healthy)
                        throw Diverged(_monitor.Divergence!.Value, validation: false, kept);
                    lossSum += (double)step.Loss * step.Count;
                    correct += step.Correct;
                    seen += step.Count;
                    context.BatchesDone = ++done;
                    double seconds = partial.Seconds + clock.Elapsed.TotalSeconds;
                    var batch = new BatchMetrics(done, step.Loss, step.Accuracy, lossSum / seen, (double)correct / seen, seen / Math.Max(seconds, 1e-9));
                    foreach (var callback in _callbacks) callback.OnBatchEnd(context, in batch);
                }
                double trainSeconds = partial.Seconds + clock.Elapsed.TotalSeconds;
                if (_cancel.IsCancellationRequested || (context.StopRequested && done < _train.BatchCount))
                {
                    state = state with { Step = _network.StepCount, Partial = new PartialEpoch(done, lossSum, correct, seen, trainSeconds), LossReference = Fixed() };
                    if (_folder is not null) CheckpointStore.Save(_folder, _network, state with { LearningRate = baseRate });
                    var stop = _cancel.IsCancellationRequested ? TrainingStop.Cancelled : TrainingStop.StoppedByCallback;
                    return End(context, new TrainingResult(stop, state, context.StopReason));
                }

                foreach (var callback in _callbacks) callback.OnValidationBegin(context);
                var (validationLoss, validationAccuracy) = Validate();
                if (_monitor is not null && _validation is not null && _monitor.Check(epoch, _network.StepCount, validationLoss) != TrainingVerdict.Healthy)
                    throw Diverged(_monitor.Divergence!.Value, validation: true, kept);
                var metrics = new EpochMetrics(epoch, lossSum / Math.Max(seen, 1), (double)correct / Math.Max(seen, 1),
                    validationLoss, validationAccuracy, seen / Math.Max(trainSeconds, 1e-9), partial.Seconds + clock.Elapsed.TotalSeconds);
                state.Metrics.Add(metrics);
                bool improved = false;
                if (_validation is not null)
                {
                    (var next, improved) = Track(state.Best, metric, early, metrics);
                    state = state with { Best = next };
                    // After the epoch's validation, so the next epoch runs at the rate this one decided.
                    if (_schedule is PlateauSchedule plateau)
                    {
                        plateau.Observe(metric, EarlyStopping.ValueOf(metric, metrics));
                        state = state with { Plateau = plateau.State };
                    }
                }
                state = state with { Epoch = epoch, Step = _network.StepCount, Partial = null, LossReference = Fixed(), LearningRate = baseRate };
                Save(state, improved);
                if (_folder is not null) kept = new CheckpointInfo(_folder, epoch, state.Step, Partial: false);
                foreach (var callback in _callbacks) callback.OnEpochEnd(context, metrics);

                if (early is not null && state.Best is { Stopped: true } stopped)
                {
                    bool restored = early.RestoreBestWeights && stopped.Epoch != epoch && RestoreBest(stopped);
                    return End(context, new TrainingResult(TrainingStop.EarlyStopped, state, StoppedWords(stopped, early)) { RestoredBestWeights = restored });
                }
                if (context.StopRequested)
                    return End(context, new TrainingResult(TrainingStop.StoppedByCallback, state, context.StopReason));
            }
            return End(context, new TrainingResult(TrainingStop.Completed, state, null));
        }

        private TrainingResult End(TrainingContext context, TrainingResult result)
        {
            foreach (var callback in _callbacks) callback.OnTrainEnd(context, result);
            return result;
        }

        /// <summary>Mean loss and accuracy over the validation source (Evaluate: inference-mode batch norm, no dropout); NaN without one.</summary>
        private (double Loss, double Accuracy) Validate()
        {
            if (_validation is null) return (double.NaN, double.NaN);
            double loss = 0;
            long correct = 0, count = 0;
            _validation.BeginEpoch(1);
            while (_validation.TryNext(out var inputs, out var labels))
            {
                var result = _network.Evaluate(inputs, labels);
                loss += (double)result.Loss * result.Count;
                correct += result.Correct;
                count += result.Count;
            }
            return count == 0 ? (0, 0) : (loss / count, (double)correct / count);
        }

        /// <summary>The best epoch after <paramref name="metrics"/>, and whether this epoch is it.</summary>
        private static (BestSoFar Best, bool Improved) Track(BestSoFar? best, MonitoredMetric metric, EarlyStopping? early, EpochMetrics metrics)
        {
            double value = EarlyStopping.ValueOf(metric, metrics);
            if (best is null || EarlyStopping.Improves(metric, value, best.Value, early?.MinDelta ?? 0))
                return (new BestSoFar(EarlyStopping.Name(metric), value, metrics.Epoch, 0), true);
            int wait = best.Wait + 1;
            return (best with { Wait = wait, Stopped = early is not null && wait >= early.Patience }, false);
        }

        /// <summary>The last checkpoint and metrics files, and the best checkpoint (or its copy in memory) when this epoch improved.</summary>
        private void Save(TrainingCheckpoint state, bool improved)
        {
            bool bestOnDisk = _folder is not null && _options.SaveBestCheckpoint;
            if (improved && !bestOnDisk && _options.EarlyStopping is { RestoreBestWeights: true }) (_bestInMemory ??= new WeightCopy(_network)).Take(_network);
            if (_folder is null) return;
            CheckpointStore.Save(_folder, _network, state);
            if (improved && _options.SaveBestCheckpoint) CheckpointStore.Save(Path.Combine(_folder, CheckpointStore.BestFolder), _network, state);
            MetricsFiles.Write(_folder, state.Metrics);
        }

        /// <summary>Gives the network its best epoch's weights: from the best checkpoint, or the copy in memory.</summary>
        private bool RestoreBest(BestSoFar best)
        {
            if (_bestInMemory is not null)
            {
                _bestInMemory.Give(_network);
                return true;
            }
            if (_folder is null || !_options.SaveBestCheckpoint) return false;
            string folder = Path.Combine(_folder, CheckpointStore.BestFolder);
            var saved = CheckpointStore.Read(folder);
            if (saved.Epoch != best.Epoch)
                throw new CheckpointException(string.Create(CultureInfo.InvariantCulture,
                    $"{folder}: error: the best checkpoint is of epoch {saved.Epoch}, but the run's best epoch is {best.Epoch}: it was changed by something else"));
            CheckpointStore.LoadCheckpointWeights(_network, folder, saved);
            return true;
        }

        private static string StoppedWords(BestSoFar best, EarlyStopping early) => string.Create(CultureInfo.InvariantCulture,
            $"{best.Monitor} did not improve for {early.Patience} epoch{(early.Patience == 1 ? "" : "s")}; the best was {best.Value:0.0000} at epoch {best.Epoch}");

        private double? Fixed() => _monitor is { ReferenceIsFixed: true } m ? m.Reference : null;

        private TrainingDivergedException Diverged(TrainingDivergence divergence, bool validation, CheckpointInfo? kept) =>
            new(divergence, validation, _network.TrainingSettings.LearningRate, kept);
    }

    /// <summary>Every parameter tensor (batch-norm statistics included) copied out and back, allocated once.</summary>
    private sealed class WeightCopy
    {
        private readonly Dictionary<string, float[]> _values = [];

        public WeightCopy(INetwork network)
        {
            foreach (var tensor in network.ParameterTable) _values[tensor.Name] = new float[tensor.Length];
        }

        public void Take(INetwork network)
        {
            foreach (var (name, values) in _values) network.CopyParameter(name, values);
        }

        public void Give(INetwork network) => network.SetParameters(_values);
    }
}
