using System.Collections.Generic;
using System.Text.Json.Serialization;

namespace NetGen.Training;

/// <summary>
/// checkpoint.json: where a run stands, and which files beside it hold the weights
/// (weights-STEP.safetensors) and the optimizer state (optimizer-STEP.safetensors), as
/// <see cref="CheckpointStore"/> writes them. Everything needed to continue the run exactly:
/// the same data split and batch order follow from <see cref="Seed"/>, and the step count
/// from <see cref="Step"/>.
/// </summary>
public sealed record TrainingCheckpoint
{
    /// <summary>The format version this library writes and reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The format version.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The network's name (never empty).</summary>
    public string Network { get; init; } = "";

    /// <summary>The file the network came from, when known.</summary>
    public string Source { get; init; } = "";

    /// <summary>"sgd", "adam" or "none": the optimizer the state belongs to, when known.</summary>
    public string Optimizer { get; init; } = "";

    /// <summary>Samples per training batch.</summary>
    public int Batch { get; init; }

    /// <summary>The run's base learning rate (a schedule scales it per epoch).</summary>
    public float LearningRate { get; init; }

    /// <summary>The seed of the data split and the batch order.</summary>
    public ulong Seed { get; init; }

    /// <summary>Share of a single data set held out for validation.</summary>
    public double ValidationFraction { get; init; }

    /// <summary>The network's input (C, H, W) or (F).</summary>
    public int[] InputShape { get; init; } = [];

    /// <summary>Class names in label order, when known.</summary>
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

    /// <summary>The optimizer state's file, relative to the checkpoint folder; null when the optimizer keeps none.</summary>
    public string? OptimizerState { get; init; }

    /// <summary>Where early stopping (or, without it, the best checkpoint's choice) stood; absent in folders written before it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BestSoFar? Best { get; init; }

    /// <summary>
    /// The learning-rate schedule in <see cref="ScheduleSyntax"/> (<see cref="TrainerOptions.ScheduleText"/>), so a
    /// resumed run continues with it; null for a constant rate or a schedule given as an object.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Schedule { get; init; }

    /// <summary>Where a reduce-on-plateau schedule stood (its rate, best value and wait); null for any other schedule.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PlateauState? Plateau { get; init; }

    /// <summary>One entry per finished epoch.</summary>
    public List<EpochMetrics> Metrics { get; init; } = [];
}

/// <summary>How far a stopped epoch got: batches done and the sums its training metrics continue from.</summary>
/// <param name="Batches">Training batches done.</param>
/// <param name="LossSum">Sum over labels of the loss, in nats.</param>
/// <param name="Correct">Labels classified right.</param>
/// <param name="Seen">Labels seen.</param>
/// <param name="Seconds">Training time spent in it so far.</param>
public sealed record PartialEpoch(int Batches, double LossSum, int Correct, int Seen, double Seconds);

/// <summary>The best epoch by a monitored metric, and how many epochs since have not improved on it.</summary>
/// <param name="Monitor">"val_loss" or "val_acc".</param>
/// <param name="Value">The best value.</param>
/// <param name="Epoch">The epoch that reached it.</param>
/// <param name="Wait">Epochs since without an improvement.</param>
/// <param name="Stopped">True once early stopping ended the run.</param>
public sealed record BestSoFar(string Monitor, double Value, int Epoch, int Wait, bool Stopped = false);
