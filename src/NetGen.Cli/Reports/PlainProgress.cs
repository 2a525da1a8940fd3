using System.Globalization;
using System.IO;
using NetGen.Cli.Training;

namespace NetGen.Cli.Reports;

/// <summary>One line per epoch, for logs and pipes (when standard output is not a terminal).</summary>
internal sealed class PlainProgress : ITrainingProgress
{
    private readonly TextWriter _output;

    public PlainProgress(TextWriter output) => _output = output;

    public void StartEpoch(int epoch, int epochs, int batches, int done)
    {
        if (done > 0)
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs}: resuming at batch {done + 1} of {batches}"));
    }

    public void Batch(int done, double loss, double accuracy, double imagesPerSecond)
    {
    }

    public void Validating()
    {
    }

    public void EndEpoch(EpochMetrics m, int epochs) => _output.WriteLine(Line(m, epochs));

    /// <summary>"epoch 2/5  loss 0.3120  acc 90.53%  val loss 0.2951  val acc 91.20%  1,234 img/s  3.2 s".</summary>
    public static string Line(EpochMetrics m, int epochs) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {m.Epoch}/{epochs}  loss {m.TrainLoss:0.0000}  acc {100 * m.TrainAccuracy:0.00}%  val loss {m.ValidationLoss:0.0000}  val acc {100 * m.ValidationAccuracy:0.00}%  {m.ImagesPerSecond:N0} img/s  {m.Seconds:0.0} s");
}
