using System;
using System.Globalization;
using NetGen.Training;

namespace Samples.FashionMnist;

/// <summary>
/// The trainer's callback that draws progress: a bar redrawn in place while an epoch runs (only
/// when stdout is a terminal), then one line per epoch with the validation metrics.
/// </summary>
internal sealed class EpochReport : ITrainingCallback
{
    private const int BarWidth = 30;
    private readonly bool _live = !Console.IsOutputRedirected;

    public void OnEpochBegin(TrainingContext context)
    {
        if (context.BatchesDone > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {context.Epoch,2}/{context.Epochs}: resuming at batch {context.BatchesDone + 1}"));
    }

    public void OnBatchEnd(TrainingContext context, in BatchMetrics batch)
    {
        if (!_live || batch.Batch % 20 != 0) return;
        int filled = (int)((long)BarWidth * batch.Batch / context.BatchCount);
        Console.Write(string.Create(CultureInfo.InvariantCulture,
            $"\repoch {context.Epoch,2}/{context.Epochs} [{new string('#', filled)}{new string('.', BarWidth - filled)}] loss {batch.EpochLoss:0.0000}"));
    }

    public void OnEpochEnd(TrainingContext context, EpochMetrics m)
    {
        if (_live) Console.Write("\r" + new string(' ', BarWidth + 40) + "\r");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {m.Epoch,2}/{context.Epochs}  loss {m.TrainLoss:0.0000}  train {m.TrainAccuracy:P2}  val loss {m.ValidationLoss:0.0000}  val {m.ValidationAccuracy:P2}  {m.ImagesPerSecond,6:0} images/s  {m.Seconds:0.0} s"));
    }
}
