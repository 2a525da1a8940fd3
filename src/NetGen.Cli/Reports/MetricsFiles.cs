using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using NetGen.Cli.Training;

namespace NetGen.Cli.Reports;

/// <summary>metrics.json (an array of <see cref="EpochMetrics"/>) and metrics.csv (one row per epoch), rewritten atomically after each epoch.</summary>
internal static class MetricsFiles
{
    public const string JsonFile = "metrics.json";
    public const string CsvFile = "metrics.csv";
    public const string CsvHeader = "epoch,train_loss,train_accuracy,val_loss,val_accuracy,images_per_second,seconds";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    public static void Write(string folder, IReadOnlyList<EpochMetrics> metrics)
    {
        AtomicFile.WriteAllText(Path.Combine(folder, JsonFile), JsonSerializer.Serialize(metrics, Json));
        var csv = new StringBuilder(CsvHeader).Append('\n');
        foreach (var m in metrics)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{m.Epoch},{m.TrainLoss:R},{m.TrainAccuracy:R},{m.ValidationLoss:R},{m.ValidationAccuracy:R},{m.ImagesPerSecond:0.0},{m.Seconds:0.000}\n");
        }
        AtomicFile.WriteAllText(Path.Combine(folder, CsvFile), csv.ToString());
    }
}
