using System;
using System.Diagnostics;
using System.Threading;
using NetGen.Cli.Compilation;
using NetGen.Cli.Data;
using NetGen.Cli.Reports;
using NetGen.Execution;

namespace NetGen.Cli.Training;

/// <summary>How a run ended.</summary>
/// <param name="Interrupted">True when cancellation stopped it; the checkpoint then holds a partial epoch.</param>
internal sealed record TrainingOutcome(CheckpointState State, bool Interrupted);

/// <summary>
/// The epoch loop: a seeded shuffle per epoch, one generated TrainStep per batch, validation
/// after each epoch, then checkpoint, metrics and plots in the output folder. Cancellation is
/// checked between batches: the current batch finishes, a checkpoint records how far the
/// epoch got, and a resumed run skips exactly those batches (the order is the same).
/// </summary>
internal sealed class TrainingRun
{
    private readonly ITrainableNetwork _network;
    private readonly ITrainingAccess _access;
    private readonly CompiledNetwork _compiled;
    private readonly LabeledData _data;
    private readonly string _outFolder;

    public TrainingRun(CompiledNetwork compiled, ITrainableNetwork network, ITrainingAccess access, LabeledData data, string outFolder)
    {
        _compiled = compiled;
        _network = network;
        _access = access;
        _data = data;
        _outFolder = outFolder;
    }

    /// <summary>Trains from <paramref name="start"/> through epoch <paramref name="epochs"/>.</summary>
    public TrainingOutcome Run(CheckpointState start, int epochs, ITrainingProgress progress, CancellationToken cancel)
    {
        var state = start;
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
                if (!float.IsFinite(step.Loss))
                    throw new CliException($"error: training diverged: the loss is {step.Loss} at epoch {epoch}, step {_network.StepCount}; " +
                        $"try a lower --lr (now {_network.TrainingSettings.LearningRate}). The last checkpoint in {_outFolder} is kept.");
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
                state = state with { Step = _network.StepCount, Partial = new PartialEpoch(done, lossSum, correct, seen, trainSeconds) };
                CheckpointStore.Save(_outFolder, _network, _access, state);
                return new TrainingOutcome(state, Interrupted: true);
            }

            progress.Validating();
            var result = evaluator.Run(validation);
            var metrics = new EpochMetrics(epoch, lossSum / Math.Max(seen, 1), (double)correct / Math.Max(seen, 1),
                result.Loss, result.Accuracy, seen / Math.Max(trainSeconds, 1e-9), partial.Seconds + clock.Elapsed.TotalSeconds);
            state.Metrics.Add(metrics);
            state = state with { Epoch = epoch, Step = _network.StepCount, Partial = null };
            CheckpointStore.Save(_outFolder, _network, _access, state);
            MetricsFiles.Write(_outFolder, state.Metrics);
            Plots.WriteCurves(_outFolder, state.Metrics, _compiled.Name);
            progress.EndEpoch(metrics, epochs);
        }
        return new TrainingOutcome(state, Interrupted: false);
    }
}
