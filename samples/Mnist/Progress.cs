using System;
using System.Globalization;

namespace Samples.Mnist;

/// <summary>
/// Training progress on the console: a live bar redrawn in place while an epoch runs (only
/// when stdout is a terminal), then one line per epoch, which is all a redirected log gets.
/// </summary>
internal sealed class Progress
{
    private const int BarWidth = 30;
    private readonly bool _live = !Console.IsOutputRedirected;
    private readonly int _epochs;

    public Progress(int epochs) => _epochs = epochs;

    /// <summary>Redraws the bar: batches done of <paramref name="total"/>, the running mean loss.</summary>
    public void Update(int epoch, int done, int total, double loss)
    {
        if (!_live) return;
        int filled = (int)((long)BarWidth * done / total);
        Console.Write(string.Create(CultureInfo.InvariantCulture,
            $"\repoch {epoch,2}/{_epochs} [{new string('#', filled)}{new string('.', BarWidth - filled)}] loss {loss:0.0000}"));
    }

    /// <summary>The epoch's line: mean loss, training accuracy, test accuracy, throughput.</summary>
    public void EndEpoch(int epoch, double loss, double trainAccuracy, double testAccuracy, double imagesPerSecond, double seconds)
    {
        if (_live) Console.Write("\r" + new string(' ', BarWidth + 40) + "\r");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"epoch {epoch,2}/{_epochs}  loss {loss:0.0000}  train {trainAccuracy:P2}  test {testAccuracy:P2}  {imagesPerSecond,6:0} images/s  {seconds:0.0} s"));
    }
}
