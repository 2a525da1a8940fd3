using NetGen.Training;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

/// <summary>The text forms of schedules (the CLI's --schedule) and early stopping (--early-stopping), and the warmup schedule.</summary>
public class TrainingSyntaxTests
{
    [Theory]
    [InlineData("constant", new[] { 0.1f, 0.1f, 0.1f, 0.1f })]
    [InlineData("step:2", new[] { 0.1f, 0.1f, 0.01f, 0.01f })]
    [InlineData("step:1:0.5", new[] { 0.1f, 0.05f, 0.025f, 0.0125f })]
    [InlineData("warmup:2,constant", new[] { 0.05f, 0.1f, 0.1f, 0.1f })]
    [InlineData(" warmup:1, step:1:0.5 ", new[] { 0.1f, 0.1f, 0.05f, 0.025f })]
    public void Schedules_give_their_rates_per_epoch(string text, float[] expected)
    {
        var schedule = ScheduleSyntax.Parse(text, 0.1f, 4);

        Assert.Equal(expected, Enumerable.Range(0, 4).Select(schedule.At), new ToleranceComparer(1e-7f));
    }

    [Fact]
    public void Cosine_anneals_over_the_epochs_left_after_the_warmup()
    {
        var plain = ScheduleSyntax.Parse("cosine:0.01", 0.1f, 4);
        var warm = ScheduleSyntax.Parse("warmup:2,cosine", 0.1f, 6);

        // min + (peak - min)(1 + cos(pi t / T)) / 2 with T = 4.
        float[] cosine = [.. Enumerable.Range(0, 4).Select(t => (float)(0.01 + 0.09 * (1 + Math.Cos(Math.PI * t / 4)) / 2))];
        Assert.Equal(cosine, Enumerable.Range(0, 4).Select(plain.At), new ToleranceComparer(1e-7f));
        float[] warmed = [0.05f, 0.1f, .. Enumerable.Range(0, 4).Select(t => (float)(0.1 * (1 + Math.Cos(Math.PI * t / 4)) / 2))];
        Assert.Equal(warmed, Enumerable.Range(0, 6).Select(warm.At), new ToleranceComparer(1e-7f));
    }

    [Theory]
    [InlineData("linear", "schedule 'linear': unknown schedule 'linear'; the forms are constant, step:EPOCHS[:GAMMA], cosine[:MIN], plateau:PATIENCE[:FACTOR[:MIN]] or warmup:EPOCHS,SCHEDULE")]
    [InlineData("step", "schedule 'step': 'step' has the wrong number of ':' fields")]
    [InlineData("step:0", "schedule 'step:0': step's epochs must be a whole number of at least 1, not '0'")]
    [InlineData("step:2:x", "schedule 'step:2:x': step's factor must be a number, 0 or more, not 'x'")]
    [InlineData("cosine:0.5", "schedule 'cosine:0.5': cosine's minimum rate 0.5 is over the base rate 0.1")]
    [InlineData("warmup:2", "schedule 'warmup:2': warmup:EPOCHS must be followed by ','")]
    [InlineData("warmup:10,cosine", "schedule 'warmup:10,cosine': the warmup's 10 epochs leave none of the run's 10 for the schedule after it")]
    [InlineData("warmup:1,warmup:x,cosine", "schedule 'warmup:1,warmup:x,cosine': the warmup's epochs must be a whole number of at least 1, not 'x'")]
    public void A_bad_schedule_says_what_is_wrong_quoting_it(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => ScheduleSyntax.Parse(text, 0.1f, 10));

        Assert.StartsWith(message, e.Message);
    }

    [Theory]
    [InlineData("val_loss:5", MonitoredMetric.ValidationLoss, 5, 0)]
    [InlineData("val_acc:3:0.001", MonitoredMetric.ValidationAccuracy, 3, 0.001)]
    public void Early_stopping_reads_metric_patience_and_min_delta(string text, MonitoredMetric metric, int patience, double delta)
    {
        var early = EarlyStopping.Parse(text);

        Assert.Equal(new EarlyStopping(metric, patience, delta), early);
        Assert.True(early.RestoreBestWeights);
    }

    [Theory]
    [InlineData("val_loss", "early stopping 'val_loss': write METRIC:PATIENCE or METRIC:PATIENCE:MIN_DELTA")]
    [InlineData("loss:5", "early stopping 'loss:5': unknown metric 'loss'; use val_loss or val_acc")]
    [InlineData("val_loss:0", "early stopping 'val_loss:0': the patience must be a whole number of epochs, at least 1, not '0'")]
    [InlineData("val_acc:2:-1", "early stopping 'val_acc:2:-1': the min delta must be a number, 0 or more, not '-1'")]
    public void A_bad_early_stopping_says_what_is_wrong(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => EarlyStopping.Parse(text));

        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void Improvement_is_lower_loss_or_higher_accuracy_by_more_than_the_delta()
    {
        Assert.True(EarlyStopping.Improves(MonitoredMetric.ValidationLoss, 0.5, 0.6, 0.05));
        Assert.False(EarlyStopping.Improves(MonitoredMetric.ValidationLoss, 0.56, 0.6, 0.05));
        Assert.False(EarlyStopping.Improves(MonitoredMetric.ValidationLoss, 0.6, 0.6, 0));
        Assert.True(EarlyStopping.Improves(MonitoredMetric.ValidationAccuracy, 0.9, 0.8, 0.05));
        Assert.False(EarlyStopping.Improves(MonitoredMetric.ValidationAccuracy, 0.8, 0.9, 0));
    }

    [Fact]
    public void Warmup_rises_linearly_then_hands_over_at_its_own_zero()
    {
        var schedule = new WarmupSchedule(0.4f, 4, new StepSchedule(1f, 1, 0.5f));

        Assert.Equal([0.1f, 0.2f, 0.3f, 0.4f, 1f, 0.5f], Enumerable.Range(0, 6).Select(schedule.At));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WarmupSchedule(0.1f, 0, new ConstantSchedule(1)));
    }

    private sealed class ToleranceComparer(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(float value) => 0;
    }
}
