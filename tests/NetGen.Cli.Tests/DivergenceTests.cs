using NetGen.Cli.Commands;
using NetGen.Cli.Reports;
using NetGen.Cli.Training;
using NetGen.Training;
using NetGen.Generator.Model;
using NetGen.Weights;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>A diverging run stops with epoch, step and loss, keeps the last good checkpoint and exits 1; NaN or infinite weights do not load.</summary>
[Collection(TrainingCollection.Name)]
public class DivergenceTests
{
    private readonly TrainedRun _run;

    public DivergenceTests(TrainedRun run) => _run = run;

    /// <summary>480 digits of all ten classes (the shared run's are all zeros, which no learning rate makes diverge).</summary>
    private static readonly Lazy<string> Digits = new(() => TestData.MnistFolder(480, every: 20));

    [Theory]
    [InlineData(OptimizerKind.None)]
    [InlineData(OptimizerKind.Adam)]
    public void A_huge_learning_rate_stops_at_the_step_it_diverges_and_writes_no_checkpoint(OptimizerKind optimizer)
    {
        string output = Path.Combine(TestData.TempFolder(), "run");
        var (code, printed, errors) = TrainedRun.Train(new TrainOptions(_run.NetFile, Digits.Value, 2, LearningRate: 1e6f, Optimizer: optimizer, Out: output, Cache: _run.Cache));

        Assert.True(code == 1, printed + errors);
        // Step 1 is the loss of the initial weights; its update makes step 2's loss enormous but finite.
        Assert.Matches(@"^error: training diverged at epoch 1, step 2: loss \d(\.\d+)?e\d+ is over 1e4 x the first steps' mean 2\.\d+; " +
            @"try a lower --lr \(now 1e6\)\. No checkpoint was written\.\s*$", errors);
        Assert.DoesNotContain("Done", printed);
        Assert.False(File.Exists(Path.Combine(output, CheckpointStore.WeightsFile)));
    }

    [Fact]
    public void A_resumed_run_that_diverges_keeps_the_checkpoint_it_resumed_from()
    {
        string folder = Path.Combine(TestData.TempFolder(), "run");
        var (trained, _, trainErrors) = TrainedRun.Train(new TrainOptions(_run.NetFile, Digits.Value, 1, Out: folder, Cache: _run.Cache));
        Assert.True(trained == 0, trainErrors);
        // The mean of the first 10 steps, kept for the resumed run: about the loss of the initial weights, ln 10 for ten classes.
        Assert.InRange(CheckpointStore.Read(folder).LossReference!.Value, 1.5, 3.5);
        var before = Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        var (code, _, errors) = TrainedRun.Train(new TrainOptions(_run.NetFile, Digits.Value, 3, LearningRate: 1e6f, Resume: folder, Cache: _run.Cache));

        Assert.Equal(1, code);
        // 432 training digits: 14 steps an epoch.
        Assert.StartsWith("error: training diverged at epoch 2, step 16: loss ", errors);
        Assert.Contains($"The last good checkpoint, after epoch 1 (step 14), is kept in {folder}.", errors);
        foreach (var (name, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, name))), name + " changed");
    }

    /// <summary>A copy of the trained run whose weights have conv1.weight[3] = NaN and fc.bias[1] = +infinity (metadata kept, so the step still matches).</summary>
    private string NonFiniteCheckpoint()
    {
        string copy = TestData.TempFolder();
        TestData.CopyFolder(_run.Out, copy);
        string path = TestData.CheckpointFile(copy);
        Rewrite(path, values =>
        {
            values["conv1.weight"][3] = float.NaN;
            values["fc.bias"][1] = float.PositiveInfinity;
        });
        return copy;
    }

    /// <summary>Rewrites a safetensors file after <paramref name="change"/> edits its values (name to data), keeping its metadata.</summary>
    private static void Rewrite(string path, Action<Dictionary<string, float[]>> change)
    {
        Dictionary<string, float[]> values;
        Dictionary<string, int[]> shapes;
        Dictionary<string, string> metadata;
        using (var file = SafetensorsFile.Open(path))
        {
            metadata = new Dictionary<string, string>(file.Metadata);
            values = file.Tensors.ToDictionary(t => t.Name, t => file.ReadFloats(t.Name));
            shapes = file.Tensors.ToDictionary(t => t.Name, t => t.Shape.ToArray());
        }
        change(values);
        Safetensors.Write(path, values.Select(v => new NamedTensor(v.Key, shapes[v.Key], v.Value)), metadata);
    }

    private static string Expected(string folder) =>
        $"{TestData.CheckpointFile(folder)}: error: tensor 'conv1.weight' has NaN at index 3";

    [Fact]
    public void Eval_of_nan_weights_names_the_tensor_and_index()
    {
        string copy = NonFiniteCheckpoint();
        var errors = new StringWriter();
        int code = EvalCommand.Run(new EvalOptions(_run.NetFile, _run.Data, copy, Cache: _run.Cache), TextWriter.Null, errors);

        Assert.Equal(1, code);
        Assert.Equal(Expected(copy), errors.ToString().Trim());
    }

    [Fact]
    public void Predict_of_nan_weights_names_the_tensor_and_index()
    {
        string copy = NonFiniteCheckpoint();
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = PredictCommand.Run(new PredictOptions(_run.NetFile, copy, Path.Combine(_run.Data, "train-images-idx3-ubyte"), Cache: _run.Cache), output, errors);

        Assert.Equal(1, code);
        Assert.Equal(Expected(copy), errors.ToString().Trim());
        Assert.DoesNotContain("NaN%", output.ToString());
    }

    [Fact]
    public void Resume_of_nan_weights_names_the_tensor_and_index()
    {
        string copy = NonFiniteCheckpoint();
        var (code, _, errors) = TrainedRun.Train(_run.Options(3, resume: copy));

        Assert.Equal(1, code);
        Assert.Equal(Expected(copy), errors.Trim());
    }

    [Fact]
    public void Resume_of_a_nan_optimizer_state_names_it()
    {
        string copy = TestData.TempFolder();
        TestData.CopyFolder(_run.Out, copy);
        string path = TestData.CheckpointFile(copy, "optimizerState");
        Rewrite(path, values => values["optimizer.state"][7] = float.NegativeInfinity);

        var (code, _, errors) = TrainedRun.Train(_run.Options(3, resume: copy));

        Assert.Equal(1, code);
        Assert.Equal($"{path}: error: tensor 'optimizer.state' has -Infinity at index 7", errors.Trim());
    }

    [Fact]
    public void The_loss_plot_of_a_run_that_spiked_and_overflowed_is_drawn_on_a_log_axis()
    {
        // What an undetected lr 1e6 run wrote: a first epoch of 1.9e7 nats, then a validation loss that overflowed.
        var metrics = new List<EpochMetrics>
        {
            new(1, 1.87e7, 0.097, 25.25, 0.086, 20_000, 0.5),
            new(2, 4.62e5, 0.104, double.PositiveInfinity, 0.113, 51_000, 0.2),
            new(3, 0.31, 0.9, double.NaN, 0.1, 51_000, 0.2),
        };
        string folder = TestData.TempFolder();

        Plots.WriteCurves(folder, metrics, "TinyDigits");

        Assert.True(TestData.IsPng(Path.Combine(folder, Plots.LossFile)));
        Assert.True(TestData.IsPng(Path.Combine(folder, Plots.AccuracyFile)));
    }
}
