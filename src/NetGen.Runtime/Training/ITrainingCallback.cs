using System.Collections.Generic;
using NetGen.Execution;

namespace NetGen.Training;

/// <summary>
/// Hooks a <see cref="Trainer"/> calls as a run goes, in the order the callbacks were given
/// (progress bars, logs, plots, custom stopping rules). Every method has an empty default, so a
/// callback implements only what it needs. The batch hooks run on the training thread between
/// steps: keep them allocation-free to keep the loop so. Stop a run with
/// <see cref="TrainingContext.StopTraining"/>.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>Once, before the first epoch (after a resumed run's state is restored).</summary>
    void OnTrainBegin(TrainingContext context)
    {
    }

    /// <summary>An epoch starts: <see cref="TrainingContext.Epoch"/>, its batch count, and the batches a resumed epoch already did.</summary>
    void OnEpochBegin(TrainingContext context)
    {
    }

    /// <summary>Before each training batch.</summary>
    void OnBatchBegin(TrainingContext context)
    {
    }

    /// <summary>After each training batch: the batch's and the epoch's running metrics.</summary>
    void OnBatchEnd(TrainingContext context, in BatchMetrics batch)
    {
    }

    /// <summary>The epoch's training is done; validation runs next.</summary>
    void OnValidationBegin(TrainingContext context)
    {
    }

    /// <summary>After the epoch's validation, its checkpoint and metrics files.</summary>
    void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
    {
    }

    /// <summary>Once, when the run ends by any way but an exception.</summary>
    void OnTrainEnd(TrainingContext context, TrainingResult result)
    {
    }
}

/// <summary>After one training batch.</summary>
/// <param name="Batch">Batches done in the epoch, from 1 (a resumed epoch continues its count).</param>
/// <param name="Loss">The batch's mean loss, in nats.</param>
/// <param name="Accuracy">The batch's accuracy, in [0, 1].</param>
/// <param name="EpochLoss">The epoch's running mean loss.</param>
/// <param name="EpochAccuracy">The epoch's running accuracy.</param>
/// <param name="ImagesPerSecond">The epoch's training speed so far.</param>
public readonly record struct BatchMetrics(int Batch, double Loss, double Accuracy, double EpochLoss, double EpochAccuracy, double ImagesPerSecond);

/// <summary>Where a run stands, as the callbacks see it; one instance per <see cref="Trainer.Fit(ITrainableNetwork, Data.IBatchSource, Data.IBatchSource?, System.Threading.CancellationToken)"/>.</summary>
public sealed class TrainingContext
{
    internal TrainingContext(ITrainableNetwork network, int epochs, List<EpochMetrics> history)
    {
        Network = network;
        Epochs = epochs;
        HistoryList = history;
    }

    /// <summary>The network being trained.</summary>
    public ITrainableNetwork Network { get; }

    /// <summary>The run's last epoch.</summary>
    public int Epochs { get; }

    /// <summary>The current epoch, from 1 (0 before the first).</summary>
    public int Epoch { get; internal set; }

    /// <summary>Training batches in an epoch.</summary>
    public int BatchCount { get; internal set; }

    /// <summary>Batches done in the current epoch (at <see cref="ITrainingCallback.OnEpochBegin"/>: those a resumed epoch did before).</summary>
    public int BatchesDone { get; internal set; }

    /// <summary>Optimizer steps taken.</summary>
    public long Step => Network.StepCount;

    /// <summary>The learning rate the current epoch uses.</summary>
    public float LearningRate => Network.TrainingSettings.LearningRate;

    /// <summary>The finished epochs' metrics, a resumed run's earlier epochs included.</summary>
    public IReadOnlyList<EpochMetrics> History => HistoryList;

    internal List<EpochMetrics> HistoryList { get; }

    /// <summary>True once <see cref="StopTraining"/> was called.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>What <see cref="StopTraining"/> was given.</summary>
    public string? StopReason { get; private set; }

    /// <summary>
    /// Ends the run: asked in a batch hook, after the current batch (a checkpoint records the partial
    /// epoch, as a cancellation); asked at an epoch's end, before the next epoch.
    /// </summary>
    public void StopTraining(string reason)
    {
        StopRequested = true;
        StopReason ??= reason;
    }
}
