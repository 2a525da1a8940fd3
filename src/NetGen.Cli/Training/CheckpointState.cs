using System.Collections.Generic;

namespace NetGen.Cli.Training;

/// <summary>
/// checkpoint.json: where a run stands, and which files beside it hold the weights
/// (weights-STEP.safetensors) and the optimizer state (optimizer-STEP.safetensors), as
/// <see cref="CheckpointStore"/> writes them. Everything needed to continue the run exactly:
/// the same data split and batch order follow from <see cref="Seed"/>, and the step count
/// from <see cref="Step"/>.
/// </summary>
internal sealed record CheckpointState
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    /// <summary>The network's name, and the file it came from.</summary>
    public string Network { get; init; } = "";
    public string Source { get; init; } = "";

    /// <summary>"sgd", "adam" or "none": the optimizer the state belongs to.</summary>
    public string Optimizer { get; init; } = "";
    public int Batch { get; init; }
    public float LearningRate { get; init; }
    public ulong Seed { get; init; }

    /// <summary>Share of a single data set held out for validation.</summary>
    public double ValidationFraction { get; init; }

    /// <summary>The network's input (C, H, W) or (F).</summary>
    public int[] InputShape { get; init; } = [];
    public string[] ClassNames { get; init; } = [];

    /// <summary>Epochs finished (training and validation).</summary>
    public int Epoch { get; init; }

    /// <summary>Optimizer steps taken.</summary>
    public long Step { get; init; }

    /// <summary>
    /// The divergence monitor's reference: the mean loss of the run's first steps (nats), once they
    /// are in; null before (a resumed run then takes it from its own first steps).
    /// </summary>
    public double? LossReference { get; init; }

    /// <summary>The dropout generator's state (base64), when the network has dropout.</summary>
    public string? RandomState { get; init; }

    /// <summary>The epoch after <see cref="Epoch"/> when a run stopped inside it; null at an epoch's end.</summary>
    public PartialEpoch? Partial { get; init; }

    /// <summary>File names, relative to the checkpoint folder; folders written before step-named files lack OptimizerState and use checkpoint.safetensors.</summary>
    public string Weights { get; init; } = CheckpointStore.WeightsFile;
    public string? OptimizerState { get; init; }

    /// <summary>One entry per finished epoch.</summary>
    public List<EpochMetrics> Metrics { get; init; } = [];
}

/// <summary>How far a stopped epoch got: batches done and the sums its training metrics continue from.</summary>
/// <param name="LossSum">Sum over samples of the loss, in nats.</param>
/// <param name="Seconds">Training time spent in it so far.</param>
internal sealed record PartialEpoch(int Batches, double LossSum, int Correct, int Seen, double Seconds);
