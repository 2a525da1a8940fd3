using System.Text.Json;
using NetGen.Cli.Commands;
using NetGen.Cli.Compilation;
using NetGen.Cli.Data;
using NetGen.Cli.Training;
using NetGen.Training;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>Resuming from a checkpoint, after a finished epoch and after an interruption inside one.</summary>
[Collection(TrainingCollection.Name)]
public class ResumeTests
{
    private readonly TrainedRun _run;

    public ResumeTests(TrainedRun run) => _run = run;

    [Fact]
    public void Resume_continues_the_epochs_and_the_step_count()
    {
        string copy = Path.Combine(TestData.TempFolder(), "run");
        TestData.CopyFolder(_run.Out, copy);

        var (code, output, errors) = TrainedRun.Train(_run.Options(epochs: 3, resume: copy));

        Assert.True(code == 0, errors);
        Assert.Contains("Resuming after epoch 2 (step 24)", output);
        Assert.DoesNotContain("epoch 1/3", output);
        Assert.Contains("epoch 3/3", output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(copy, "checkpoint.json")));
        Assert.Equal(3, json.RootElement.GetProperty("epoch").GetInt32());
        Assert.Equal(3 * TrainedRun.BatchesPerEpoch, json.RootElement.GetProperty("step").GetInt64());
        var csv = File.ReadAllLines(Path.Combine(copy, "metrics.csv"));
        Assert.Equal(4, csv.Length);
        // The first two epochs are the original run's, unchanged.
        var original = File.ReadAllLines(Path.Combine(_run.Out, "metrics.csv"));
        Assert.Equal(original[1], csv[1]);
        Assert.Equal(original[2], csv[2]);
    }

    [Fact]
    public void Interrupted_run_checkpoints_mid_epoch_and_resumes_to_the_same_weights()
    {
        string folder = Path.Combine(TestData.TempFolder(), "run");
        using var cancel = new CancellationTokenSource();
        // Stop after batch 5 of epoch 1, as Ctrl-C does between batches.
        var state = TrainUntilCancelled(folder, cancel, stopAfterBatch: 5);
        Assert.Equal(0, state.Epoch);
        Assert.Equal(5, state.Step);
        Assert.Equal(5, state.Partial!.Batches);
        Assert.Equal(160, state.Partial.Seen);

        var (code, output, errors) = TrainedRun.Train(_run.Options(TrainedRun.Epochs, resume: folder));

        Assert.True(code == 0, errors);
        Assert.Contains("epoch 1/2: resuming at batch 6 of 12", output);
        // Same batches in the same order with the same optimizer state: bit-identical to the uninterrupted run.
        Assert.Equal(File.ReadAllBytes(TestData.CheckpointFile(_run.Out)), File.ReadAllBytes(TestData.CheckpointFile(folder)));
        Assert.Equal(File.ReadAllBytes(TestData.CheckpointFile(_run.Out, "optimizerState")), File.ReadAllBytes(TestData.CheckpointFile(folder, "optimizerState")));
        var columns = (string line) => string.Join(",", line.Split(',')[..5]);
        Assert.Equal(File.ReadAllLines(Path.Combine(_run.Out, "metrics.csv")).Select(columns), File.ReadAllLines(Path.Combine(folder, "metrics.csv")).Select(columns));
    }

    [Fact]
    public void Cancelled_command_exits_130_and_says_where_the_checkpoint_is()
    {
        string folder = Path.Combine(TestData.TempFolder(), "run");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        var (code, _, errors) = TrainedRun.Train(_run.Options(TrainedRun.Epochs, outFolder: folder), cancel.Token);

        Assert.Equal(130, code);
        Assert.Contains($"checkpoint written to {folder}; continue with --resume {folder}", errors);
        Assert.True(File.Exists(Path.Combine(folder, "checkpoint.json")));
        Assert.True(File.Exists(TestData.CheckpointFile(folder)));
    }

    [Fact]
    public void Folder_holds_one_step_of_files_named_by_the_manifest()
    {
        string[] names = [.. Directory.GetFiles(_run.Out).Select(p => Path.GetFileName(p)).Where(n => n.EndsWith(".safetensors") || n.EndsWith(".tmp")).Order()];

        Assert.Equal(new[] { "optimizer-000024.safetensors", "weights-000024.safetensors" }, names);
        Assert.Equal(Path.Combine(_run.Out, "weights-000024.safetensors"), TestData.CheckpointFile(_run.Out));
    }

    [Fact]
    public void Save_at_the_step_the_folder_holds_does_not_rewrite_the_files_in_use()
    {
        string folder = Path.Combine(TestData.TempFolder(), "run");
        using var cancel = new CancellationTokenSource();
        // Stopped after the last batch of epoch 1: the checkpoint is at step 12, inside the epoch.
        Assert.Equal(TrainedRun.BatchesPerEpoch, TrainUntilCancelled(folder, cancel, stopAfterBatch: TrainedRun.BatchesPerEpoch).Step);
        Assert.Equal(Path.Combine(folder, "weights-000012.safetensors"), TestData.CheckpointFile(folder));

        // Resuming only validates and saves the end of epoch 1: step 12 again, under other names.
        var (code, _, errors) = TrainedRun.Train(_run.Options(1, resume: folder));

        Assert.True(code == 0, errors);
        Assert.Equal(Path.Combine(folder, "weights-000012.1.safetensors"), TestData.CheckpointFile(folder));
        Assert.Equal(["optimizer-000012.1.safetensors", "weights-000012.1.safetensors"],
            Directory.GetFiles(folder).Select(p => Path.GetFileName(p)).Where(n => n.EndsWith(".safetensors") || n.EndsWith(".tmp")).Order());
    }

    [Fact]
    public void Folder_from_before_step_named_files_resumes_and_is_moved_to_them()
    {
        string copy = Path.Combine(TestData.TempFolder(), "run");
        TestData.CopyFolder(_run.Out, copy);
        File.Move(Path.Combine(copy, "weights-000024.safetensors"), Path.Combine(copy, "checkpoint.safetensors"));
        File.Move(Path.Combine(copy, "optimizer-000024.safetensors"), Path.Combine(copy, "optimizer.safetensors"));
        string json = Path.Combine(copy, "checkpoint.json");
        var old = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        old["weights"] = "checkpoint.safetensors";
        old.Remove("optimizerState");
        File.WriteAllText(json, old.ToJsonString());

        var evalErrors = new StringWriter();
        Assert.Equal(0, EvalCommand.Run(new EvalOptions(_run.NetFile, _run.Data, copy, Cache: _run.Cache), new StringWriter(), evalErrors));
        var (code, output, errors) = TrainedRun.Train(_run.Options(epochs: 3, resume: copy));

        Assert.True(code == 0, errors);
        Assert.Contains("Resuming after epoch 2 (step 24)", output);
        Assert.Equal(Path.Combine(copy, "weights-000036.safetensors"), TestData.CheckpointFile(copy));
        Assert.False(File.Exists(Path.Combine(copy, "checkpoint.safetensors")));
        Assert.False(File.Exists(Path.Combine(copy, "optimizer.safetensors")));
    }

    [Fact]
    public void Resume_with_another_optimizer_is_an_error()
    {
        var options = _run.Options(3, resume: _run.Out) with { Optimizer = NetGen.Generator.Model.OptimizerKind.Sgd, Out = TestData.TempFolder() };

        var (code, _, errors) = TrainedRun.Train(options);

        Assert.Equal(1, code);
        Assert.Contains("error: the checkpoint was trained with --optimizer adam; its optimizer state cannot continue as sgd", errors);
    }

    /// <summary>Trains through <see cref="TrainingRun"/> (the library Trainer) with a callback that cancels after a given batch.</summary>
    private TrainingCheckpoint TrainUntilCancelled(string folder, CancellationTokenSource cancel, int stopAfterBatch)
    {
        using var compiled = NetworkCompiler.Compile(new CompileRequest(_run.NetFile, Cache: _run.Cache), TextWriter.Null);
        using var data = DataOpener.Open(_run.Data, compiled.InputShape, TrainedRun.ValidationFraction, TrainOptions.DefaultSeed, TextWriter.Null);
        using var network = compiled.CreateTrainable(TrainOptions.DefaultSeed);
        var start = new TrainingCheckpoint
        {
            Network = compiled.Name, Source = _run.NetFile, Optimizer = "adam", Batch = compiled.Batch, LearningRate = 1e-3f,
            Seed = TrainOptions.DefaultSeed, ValidationFraction = TrainedRun.ValidationFraction,
            InputShape = [1, 28, 28], ClassNames = [.. data.ClassNames],
        };
        var run = new TrainingRun(compiled, network, data, folder);
        var outcome = run.Run(start, run.Options(start, TrainedRun.Epochs), new CancelAfter(cancel, stopAfterBatch), cancel.Token);
        Assert.Equal(TrainingStop.Cancelled, outcome.Stop);
        return CheckpointStore.Read(folder);
    }

    private sealed class CancelAfter(CancellationTokenSource cancel, int batch) : ITrainingCallback
    {
        public void OnBatchEnd(TrainingContext context, in BatchMetrics metrics)
        {
            if (metrics.Batch == batch) cancel.Cancel();
        }
    }
}
