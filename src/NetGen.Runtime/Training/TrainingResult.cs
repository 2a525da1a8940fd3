using System.Collections.Generic;

namespace NetGen.Training;

/// <summary>Why a run ended.</summary>
public enum TrainingStop
{
    /// <summary>Every epoch asked for ran (or the resumed checkpoint already had them).</summary>
    Completed,

    /// <summary>The cancellation token fired; the checkpoint holds the partial epoch.</summary>
    Cancelled,

    /// <summary>Early stopping ended it: the monitored metric stopped improving.</summary>
    EarlyStopped,

    /// <summary>A callback called <see cref="TrainingContext.StopTraining"/>.</summary>
    StoppedByCallback,
}

/// <summary>How a run ended.</summary>
/// <param name="Stop">Why it ended.</param>
/// <param name="State">The last state (the manifest the last checkpoint holds, or would with a checkpoint folder).</param>
/// <param name="Reason">Early stopping's or the callback's words, or null.</param>
public sealed record TrainingResult(TrainingStop Stop, TrainingCheckpoint State, string? Reason)
{
    /// <summary>One entry per finished epoch.</summary>
    public IReadOnlyList<EpochMetrics> History => State.Metrics;

    /// <summary>The best epoch by the monitored metric, when there was validation data.</summary>
    public BestSoFar? Best => State.Best;

    /// <summary>True when the network was given its best epoch's weights at the end.</summary>
    public bool RestoredBestWeights { get; init; }
}

/// <summary>A checkpoint on disk: the folder, and the epochs and steps it holds.</summary>
/// <param name="Folder">Its full path.</param>
/// <param name="Epoch">Epochs finished.</param>
/// <param name="Step">Optimizer steps taken.</param>
/// <param name="Partial">True when it was taken inside epoch <see cref="Epoch"/> + 1.</param>
public sealed record CheckpointInfo(string Folder, int Epoch, long Step, bool Partial);
