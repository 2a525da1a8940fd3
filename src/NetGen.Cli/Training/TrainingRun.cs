using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using NetGen.Cli.Compilation;
using NetGen.Cli.Data;
using NetGen.Cli.Reports;
using NetGen.Execution;
using CompiledNetwork = NetGen.Cli.Compilation.CompiledNetwork;
using NetGen.Training;

namespace NetGen.Cli.Training;

/// <summary>A checkpoint on disk: the folder, and the epochs and steps it holds.</summary>
internal sealed record SavedCheckpoint(string Folder, int Epoch, long Step, bool Partial);

/// <summary>How a run ended.</summary>
/// <param name="Interrupted">True when cancellation stopped it; the checkpoint then holds a partial epoch.</param>
internal sealed record TrainingOutcome(CheckpointState State, bool Interrupted);

/// <summary>
/// The epoch loop: a seeded shuffle per epoch, one generated TrainStep per batch, validation
/// after each epoch, then checkpoint, metrics and plots in the output folder. Cancellation is
/// checked between batches: the current batch finishes, a checkpoint records how far the
/// epoch got, and a resumed run skips exactly those batches (the order is the same). A
/// <see cref="TrainingMonitor"/> checks every step's loss and each validation loss: a diverged
/// run stops before its weights are saved, so the last checkpoint stays the last good one.
/// </summary>
internal sealed class TrainingRun
{
    private readonly ITrainableNetwork _network;
    private readonly CompiledNetwork _compiled;
    private readonly LabeledData _data;
    private readonly string _outFolder;

    public TrainingRun(CompiledNetwork compiled, ITrainableNetwork network, LabeledData data, string outFolder)
    {
        _compiled = compiled;
        _network = network;
        _data = data;
        _outFolder = outFolder;
    }

    /// <summary>Trains from <paramref name="start"/> through epoch <paramref name="epochs"/>.</summary>
    /// <param name="kept">The checkpoint the run resumed from, or null.</param>
    /// <exception cref="CliException">The run diverged.</exception>
    public TrainingOutcome Run(CheckpointState start, int epochs, ITrainingProgress progress, CancellationToken cancel, SavedCheckpoint? kept = null)
    {
        var state = start;
        var monitor = new TrainingMonitor();
        if (start.LossReference is double reference) monitor.SetReference(reference);
        using var train = _data.OpenTrain(_network.MaxBatch, state.Seed);
        using var validation = _data.OpenValidation(_network.MaxBatch);
        var evaluator = new Evaluator(_network, _compiled.Classes, _compiled.EndsInSoftmax, _network.MaxBatch);
        for (int epoch = state.Epoch + 1; epoch <= epochs; epoch++)
        {
            var partial = state.Partial ?? new PartialEpoch(0, 0, 0, 0, 0);
            progress.StartEpoch(epoch, epochs, train.BatchCount, partial.Batches);
            train.BeginEpoch(epoch);
            for (int skip = 0; skip < partial.Batches && train.TryNext(out _, out _); skip++)
            {
            }

            var clock = Stopwatch.StartNew();
            double lossSum = partial.LossSum;
            int correct = partial.Correct, seen = partial.Seen, done = partial.Batches;
            while (!cancel.IsCancellationRequested && train.TryNext(out var images, out var labels))
            {
                var step = _network.TrainStep(images, labels);
                if (monitor.Observe(epoch, _network.StepCount, step) != TrainingVerdict.Healthy)
                    throw Diverged(monitor.Divergence!.Value, validation: false, kept);
                lossSum += (double)step.Loss * step.Count;
                correct += step.Correct;
                seen += step.Count;
                done++;
                double seconds = partial.Seconds + clock.Elapsed.TotalSeconds;
                progress.Batch(done, lossSum / seen, (double)correct / seen, seen / Math.Max(seconds, 1e-9));
            }
            double trainSeconds = partial.Seconds + clock.Elapsed.TotalSeconds;
            if (cancel.IsCancellationRequested)
            {
                state = state with { Step = _network.StepCount, Partial = new PartialEpoch(done, lossSum, correct, seen, trainSeconds), LossReference = Fixed(monitor) };
                CheckpointStore.Save(_outFolder, _network, state);
                return new TrainingOutcome(state, Interrupted: true);
            }

            progress.Validating();
            var result = evaluator.Run(validation);
            if (monitor.Check(epoch, _network.StepCount, result.Loss) != TrainingVerdict.Healthy)
                throw Diverged(monitor.Divergence!.Value, validation: true, kept);
            var metrics = new EpochMetrics(epoch, lossSum / Math.Max(seen, 1), (double)correct / Math.Max(seen, 1),
                result.Loss, result.Accuracy, seen / Math.Max(trainSeconds, 1e-9), partial.Seconds + clock.Elapsed.TotalSeconds);
            state.Metrics.Add(metrics);
            state = state with { Epoch = epoch, Step = _network.StepCount, Partial = null, LossReference = Fixed(monitor) };
            CheckpointStore.Save(_outFolder, _network, state);
            kept = new SavedCheckpoint(_outFolder, epoch, state.Step, Partial: false);
            MetricsFiles.Write(_outFolder, state.Metrics);
            Plots.WriteCurves(_outFolder, state.Metrics, _compiled.Name);
            progress.EndEpoch(metrics, epochs);
        }
        return new TrainingOutcome(state, Interrupted: false);
    }

    private static double? Fixed(TrainingMonitor monitor) => monitor.ReferenceIsFixed ? monitor.Reference : null;

    /// <summary>The error that stops a diverged run: where, what, and which checkpoint is left.</summary>
    private CliException Diverged(TrainingDivergence divergence, bool validation, SavedCheckpoint? kept)
    {
        string what = validation ? "validation " + divergence.Describe() : divergence.Describe();
        string left = kept is null
            ? "No checkpoint was written."
            : kept.Partial
                ? $"The last good checkpoint, inside epoch {kept.Epoch + 1} at step {kept.Step:N0}, is kept in {kept.Folder}."
                : $"The last good checkpoint, after epoch {kept.Epoch} (step {kept.Step:N0}), is kept in {kept.Folder}.";
        return new CliException(string.Create(CultureInfo.InvariantCulture,
            $"error: training diverged at epoch {divergence.Epoch}, step {divergence.Step:N0}: {what}; " +
            $"try a lower --lr (now {TrainingDivergence.Number(_network.TrainingSettings.LearningRate)}). {left}"));
    }
}
