using NetGen.Data;
using NetGen.Execution;
using NetGen.Training;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// The library's training loop: it learns, calls its callbacks in order, allocates nothing per
/// batch, stops early on a plateau with the best weights back, keeps best and last checkpoints,
/// resumes an interrupted run bit for bit, and names a bad option.
/// </summary>
public sealed class TrainerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "netgen-trainer-" + Guid.NewGuid().ToString("N"));
    private static readonly MnistDataset Train = Stripes.Make(240, 1), Validation = Stripes.Make(60, 2);

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Fit_learns_the_stripes_and_calls_every_hook_in_order()
    {
        using var network = new StripeNet(3, ExecutionMode.Training);
        var log = new HookLog();
        var trainer = new Trainer(new TrainerOptions { Epochs = 4, LearningRate = 0.01f, Callbacks = [log] });

        var result = trainer.Fit(network, Train, Validation);

        Assert.Equal(TrainingStop.Completed, result.Stop);
        Assert.Equal([1, 2, 3, 4], result.History.Select(m => m.Epoch));
        Assert.True(result.History[^1].ValidationAccuracy > 0.95, $"validation accuracy {result.History[^1].ValidationAccuracy:P1}");
        Assert.True(result.History[^1].TrainLoss < 0.5 * result.History[0].TrainLoss, $"train loss {result.History[0].TrainLoss} -> {result.History[^1].TrainLoss}");
        Assert.Equal(4 * 30, network.StepCount);
        // 240 samples in batches of 8: 30 batches an epoch.
        string epoch = "epoch " + string.Concat(Enumerable.Repeat("b", 30)) + " validate end ";
        Assert.Equal("begin " + string.Concat(Enumerable.Repeat(epoch, 4)) + "done:Completed", log.Text);
        var evaluated = network.Evaluate(Validation.Images, Array.ConvertAll(Validation.Labels.ToArray(), b => (int)b));
        Assert.Equal(evaluated.Loss, result.History[^1].ValidationLoss, 5);
    }

    [Fact]
    public void The_batch_loop_allocates_nothing()
    {
        using var network = new StripeNet(3, ExecutionMode.Training);
        var probe = new AllocationProbe();
        var trainer = new Trainer(new TrainerOptions
        {
            Epochs = 2, LearningRate = 0.01f, Callbacks = [probe],
            Schedule = new CosineSchedule(0.01f, 60), ScheduleUnit = ScheduleUnit.Step,
        });

        trainer.Fit(network, Train, Validation);

        // Between two batch ends: the next batch's copy, the schedule, the step, the monitor, the hooks.
        Assert.Equal(2 * 29, probe.Gaps.Count);
        Assert.True(probe.Gaps.All(bytes => bytes == 0), "bytes allocated between batch ends: " + string.Join(", ", probe.Gaps.Where(b => b != 0)));
    }

    [Fact]
    public void A_per_epoch_schedule_sets_each_epochs_rate()
    {
        using var network = new StripeNet(3, ExecutionMode.Training);
        var rates = new RateLog();
        var trainer = new Trainer(new TrainerOptions
        {
            Epochs = 5, LearningRate = 0.02f, Callbacks = [rates],
            Schedule = ScheduleSyntax.Parse("warmup:2,step:2:0.5", 0.02f, 5),
        });

        trainer.Fit(network, Train, Validation);

        Assert.Equal([0.01f, 0.02f, 0.02f, 0.02f, 0.01f], rates.Rates);
    }

    [Fact]
    public void Early_stopping_stops_after_patience_epochs_without_improvement()
    {
        // From epoch 3 the rate is 0: Adam's update is 0, the weights stay, and the validation loss
        // repeats epoch 2's exactly, which is no improvement.
        using var network = new StripeNet(3, ExecutionMode.Training);
        var trainer = new Trainer(new TrainerOptions
        {
            Epochs = 20, LearningRate = 0.01f, Schedule = new StepSchedule(0.01f, 2, 0f),
            EarlyStopping = new EarlyStopping(MonitoredMetric.ValidationLoss, patience: 3),
        });

        var result = trainer.Fit(network, Train, Validation);

        Assert.Equal(TrainingStop.EarlyStopped, result.Stop);
        Assert.Equal(5, result.History.Count);
        Assert.Equal(new BestSoFar("val_loss", result.History[1].ValidationLoss, 2, 3, Stopped: true), result.Best);
        Assert.Contains("val_loss did not improve for 3 epochs", result.Reason);
    }

    [Fact]
    public void Early_stopping_restores_the_best_epochs_weights_from_memory_and_from_the_best_checkpoint()
    {
        foreach (string? folder in new[] { null, _folder })
        {
            using var network = new StripeNet(3, ExecutionMode.Training);
            var trainer = new Trainer(new TrainerOptions
            {
                Epochs = 20, LearningRate = 0.01f, Schedule = new Jump(2, 0.01f, 3f), MonitorDivergence = false,
                EarlyStopping = new EarlyStopping(MonitoredMetric.ValidationLoss, patience: 2), CheckpointFolder = folder,
            });

            var result = trainer.Fit(network, Train, Validation);

            Assert.Equal(TrainingStop.EarlyStopped, result.Stop);
            Assert.True(result.RestoredBestWeights);
            var best = result.Best!;
            var now = network.Evaluate(Validation.Images, Array.ConvertAll(Validation.Labels.ToArray(), b => (int)b));
            Assert.Equal(best.Value, now.Loss, 5);
            Assert.NotEqual(result.History[^1].ValidationLoss, now.Loss, 3);
            if (folder is not null) Assert.Equal(best.Epoch, CheckpointStore.Read(Path.Combine(folder, CheckpointStore.BestFolder)).Epoch);
        }
    }

    [Fact]
    public void A_cancelled_run_resumes_to_the_weights_of_an_uninterrupted_run()
    {
        using var straight = new StripeNet(3, ExecutionMode.Training);
        new Trainer(new TrainerOptions { Epochs = 3, LearningRate = 0.01f }).Fit(straight, Train, Validation);

        using var first = new StripeNet(3, ExecutionMode.Training);
        using var cancel = new CancellationTokenSource();
        var stopped = new Trainer(new TrainerOptions { Epochs = 3, LearningRate = 0.01f, CheckpointFolder = _folder, Callbacks = [new CancelAt(cancel, 2, 7)] })
            .Fit(first, Train, Validation, cancel.Token);
        Assert.Equal(TrainingStop.Cancelled, stopped.Stop);
        var saved = CheckpointStore.Read(_folder);
        Assert.Equal((1, 30 + 7, 7), (saved.Epoch, saved.Step, saved.Partial!.Batches));

        using var resumed = new StripeNet(99, ExecutionMode.Training);
        var result = new Trainer(new TrainerOptions { Epochs = 3, CheckpointFolder = _folder, ResumeFrom = _folder }).Fit(resumed, Train, Validation);

        Assert.Equal(TrainingStop.Completed, result.Stop);
        Assert.Equal(90, resumed.StepCount);
        Assert.Equal(0.01f, result.State.LearningRate);
        foreach (var tensor in ((INetwork)straight).ParameterTable)
        {
            var a = new float[tensor.Length];
            var b = new float[tensor.Length];
            straight.CopyParameter(tensor.Name, a);
            resumed.CopyParameter(tensor.Name, b);
            Assert.Equal(a, b);
        }
        Assert.Equal(3, CheckpointStore.Read(_folder).Metrics.Count);
        Assert.True(File.Exists(Path.Combine(_folder, MetricsFiles.CsvFile)));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(_folder, MetricsFiles.CsvFile)).Length);
        Assert.True(File.Exists(Path.Combine(_folder, CheckpointStore.BestFolder, CheckpointStore.StateFile)));
    }

    [Fact]
    public void A_callback_can_stop_the_run_at_an_epochs_end()
    {
        using var network = new StripeNet(3, ExecutionMode.Training);
        var result = new Trainer(new TrainerOptions { Epochs = 10, LearningRate = 0.01f, Callbacks = [new StopAbove(0.9)] }).Fit(network, Train, Validation);

        Assert.Equal(TrainingStop.StoppedByCallback, result.Stop);
        Assert.Equal("accurate enough", result.Reason);
        Assert.True(result.History[^1].ValidationAccuracy > 0.9);
        Assert.True(result.History.Count < 10);
        Assert.All(result.History.SkipLast(1), m => Assert.True(m.ValidationAccuracy <= 0.9));
    }

    [Fact]
    public void A_diverging_run_stops_with_where_and_what()
    {
        using var network = new StripeNet(3, ExecutionMode.Training);
        var trainer = new Trainer(new TrainerOptions { Epochs = 3, LearningRate = 1e8f, CheckpointFolder = _folder });

        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(network, Train, Validation));

        Assert.Equal(1, e.Divergence.Epoch);
        Assert.Null(e.LastCheckpoint);
        Assert.StartsWith("training diverged at epoch 1, step ", e.Message);
        Assert.EndsWith("try a lower learning rate (now 1e8). No checkpoint was written.", e.Message);
        Assert.False(File.Exists(Path.Combine(_folder, CheckpointStore.StateFile)));
    }

    [Theory]
    [InlineData("Epochs", "TrainerOptions.Epochs is 0; it must be a whole number from 1 to 1,000,000.")]
    [InlineData("BatchSize", "TrainerOptions.BatchSize is -2; it must be at least 1.")]
    [InlineData("ValidationFraction", "TrainerOptions.ValidationFraction is 1.5; it must be a share between 0 and 1, both excluded.")]
    [InlineData("LearningRate", "TrainerOptions.LearningRate is NaN; it must be a finite number, 0 or more.")]
    public void A_bad_option_is_named_with_its_value(string option, string message)
    {
        var options = option switch
        {
            "Epochs" => new TrainerOptions { Epochs = 0 },
            "BatchSize" => new TrainerOptions { BatchSize = -2 },
            "ValidationFraction" => new TrainerOptions { ValidationFraction = 1.5 },
            _ => new TrainerOptions { LearningRate = float.NaN },
        };

        var e = Assert.Throws<ArgumentException>(() => new Trainer(options));

        Assert.Equal(option, e.ParamName);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Resuming_with_another_seed_is_refused_naming_both()
    {
        using var network = new StripeNet(3, ExecutionMode.Training);
        new Trainer(new TrainerOptions { Epochs = 1, LearningRate = 0.01f, CheckpointFolder = _folder }).Fit(network, Train, Validation);
        using var other = new StripeNet(3, ExecutionMode.Training);

        var e = Assert.Throws<ArgumentException>(() =>
            new Trainer(new TrainerOptions { Epochs = 2, Seed = 7, ResumeFrom = _folder }).Fit(other, Train, Validation));

        Assert.StartsWith($"TrainerOptions.Seed is 7, but the checkpoint in {_folder} was trained with 42", e.Message);
    }

    [Fact]
    public void Early_stopping_without_validation_data_is_refused()
    {
        using var network = new StripeNet(3, ExecutionMode.Training);
        var trainer = new Trainer(new TrainerOptions { EarlyStopping = new EarlyStopping() });

        var e = Assert.Throws<ArgumentException>(() => trainer.Fit(network, Train, validation: null));

        Assert.Contains("TrainerOptions.EarlyStopping watches the validation metrics", e.Message);
    }

    [Fact]
    public void Fit_on_one_dataset_holds_out_the_validation_fraction()
    {
        using var network = new StripeNet(3, ExecutionMode.Training);
        var log = new HookLog();
        var result = new Trainer(new TrainerOptions { Epochs = 1, LearningRate = 0.01f, ValidationFraction = 0.25, Callbacks = [log] }).Fit(network, Train);

        // 240 samples, 60 held out: 180 train in 23 batches of 8 (the last of 4).
        Assert.Equal(23, network.StepCount);
        Assert.Equal(0.25, result.State.ValidationFraction);
        Assert.False(double.IsNaN(result.History[0].ValidationLoss));
    }

    /// <summary>Records the hooks as words: "begin epoch b b ... validate end ... done:STOP".</summary>
    private sealed class HookLog : ITrainingCallback
    {
        private readonly System.Text.StringBuilder _text = new();

        public string Text => _text.ToString();

        public void OnTrainBegin(TrainingContext context) => _text.Append("begin ");
        public void OnEpochBegin(TrainingContext context) => _text.Append("epoch ");
        public void OnBatchEnd(TrainingContext context, in BatchMetrics batch) => _text.Append('b');
        public void OnValidationBegin(TrainingContext context) => _text.Append(" validate ");
        public void OnEpochEnd(TrainingContext context, EpochMetrics metrics) => _text.Append("end ");
        public void OnTrainEnd(TrainingContext context, TrainingResult result) => _text.Append("done:").Append(result.Stop);
    }

    /// <summary>Bytes this thread allocated between consecutive batch ends of one epoch.</summary>
    private sealed class AllocationProbe : ITrainingCallback
    {
        private long _last = -1;

        public List<long> Gaps { get; } = new(capacity: 1000);

        public void OnEpochBegin(TrainingContext context) => _last = -1;

        public void OnBatchEnd(TrainingContext context, in BatchMetrics batch)
        {
            long now = GC.GetAllocatedBytesForCurrentThread();
            if (_last >= 0) Gaps.Add(now - _last);
            _last = GC.GetAllocatedBytesForCurrentThread();
        }
    }

    private sealed class RateLog : ITrainingCallback
    {
        public List<float> Rates { get; } = [];

        public void OnEpochBegin(TrainingContext context) => Rates.Add(context.LearningRate);
    }

    private sealed class CancelAt(CancellationTokenSource cancel, int epoch, int batch) : ITrainingCallback
    {
        public void OnBatchEnd(TrainingContext context, in BatchMetrics metrics)
        {
            if (context.Epoch == epoch && metrics.Batch == batch) cancel.Cancel();
        }
    }

    private sealed class StopAbove(double accuracy) : ITrainingCallback
    {
        public void OnEpochEnd(TrainingContext context, EpochMetrics metrics)
        {
            if (metrics.ValidationAccuracy > accuracy) context.StopTraining("accurate enough");
        }
    }

    /// <summary>A good rate for the first epochs, then one far too large: the validation loss gets worse.</summary>
    private sealed class Jump(int goodEpochs, float good, float bad) : ILearningRateSchedule
    {
        public float At(int t) => t < goodEpochs ? good : bad;
    }
}
