using NetGen.Data;
using NetGen.Execution;
using NetGen.Training;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// Reduce-on-plateau (<c>plateau:PATIENCE[:FACTOR[:MIN]]</c>) and the schedule text in the checkpoint:
/// the rule step by step, its syntax and errors, a run whose rate follows its own validation
/// metric, a cancelled plateau run that resumes bit for bit, a resumed run that continues the
/// checkpoint's schedule when given none, and one given another that is refused unless it asks.
/// </summary>
public sealed class PlateauScheduleTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "netgen-plateau-" + Guid.NewGuid().ToString("N"));
    private static readonly MnistDataset Train = Stripes.Make(240, 1), Validation = Stripes.Make(60, 2);

    // Validation accuracy on the stripes reaches 100 % within a few epochs and can then only stay,
    // so a plateau on it is certain; patience 50 keeps early stopping itself out of the way.
    private static readonly EarlyStopping OnAccuracy = new(MonitoredMetric.ValidationAccuracy, patience: 50);

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void The_rate_drops_by_the_factor_after_patience_epochs_without_improvement_down_to_the_minimum()
    {
        var plateau = new PlateauSchedule(0.1f, patience: 2, factor: 0.5f, minimum: 0.03f);
        double[] losses = [1.0, 0.9, 0.95, 0.9, 0.8, 0.85, 0.81, double.NaN, 0.9, 0.9, 0.9, 0.9];
        var rates = new List<float>();
        foreach (double loss in losses)
        {
            plateau.Observe(MonitoredMetric.ValidationLoss, loss);
            rates.Add(plateau.At(0));
        }

        // 0.9 equal to the best is no improvement; NaN is none either; 0.1 -> 0.05 -> 0.03 (not 0.025), then it stays.
        Assert.Equal([0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.03f, 0.03f, 0.03f, 0.03f, 0.03f, 0.03f], rates);
        Assert.Equal(new PlateauState(0.03f, 0.8, 1, 2), plateau.State);
        var accuracy = new PlateauSchedule(1f, patience: 1);
        Assert.False(accuracy.Observe(MonitoredMetric.ValidationAccuracy, 0.5));
        Assert.False(accuracy.Observe(MonitoredMetric.ValidationAccuracy, 0.6));
        Assert.True(accuracy.Observe(MonitoredMetric.ValidationAccuracy, 0.55));
        Assert.Equal(0.1f, accuracy.At(7));
    }

    [Theory]
    [InlineData("plateau:3", 3, 0.1f, 0f)]
    [InlineData("plateau:2:0.5", 2, 0.5f, 0f)]
    [InlineData(" plateau:1:0.25:1e-4 ", 1, 0.25f, 1e-4f)]
    public void The_syntax_reads_patience_factor_and_minimum(string text, int patience, float factor, float minimum)
    {
        var plateau = Assert.IsType<PlateauSchedule>(ScheduleSyntax.Parse(text, 0.1f, 10));

        Assert.Equal((patience, factor, minimum, 0.1f), (plateau.Patience, plateau.Factor, plateau.Minimum, plateau.At(5)));
    }

    [Theory]
    [InlineData("plateau", "schedule 'plateau': 'plateau' has the wrong number of ':' fields")]
    [InlineData("plateau:0", "schedule 'plateau:0': plateau's patience must be a whole number of at least 1, not '0'")]
    [InlineData("plateau:2:1", "schedule 'plateau:2:1': plateau's factor must lie between 0 and 1, both excluded, not 1")]
    [InlineData("plateau:2:0.5:0.5", "schedule 'plateau:2:0.5:0.5': plateau's minimum rate 0.5 is over the base rate 0.1")]
    [InlineData("warmup:1,plateau:2", "schedule 'warmup:1,plateau:2': plateau cannot follow a warmup")]
    public void A_bad_plateau_says_what_is_wrong(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => ScheduleSyntax.Parse(text, 0.1f, 10));

        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void A_plateau_run_lowers_its_rate_as_its_validation_metric_says_and_checkpoints_the_state()
    {
        using var network = new StripeNet(3, ExecutionMode.Training);
        var rates = new RateLog();
        var result = new Trainer(new TrainerOptions
        {
            Epochs = 8, LearningRate = 0.01f, ScheduleText = "plateau:1:0.5", EarlyStopping = OnAccuracy, Callbacks = [rates], CheckpointFolder = _folder,
        }).Fit(network, Train, Validation);

        // The same rule fed the run's own metrics gives the rates the epochs ran at.
        var replay = new PlateauSchedule(0.01f, 1, 0.5f);
        var expected = new List<float> { 0.01f };
        foreach (var epoch in result.History.SkipLast(1))
        {
            replay.Observe(MonitoredMetric.ValidationAccuracy, epoch.ValidationAccuracy);
            expected.Add(replay.At(0));
        }
        Assert.Equal(expected, rates.Rates);
        var saved = CheckpointStore.Read(_folder);
        Assert.True(saved.Plateau!.Reductions >= 1, $"no reduction in 8 epochs: accuracies {string.Join(", ", result.History.Select(m => m.ValidationAccuracy))}");
        Assert.Equal(result.State.Plateau, saved.Plateau);
        Assert.Equal("plateau:1:0.5", saved.Schedule);
        Assert.Equal(0.01f, saved.LearningRate);
    }

    [Fact]
    public void A_cancelled_plateau_run_resumes_without_the_schedule_option_bit_for_bit()
    {
        var options = new TrainerOptions { Epochs = 7, LearningRate = 0.01f, ScheduleText = "plateau:1:0.5", EarlyStopping = OnAccuracy };
        using var straight = new StripeNet(3, ExecutionMode.Training);
        var whole = new Trainer(options).Fit(straight, Train, Validation);

        using var first = new StripeNet(3, ExecutionMode.Training);
        using var cancel = new CancellationTokenSource();
        new Trainer(options with { CheckpointFolder = _folder, Callbacks = [new CancelAt(cancel, 6, 11)] }).Fit(first, Train, Validation, cancel.Token);
        var saved = CheckpointStore.Read(_folder);
        Assert.Equal((5, 11), (saved.Epoch, saved.Partial!.Batches));
        Assert.True(saved.Plateau!.Reductions >= 1, "the plateau had not reduced the rate before the cancel: the state would not matter");

        using var resumed = new StripeNet(99, ExecutionMode.Training);
        var rates = new RateLog();
        var result = new Trainer(new TrainerOptions { Epochs = 7, EarlyStopping = OnAccuracy, CheckpointFolder = _folder, ResumeFrom = _folder, Callbacks = [rates] })
            .Fit(resumed, Train, Validation);

        Assert.Equal(whole.State.Plateau, result.State.Plateau);
        Assert.Equal(straight.StepCount, resumed.StepCount);
        Assert.Equal(whole.History.Select(m => m.ValidationLoss), result.History.Select(m => m.ValidationLoss));
        Assert.Equal(saved.Plateau.Rate, rates.Rates[0]);
        foreach (var tensor in ((INetwork)straight).ParameterTable)
        {
            var a = new float[tensor.Length];
            var b = new float[tensor.Length];
            straight.CopyParameter(tensor.Name, a);
            resumed.CopyParameter(tensor.Name, b);
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void A_resumed_run_continues_the_checkpoints_schedule_and_refuses_another_unless_asked()
    {
        using (var network = new StripeNet(3, ExecutionMode.Training))
            new Trainer(new TrainerOptions { Epochs = 2, LearningRate = 0.02f, ScheduleText = "step:1:0.5", CheckpointFolder = _folder }).Fit(network, Train, Validation);
        Assert.Equal("step:1:0.5", CheckpointStore.Read(_folder).Schedule);

        using var other = new StripeNet(3, ExecutionMode.Training);
        var refused = Assert.Throws<ArgumentException>(() =>
            new Trainer(new TrainerOptions { Epochs = 4, ScheduleText = "cosine", CheckpointFolder = _folder, ResumeFrom = _folder }).Fit(other, Train, Validation));
        Assert.Equal(nameof(TrainerOptions.ScheduleText), refused.ParamName);
        Assert.StartsWith($"The checkpoint in {_folder} was trained with the schedule 'step:1:0.5', but TrainerOptions.ScheduleText is 'cosine'", refused.Message);
        var byObject = Assert.Throws<ArgumentException>(() =>
            new Trainer(new TrainerOptions { Epochs = 4, Schedule = new ConstantSchedule(1f), ResumeFrom = _folder }).Resume(other));
        Assert.Contains("TrainerOptions.Schedule gives another as an object", byObject.Message);

        var rates = new RateLog();
        using (var network = new StripeNet(3, ExecutionMode.Training))
            new Trainer(new TrainerOptions { Epochs = 3, CheckpointFolder = _folder, ResumeFrom = _folder, Callbacks = [rates] }).Fit(network, Train, Validation);
        // Epoch 3 of step:1:0.5 from 0.02: 0.005.
        Assert.Equal([0.005f], rates.Rates);

        var replaced = new RateLog();
        using (var network = new StripeNet(3, ExecutionMode.Training))
            new Trainer(new TrainerOptions { Epochs = 4, ScheduleText = "constant", ReplaceSchedule = true, CheckpointFolder = _folder, ResumeFrom = _folder, Callbacks = [replaced] })
                .Fit(network, Train, Validation);
        Assert.Equal([0.02f], replaced.Rates);
        Assert.Equal("constant", CheckpointStore.Read(_folder).Schedule);
    }

    [Fact]
    public void Schedule_options_are_checked_before_the_run()
    {
        var both = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions { Schedule = new ConstantSchedule(1f), ScheduleText = "cosine" }));
        Assert.StartsWith("TrainerOptions.ScheduleText is \"cosine\"; it must be null when Schedule is set", both.Message);
        var bad = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions { ScheduleText = "plateau:x" }));
        Assert.Equal("TrainerOptions.ScheduleText: schedule 'plateau:x': plateau's patience must be a whole number of at least 1, not 'x' (Parameter 'ScheduleText')", bad.Message);

        using var network = new StripeNet(3, ExecutionMode.Training);
        var noValidation = Assert.Throws<ArgumentException>(() => new Trainer(new TrainerOptions { ScheduleText = "plateau:2" }).Fit(network, Train, validation: null));
        Assert.Contains("A plateau schedule follows the validation metrics", noValidation.Message);
        Assert.Equal(0, network.StepCount);
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
}
