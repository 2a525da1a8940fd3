using System.Globalization;
using System.Text.Json;
using NetGen.Cli.Training;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>`netgen train`: what it writes after each epoch, and that the run learns.</summary>
[Collection(TrainingCollection.Name)]
public class TrainCommandTests
{
    private readonly TrainedRun _run;

    public TrainCommandTests(TrainedRun run) => _run = run;

    [Fact]
    public void Train_succeeds_and_prints_one_line_per_epoch()
    {
        Assert.True(_run.ExitCode == 0, _run.Errors);
        Assert.Equal("", _run.Errors);
        Assert.Contains("Network: TinyDigits", _run.Output);
        Assert.Contains("360 training, 120 validation samples (1, 28, 28)", _run.Output);
        Assert.Matches(@"\nepoch 1/2  loss \d\.\d{4}  acc \d+\.\d\d%  val loss \d\.\d{4}  val acc \d+\.\d\d%  [\d,]+ img/s  \d+\.\d s\n", _run.Output);
        Assert.Matches(@"\nepoch 2/2  loss ", _run.Output);
        Assert.Contains("Done: 2 epochs, 24 steps", _run.Output);
    }

    [Fact]
    public void Metrics_csv_has_a_row_per_epoch_and_the_loss_falls()
    {
        var lines = File.ReadAllLines(Path.Combine(_run.Out, "metrics.csv"));
        Assert.Equal("epoch,train_loss,train_accuracy,val_loss,val_accuracy,images_per_second,seconds", lines[0]);
        Assert.Equal(1 + TrainedRun.Epochs, lines.Length);
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.Equal([1.0, 2.0], rows.Select(r => r[0]));
        Assert.True(rows[1][1] < rows[0][1], $"train loss {rows[0][1]} then {rows[1][1]}");
        Assert.True(rows[1][3] < rows[0][3], $"validation loss {rows[0][3]} then {rows[1][3]}");
        // A 10-class guess is right 10% of the time; two epochs on 360 digits do far better.
        Assert.InRange(rows[1][4], 0.5, 1.0);
        // Accuracies are counts over 360 and 120 samples.
        Assert.Equal(0, rows[1][2] * 360 % 1, 6);
        Assert.Equal(0, rows[1][4] * 120 % 1, 6);
    }

    [Fact]
    public void Metrics_json_agrees_with_the_csv()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_run.Out, "metrics.json")));
        var epochs = json.RootElement.EnumerateArray().ToArray();
        Assert.Equal(2, epochs.Length);
        var csv = File.ReadAllLines(Path.Combine(_run.Out, "metrics.csv"))[2].Split(',');
        Assert.Equal(double.Parse(csv[1], CultureInfo.InvariantCulture), epochs[1].GetProperty("trainLoss").GetDouble());
        Assert.Equal(double.Parse(csv[4], CultureInfo.InvariantCulture), epochs[1].GetProperty("validationAccuracy").GetDouble());
    }

    [Fact]
    public void Checkpoint_records_epoch_step_seed_and_optimizer_state()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_run.Out, "checkpoint.json")));
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("epoch").GetInt32());
        Assert.Equal(2 * TrainedRun.BatchesPerEpoch, root.GetProperty("step").GetInt64());
        Assert.Equal(42UL, root.GetProperty("seed").GetUInt64());
        Assert.Equal("adam", root.GetProperty("optimizer").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("partial").ValueKind);
        Assert.Equal(2, root.GetProperty("metrics").GetArrayLength());
        // The dropout generator: xoshiro128**'s four 32-bit words.
        Assert.Equal(16, Convert.FromBase64String(root.GetProperty("randomState").GetString()!).Length);

        // Weights in PyTorch layout: conv1.weight (4, 1, 3, 3), fc.weight (10, 676).
        using var weights = NetGen.Weights.SafetensorsFile.Open(TestData.CheckpointFile(_run.Out));
        Assert.Equal([4, 1, 3, 3], weights.GetTensor("conv1.weight").Shape.ToArray());
        Assert.Equal([10, 676], weights.GetTensor("fc.weight").Shape.ToArray());
        // Adam keeps two moments per trainable parameter: 2 x 6,810.
        using var state = NetGen.Weights.SafetensorsFile.Open(TestData.CheckpointFile(_run.Out, "optimizerState"));
        Assert.Equal([2 * 6_810], state.GetTensor("optimizer.state").Shape.ToArray());
        Assert.False(Directory.EnumerateFiles(_run.Out, "*.tmp").Any());
    }

    [Fact]
    public void Loss_and_accuracy_plots_are_png_files()
    {
        Assert.True(TestData.IsPng(Path.Combine(_run.Out, "loss.png")));
        Assert.True(TestData.IsPng(Path.Combine(_run.Out, "accuracy.png")));
    }
}
