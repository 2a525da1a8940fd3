using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using NetGen.IO;

namespace NetGen.Training;

/// <summary>
/// metrics.json (an array of <see cref="EpochMetrics"/>, camelCase) and metrics.csv (one row per
/// epoch), which a <see cref="Trainer"/> with a checkpoint folder rewrites there after each epoch,
/// each file replaced whole (<see cref="DurableFile"/>): a reader never sees half a file.
/// </summary>
public static class MetricsFiles
{
    /// <summary>The JSON file's name.</summary>
    public const string JsonFile = "metrics.json";

    /// <summary>The CSV file's name.</summary>
    public const string CsvFile = "metrics.csv";

    /// <summary>The CSV file's first line.</summary>
    public const string CsvHeader = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,images_per_second,seconds";

    /// <summary>Writes both files into <paramref name="folder"/>.</summary>
    public static void Write(string folder, IReadOnlyList<EpochMetrics> metrics)
    {
        var list = metrics as List<EpochMetrics> ?? new List<EpochMetrics>(metrics);
        Replace(Path.Combine(folder, JsonFile), JsonSerializer.Serialize(list, TrainingJsonContext.Default.ListEpochMetrics));
        var csv = new StringBuilder(CsvHeader).Append('\n');
        foreach (var m in metrics)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{m.Epoch},{m.TrainLoss:R},{m.TrainAccuracy:R},{m.ValidationLoss:R},{m.ValidationAccuracy:R},{m.ImagesPerSecond:0.0},{m.Seconds:0.000}\n");
        }
        Replace(Path.Combine(folder, CsvFile), csv.ToString());
    }

    private static void Replace(string path, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        DurableFile.Replace(path, stream => stream.Write(bytes));
    }
}
