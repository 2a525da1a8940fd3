using System.Globalization;
using NetGen.Cli.Compilation;
using NetGen.Training;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>
/// `netgen train --schedule` and `--early-stopping`: bad values are usage errors before anything compiles, good ones shape the run;
/// a resumed run keeps its checkpoint's schedule (another needs --replace-schedule); a cached network trains without its analysis.
/// </summary>
[Collection(TrainingCollection.Name)]
public class TrainScheduleTests
{
    private readonly TrainedRun _run;

    public TrainScheduleTests(TrainedRun run) => _run = run;

    [Theory]
    [InlineData("linear", "--schedule: error: schedule 'linear': unknown schedule 'linear'; the forms are constant, step:EPOCHS[:GAMMA], cosine[:MIN], plateau:PATIENCE[:FACTOR[:MIN]] or warmup:EPOCHS,SCHEDULE")]
    [InlineData("warmup:3,cosine", "--schedule: error: schedule 'warmup:3,cosine': the warmup's 3 epochs leave none of the run's 3 for the schedule after it")]
    public void A_bad_schedule_is_a_usage_error(string schedule, string message)
    {
        var (code, output, errors) = TrainedRun.Train(_run.Options(3, TestData.TempFolder()) with { Schedule = schedule });

        Assert.Equal(2, code);
        Assert.Equal(message, errors.Trim());
        Assert.Equal("", output);
    }

    [Fact]
    public void A_bad_early_stopping_is_a_usage_error()
    {
        var (code, _, errors) = TrainedRun.Train(_run.Options(3, TestData.TempFolder()) with { EarlyStopping = "val_loss:zero" });

        Assert.Equal(2, code);
        Assert.Equal("--early-stopping: error: early stopping 'val_loss:zero': the patience must be a whole number of epochs, at least 1, not 'zero'", errors.Trim());
    }

    [Fact]
    public void A_run_that_stops_improving_stops_early_and_keeps_the_best_epoch()
    {
        // step:1:0 sets the rate to 0 from epoch 2: Adam's updates vanish, so epoch 2 ends with epoch 1's weights
        // (only dropout's masks change, and validation runs without them), an equal validation loss, no improvement.
        string folder = TestData.TempFolder();
        var (code, output, errors) = TrainedRun.Train(_run.Options(5, folder) with { Schedule = "step:1:0", EarlyStopping = "val_loss:1" });

        Assert.True(code == 0, errors);
        Assert.Contains("learning rate 0.001 (schedule step:1:0), early stopping val_loss:1, batch 32", output);
        Assert.Contains("Stopped early after epoch 2: val_loss did not improve for 1 epoch; the best was ", output);
        Assert.Contains($"Best: epoch 1, validation accuracy ", output);
        Assert.Contains($"(epoch 1's weights, in {Path.Combine(folder, "best")})", output);
        var rows = File.ReadAllLines(Path.Combine(folder, MetricsFiles.CsvFile)).Skip(1).Select(r => r.Split(',')).ToArray();
        Assert.Equal(2, rows.Length);
        Assert.Equal(rows[0][3], rows[1][3]);
        var best = CheckpointStore.Read(Path.Combine(folder, CheckpointStore.BestFolder));
        Assert.Equal((1, 12L), (best.Epoch, best.Step));
        var last = CheckpointStore.Read(folder);
        Assert.Equal(new BestSoFar("val_loss", double.Parse(rows[0][3], CultureInfo.InvariantCulture), 1, 1, Stopped: true), last.Best);

        // Resuming a run that stopped early has nothing left to do.
        var (again, more, _) = TrainedRun.Train(new(_run.NetFile, _run.Data, 5, Resume: folder, EarlyStopping: "val_loss:1", Schedule: "step:1:0", Cache: _run.Cache));
        Assert.Equal(0, again);
        Assert.Contains("Stopped early after epoch 2", more);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(folder, MetricsFiles.CsvFile)).Length - 1);
    }

    [Fact]
    public void A_run_without_early_stopping_writes_no_best_folder()
    {
        Assert.False(Directory.Exists(Path.Combine(_run.Out, CheckpointStore.BestFolder)));
        Assert.Null(CheckpointStore.Read(_run.Out).Best is { Stopped: true } ? "stopped" : null);
    }

    [Fact]
    public void A_resumed_run_continues_its_checkpoints_schedule_and_refuses_another_unless_replaced()
    {
        string straight = TestData.TempFolder(), folder = TestData.TempFolder();
        var (code, _, errors) = TrainedRun.Train(_run.Options(2, straight) with { Schedule = "step:1:0.5" });
        Assert.True(code == 0, errors);
        (code, _, errors) = TrainedRun.Train(_run.Options(1, folder) with { Schedule = "step:1:0.5" });
        Assert.True(code == 0, errors);
        Assert.Equal("step:1:0.5", CheckpointStore.Read(folder).Schedule);

        var (refused, _, why) = TrainedRun.Train(_run.Options(2, resume: folder) with { Schedule = "cosine" });
        Assert.Equal(1, refused);
        Assert.Equal($"{folder}: error: the checkpoint was trained with --schedule step:1:0.5; leave --schedule out to continue with it, or add --replace-schedule to train on with cosine", why.Trim());

        // Without --schedule epoch 2 runs at step:1:0.5's rate: the weights are the uninterrupted run's, bit for bit.
        var (resumed, output, resumeErrors) = TrainedRun.Train(_run.Options(2, resume: folder));
        Assert.True(resumed == 0, resumeErrors);
        Assert.Contains("(schedule step:1:0.5)", output);
        Assert.Equal(WeightBytes(straight), WeightBytes(folder));

        var (replaced, _, replaceErrors) = TrainedRun.Train(_run.Options(3, resume: folder) with { Schedule = "constant", ReplaceSchedule = true });
        Assert.True(replaced == 0, replaceErrors);
        Assert.Equal("constant", CheckpointStore.Read(folder).Schedule);
    }

    [Fact]
    public void A_cached_network_trains_without_rebuilding_its_analysis()
    {
        string folder = TestData.TempFolder();
        var cache = CompileCache.At(Path.Combine(folder, "cache"));
        var options = _run.Options(1, Path.Combine(folder, "run")) with { Cache = cache };
        Assert.Equal(0, TrainedRun.Train(options).ExitCode);

        var (code, _, errors) = TrainedRun.Train(options with { Out = Path.Combine(folder, "again") });

        Assert.True(code == 0, errors);
        Assert.Equal(0, cache.AnalysesRebuilt);
        // The counter counts: the same network from the same cache, its analysis asked for.
        using var compiled = NetworkCompiler.Compile(new CompileRequest(_run.NetFile, Cache: cache), new StringWriter());
        Assert.True(compiled.FromCache);
        Assert.Equal(compiled.TotalParams, compiled.Analysis.TotalParams);
        Assert.Equal(1, cache.AnalysesRebuilt);
    }

    private static byte[] WeightBytes(string folder) => File.ReadAllBytes(Path.Combine(folder, CheckpointStore.Read(folder).Weights));
}
