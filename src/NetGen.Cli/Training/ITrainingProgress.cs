namespace NetGen.Cli.Training;

/// <summary>Where a training run reports how it goes: a live bar on a terminal, lines otherwise.</summary>
internal interface ITrainingProgress
{
    /// <param name="epoch">From 1.</param>
    /// <param name="epochs">The run's last epoch.</param>
    /// <param name="batches">Training batches in the epoch.</param>
    /// <param name="done">Batches already done (a resumed epoch starts past 0).</param>
    void StartEpoch(int epoch, int epochs, int batches, int done);

    /// <summary>After each training batch: the epoch's running loss (nats), accuracy [0, 1] and speed.</summary>
    void Batch(int done, double loss, double accuracy, double imagesPerSecond);

    /// <summary>The epoch's training is done; validation runs next.</summary>
    void Validating();

    /// <summary>After the epoch's validation.</summary>
    void EndEpoch(EpochMetrics metrics, int epochs);
}
