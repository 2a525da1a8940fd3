using System;
using System.Collections.Generic;
using System.Globalization;

namespace NetGen.Training;

/// <summary>When a <see cref="TrainerOptions.Schedule"/> sets the learning rate.</summary>
public enum ScheduleUnit
{
    /// <summary>Once per epoch: epoch e (from 1) uses <c>Schedule.At(e - 1)</c>.</summary>
    Epoch,

    /// <summary>Before every optimizer step: step t (from 1) uses <c>Schedule.At(t - 1)</c>.</summary>
    Step,
}

/// <summary>What a checkpoint says of the network and its data, beside the run's state (the CLI fills every field).</summary>
/// <param name="Network">The network's name; null: its type's name.</param>
/// <param name="Source">The file it came from.</param>
/// <param name="Optimizer">"sgd", "adam" or "none".</param>
/// <param name="InputShape">(C, H, W) or (F); null: (input floats).</param>
/// <param name="ClassNames">Class names in label order.</param>
public sealed record CheckpointIdentity(string? Network = null, string Source = "", string Optimizer = "", int[]? InputShape = null, string[]? ClassNames = null);

/// <summary>
/// How a <see cref="Trainer"/> runs: Keras <c>fit</c>'s arguments and callbacks, Lightning's
/// checkpointing. <see cref="Validate"/> (called by the trainer) names the option and value that are wrong.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>The largest <see cref="Epochs"/> accepted.</summary>
    public const int MaxEpochs = 1_000_000;

    /// <summary>Train up to this epoch (a resumed run continues up to it). Default 10.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per step when the trainer makes the batches (the <c>MnistDataset</c> overloads); null: the network's <c>MaxBatch</c>.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Seed of the validation split and the batch order (the <c>MnistDataset</c> overloads). Default 42.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Share of a single data set held out for validation by <see cref="Trainer.Fit(Execution.ITrainableNetwork, Data.MnistDataset, System.Threading.CancellationToken)"/>, in (0, 1). Default 0.1.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>The base learning rate; null: the network's (or, resuming, the checkpoint's).</summary>
    public float? LearningRate { get; init; }

    /// <summary>A learning rate per epoch or per step (<see cref="ScheduleUnit"/>); null: the base rate throughout. <see cref="ScheduleSyntax"/> reads them from text.</summary>
    public ILearningRateSchedule? Schedule { get; init; }

    /// <summary>
    /// A schedule as text (<see cref="ScheduleSyntax"/>, e.g. <c>"warmup:2,cosine"</c> or <c>"plateau:3:0.5"</c>), read
    /// against the base rate and <see cref="Epochs"/> when the run starts; instead of <see cref="Schedule"/>, not with it.
    /// The checkpoints keep it: a resumed run given neither continues with the checkpoint's, and one given another
    /// (text or object) is refused unless <see cref="ReplaceSchedule"/> is set.
    /// </summary>
    public string? ScheduleText { get; init; }

    /// <summary>
    /// Resume with <see cref="ScheduleText"/> or <see cref="Schedule"/> although the checkpoint was trained with another
    /// schedule text: the new one starts from its own beginning state (a plateau's count and best value start again). Default false.
    /// </summary>
    public bool ReplaceSchedule { get; init; }

    /// <summary>Whether <see cref="Schedule"/> counts epochs (default) or optimizer steps.</summary>
    public ScheduleUnit ScheduleUnit { get; init; } = ScheduleUnit.Epoch;

    /// <summary>Stops the run when validation stops improving; null: run every epoch.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// The folder for the last checkpoint (checkpoint.json and the files it names, after every epoch and
    /// at a cancellation), metrics.json/csv, and, with <see cref="SaveBestCheckpoint"/>, the best epoch's
    /// checkpoint in its <c>best</c> subfolder; null: nothing is written.
    /// </summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>Whether the best epoch (by <see cref="EarlyStopping"/>'s metric, else the validation loss) is also kept in CheckpointFolder/best. Default true.</summary>
    public bool SaveBestCheckpoint { get; init; } = true;

    /// <summary>A checkpoint folder to continue from: weights, optimizer, random stream, epoch, partial epoch and early-stopping state.</summary>
    public string? ResumeFrom { get; init; }

    /// <summary>Called in order at every hook.</summary>
    public IReadOnlyList<ITrainingCallback> Callbacks { get; init; } = [];

    /// <summary>Whether a <see cref="TrainingMonitor"/> stops a diverging run with <see cref="TrainingDivergedException"/>. Default true.</summary>
    public bool MonitorDivergence { get; init; } = true;

    /// <summary>The divergence monitor's <see cref="TrainingMonitor.GrowthLimit"/>.</summary>
    public double DivergenceGrowthLimit { get; init; } = TrainingMonitor.DefaultGrowthLimit;

    /// <summary>What the checkpoints say of the network and data; null: the network's type name.</summary>
    public CheckpointIdentity? Identity { get; init; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">The first option that is out of range, with its name and value.</exception>
    public void Validate()
    {
        if (Epochs is < 1 or > MaxEpochs) throw Bad(nameof(Epochs), Epochs, $"a whole number from 1 to {MaxEpochs:N0}");
        if (BatchSize is int batch && batch < 1) throw Bad(nameof(BatchSize), batch, "at least 1");
        if (!(ValidationFraction > 0 && ValidationFraction < 1)) throw Bad(nameof(ValidationFraction), ValidationFraction, "a share between 0 and 1, both excluded");
        if (LearningRate is float rate && (!(rate >= 0) || float.IsInfinity(rate))) throw Bad(nameof(LearningRate), rate, "a finite number, 0 or more");
        if (Schedule is not null && ScheduleText is not null) throw Bad(nameof(ScheduleText), $"\"{ScheduleText}\"", "null when Schedule is set (give the schedule one way)");
        if (ScheduleText is { } text && string.IsNullOrWhiteSpace(text)) throw Bad(nameof(ScheduleText), $"\"{text}\"", "a schedule such as \"cosine\", or null");
        if (ScheduleText is { } spec && Epochs is >= 1 and <= MaxEpochs)
        {
            // The form and its numbers now; the limits that depend on the base rate when the run starts.
            try
            {
                ScheduleSyntax.Parse(spec, LearningRate ?? float.MaxValue, Epochs);
            }
            catch (FormatException e)
            {
                throw new ArgumentException($"TrainerOptions.ScheduleText: {e.Message}", nameof(ScheduleText), e);
            }
        }
        if (!Enum.IsDefined(ScheduleUnit)) throw Bad(nameof(ScheduleUnit), ScheduleUnit, "Epoch or Step");
        if (!(DivergenceGrowthLimit > 1) || double.IsInfinity(DivergenceGrowthLimit)) throw Bad(nameof(DivergenceGrowthLimit), DivergenceGrowthLimit, "a finite number over 1");
        if (CheckpointFolder is { Length: 0 }) throw Bad(nameof(CheckpointFolder), "\"\"", "a folder path, or null");
        if (ResumeFrom is { Length: 0 }) throw Bad(nameof(ResumeFrom), "\"\"", "a checkpoint folder, or null");
        if (Callbacks is null) throw Bad(nameof(Callbacks), "null", "a list (empty for none)");
        for (int i = 0; i < Callbacks.Count; i++)
            if (Callbacks[i] is null) throw Bad($"{nameof(Callbacks)}[{i}]", "null", "a callback");
    }

    private static ArgumentException Bad(string option, object value, string expected) =>
        new(string.Create(CultureInfo.InvariantCulture, $"TrainerOptions.{option} is {value}; it must be {expected}."), option);
}
