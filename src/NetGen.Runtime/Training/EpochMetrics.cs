namespace NetGen.Training;

/// <summary>What one epoch measured. Losses are mean cross-entropy in nats; accuracies in [0, 1].</summary>
/// <param name="Epoch">From 1.</param>
/// <param name="TrainLoss">Mean loss over the epoch's training batches, each taken before its update.</param>
/// <param name="TrainAccuracy">Share of training labels classified right during the epoch.</param>
/// <param name="ValidationLoss">Mean loss on the validation data after the epoch (NaN without validation data).</param>
/// <param name="ValidationAccuracy">Share of validation labels classified right after the epoch (NaN without validation data).</param>
/// <param name="ImagesPerSecond">Training samples per second of training time (validation excluded).</param>
/// <param name="Seconds">Wall time of the epoch's training and validation.</param>
public sealed record EpochMetrics(
    int Epoch,
    double TrainLoss,
    double TrainAccuracy,
    double ValidationLoss,
    double ValidationAccuracy,
    double ImagesPerSecond,
    double Seconds);
