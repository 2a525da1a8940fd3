using System.Globalization;
using System.IO;
using NetGen.Training;

namespace NetGen.Cli.Reports;

/// <summary>One line per epoch, for logs and pipes (when standard output is not a terminal).</summary>
internal sealed class PlainProgress : ITrainingCallback
{
    private readonly TextWriter _output;

    public PlainProgress(TextWriter output) => _output = output;

    public void OnEpochBegin(TrainingContext context)
    {
        if (context.BatchesDone > 0)
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {context.Epoch}/{context.Epochs}: resuming at batch {context.BatchesDone + 1} of {context.BatchCount}"));
    }

    public void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => _output.WriteLine(Line(metrics, context.Epochs));

    /// <summary>"epoch 2/5  loss 0.3120  acc 90.53%  val loss 0.2951  val acc 91.20%  1,234 img/s  3.2 s".</summary>
    public static string Line(EpochMetrics m, int epochs) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {m.Epoch}/{epochs}  loss {m.TrainLoss:0.0000}  acc {100 * m.TrainAccuracy:0.00}%  val loss {m.ValidationLoss:0.0000}  val acc {100 * m.ValidationAccuracy:0.00}%  {m.ImagesPerSecond:N0} img/s  {m.Seconds:0.0} s");
}
