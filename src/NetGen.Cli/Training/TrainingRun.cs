using System;
using System.Collections.Generic;
using System.Threading;
using NetGen.Cli.Compilation;
using NetGen.Cli.Data;
using NetGen.Cli.Reports;
using NetGen.Execution;
using NetGen.Training;
using CompiledNetwork = NetGen.Cli.Compilation.CompiledNetwork;

namespace NetGen.Cli.Training;

/// <summary>
/// `netgen train`'s run on the library's <see cref="Trainer"/>: the compiled network, the opened
/// data and the output folder become <see cref="TrainerOptions"/> (checkpoints and metrics files in
/// the folder, and with --early-stopping the best epoch in its best/), with the progress display and the plots as callbacks. A
/// diverged run becomes the CLI's error, naming --lr.
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

    /// <summary>The trainer's options for this run: <paramref name="start"/>'s batch, seed, split and identity, and the folder.</summary>
    /// <param name="schedule">The --schedule text (the checkpoints keep it); null: a resumed run's own, else a constant rate.</param>
    /// <param name="replaceSchedule">--replace-schedule: resume with <paramref name="schedule"/> although the checkpoint has another.</param>
    public TrainerOptions Options(TrainingCheckpoint start, int epochs, string? resume = null,
        string? schedule = null, EarlyStopping? earlyStopping = null, bool replaceSchedule = false) => new()
    {
        Epochs = epochs,
        BatchSize = start.Batch,
        Seed = start.Seed,
        ValidationFraction = start.ValidationFraction,
        LearningRate = start.LearningRate,
        ScheduleText = schedule,
        ReplaceSchedule = replaceSchedule,
        EarlyStopping = earlyStopping,
        CheckpointFolder = _outFolder,
        // Without --early-stopping the folder holds what it always did; with it, best/ holds the epoch it keeps.
        SaveBestCheckpoint = earlyStopping is not null,
        ResumeFrom = resume,
        Identity = new CheckpointIdentity(start.Network, start.Source, start.Optimizer, start.InputShape, start.ClassNames),
    };

    /// <summary>
    /// Trains from <paramref name="start"/> (a new run's state, or the one <see cref="Trainer.Resume"/> restored, with
    /// <paramref name="options"/>' ResumeFrom set) through the options' last epoch.
    /// </summary>
    /// <param name="progress">The display, called after the plots are redrawn.</param>
    /// <exception cref="CliException">The run diverged.</exception>
    public TrainingResult Run(TrainingCheckpoint start, TrainerOptions options, ITrainingCallback progress, CancellationToken cancel)
    {
        var trainer = new Trainer(options with { Callbacks = new List<ITrainingCallback>(options.Callbacks) { new CurvePlots(_outFolder, _compiled.Name), progress } });
        using var train = _data.OpenTrain(_network.MaxBatch, start.Seed);
        using var validation = _data.OpenValidation(_network.MaxBatch);
        try
        {
            return options.ResumeFrom is null
                ? trainer.Fit(_network, train, validation, cancel)
                : trainer.Fit(_network, train, validation, start, cancel);
        }
        catch (TrainingDivergedException e)
        {
            throw new CliException("error: " + TrainingDivergedException.Describe(e.Divergence, e.Validation, e.LearningRate, "--lr", e.LastCheckpoint));
        }
    }
}
