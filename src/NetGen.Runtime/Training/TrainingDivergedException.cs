using System;
using System.Globalization;

namespace NetGen.Training;

/// <summary>
/// A <see cref="Trainer"/> run stopped because a step's or the validation's loss diverged
/// (<see cref="TrainingMonitor"/>). It stops before anything is saved, so the last checkpoint
/// (<see cref="LastCheckpoint"/>) is the last good one.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>What diverged, where, and which checkpoint is left.</summary>
    public TrainingDivergedException(TrainingDivergence divergence, bool validation, float learningRate, CheckpointInfo? lastCheckpoint)
        : base(Describe(divergence, validation, learningRate, "learning rate", lastCheckpoint))
    {
        Divergence = divergence;
        Validation = validation;
        LearningRate = learningRate;
        LastCheckpoint = lastCheckpoint;
    }

    /// <summary>The loss that diverged.</summary>
    public TrainingDivergence Divergence { get; }

    /// <summary>True when it was the validation loss.</summary>
    public bool Validation { get; }

    /// <summary>The learning rate of the diverged step.</summary>
    public float LearningRate { get; }

    /// <summary>The last good checkpoint, or null when none was written.</summary>
    public CheckpointInfo? LastCheckpoint { get; }

    /// <summary>
    /// "training diverged at epoch 1, step 12: loss NaN; try a lower RATE (now 0.5). The last good
    /// checkpoint, after epoch 1 (step 12), is kept in DIR.", with <paramref name="rateName"/> naming
    /// where the rate is set (the CLI says --lr).
    /// </summary>
    public static string Describe(TrainingDivergence divergence, bool validation, float learningRate, string rateName, CheckpointInfo? kept)
    {
        string what = validation ? "validation " + divergence.Describe() : divergence.Describe();
        string left = kept is null
            ? "No checkpoint was written."
            : kept.Partial
                ? string.Create(CultureInfo.InvariantCulture, $"The last good checkpoint, inside epoch {kept.Epoch + 1} at step {kept.Step:N0}, is kept in {kept.Folder}.")
                : string.Create(CultureInfo.InvariantCulture, $"The last good checkpoint, after epoch {kept.Epoch} (step {kept.Step:N0}), is kept in {kept.Folder}.");
        return string.Create(CultureInfo.InvariantCulture,
            $"training diverged at epoch {divergence.Epoch}, step {divergence.Step:N0}: {what}; " +
            $"try a lower {rateName} (now {TrainingDivergence.Number(learningRate)}). {left}");
    }
}
