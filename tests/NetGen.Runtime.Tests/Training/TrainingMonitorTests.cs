using NetGen.Data;
using NetGen.Execution;
using NetGen.Runtime.Tests.Execution;
using NetGen.Training;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

/// <summary>TrainingMonitor: a loss sequence gives the verdicts the rule says; a real network at a huge learning rate is caught, a healthy one is not.</summary>
public class TrainingMonitorTests
{
    private static TrainResult Step(float loss, int count = 32) => new(loss, 0, count);

    private static TrainingVerdict[] Verdicts(TrainingMonitor monitor, params float[] losses) =>
        losses.Select((loss, i) => monitor.Observe(1, i + 1, Step(loss))).ToArray();

    [Fact]
    public void A_falling_loss_with_spikes_is_healthy()
    {
        var monitor = new TrainingMonitor();
        var verdicts = Verdicts(monitor, 2.3f, 2.2f, 30f, 1.9f, 1.5f, 1.2f, 1f, 0.9f, 0.8f, 0.7f, 0.5f, 200f, 0.3f);

        Assert.All(verdicts, v => Assert.Equal(TrainingVerdict.Healthy, v));
        Assert.Null(monitor.Divergence);
        Assert.True(monitor.ReferenceIsFixed);
        // The first 10 steps' mean, spike included.
        Assert.Equal((2.3 + 2.2 + 30 + 1.9 + 1.5 + 1.2 + 1 + 0.9 + 0.8 + 0.7) / 10, monitor.Reference, 5);
    }

    [Fact]
    public void Nan_and_infinity_diverge_even_at_the_first_step()
    {
        Assert.Equal([TrainingVerdict.NotFinite], Verdicts(new TrainingMonitor(), float.NaN));
        Assert.Equal([TrainingVerdict.Healthy, TrainingVerdict.NotFinite], Verdicts(new TrainingMonitor(), 2.3f, float.PositiveInfinity));
    }

    [Fact]
    public void A_jump_at_the_second_step_is_over_the_bound_of_the_first()
    {
        Assert.Equal([TrainingVerdict.Healthy, TrainingVerdict.Healthy], Verdicts(new TrainingMonitor(), 2.3f, 2.3f * 9_999));
        var monitor = new TrainingMonitor();
        var verdicts = Verdicts(monitor, 2.3f, 2.3f * 10_001);

        Assert.Equal([TrainingVerdict.Healthy, TrainingVerdict.OverBound], verdicts);
        var divergence = monitor.Divergence!.Value;
        Assert.Equal((1, 2L), (divergence.Epoch, divergence.Step));
        Assert.Equal(2.3f * 10_001, (float)divergence.Loss);
        Assert.Equal(2.3, divergence.Reference, 5);
        Assert.Equal(2.3e4, divergence.Bound, 1);
    }

    [Fact]
    public void Slow_growth_is_caught_against_the_fixed_reference()
    {
        var monitor = new TrainingMonitor();
        float loss = 2f;
        long step = 0;
        TrainingVerdict verdict;
        do
        {
            loss *= 1.5f;
            verdict = monitor.Observe(1 + (int)(step / 100), ++step, Step(loss));
        }
        while (verdict == TrainingVerdict.Healthy && step < 1_000);

        // A running mean would follow the growth; the mean of the first 10 steps (about 56) does not.
        Assert.Equal(TrainingVerdict.OverBound, verdict);
        double firstTen = Enumerable.Range(1, 10).Sum(i => 2 * Math.Pow(1.5, i)) / 10;
        Assert.Equal(firstTen, monitor.Reference, 1);
        Assert.True(monitor.Divergence!.Value.Loss > 1e4 * firstTen);
        Assert.True(monitor.Divergence!.Value.Loss < 1.5 * 1e4 * firstTen);
    }

    [Fact]
    public void The_reference_is_weighted_by_labels_and_skips_diverged_and_empty_steps()
    {
        var monitor = new TrainingMonitor(referenceSteps: 3);
        monitor.Observe(1, 1, Step(1f, count: 30));
        monitor.Observe(1, 2, Step(4f, count: 10));
        monitor.Observe(1, 3, Step(float.NaN));
        monitor.Observe(1, 4, Step(0f, count: 0));

        Assert.False(monitor.ReferenceIsFixed);
        Assert.Equal((30 * 1 + 10 * 4) / 40.0, monitor.Reference, 6);
        Assert.Equal(3L, monitor.Divergence!.Value.Step);
    }

    [Fact]
    public void A_tiny_reference_is_floored_so_the_bound_is_never_under_100_nats()
    {
        var monitor = new TrainingMonitor();
        monitor.SetReference(1e-6);

        Assert.Equal(100, monitor.Bound, 6);
        Assert.Equal(TrainingVerdict.Healthy, monitor.Observe(3, 500, Step(99f)));
        Assert.Equal(TrainingVerdict.OverBound, monitor.Observe(3, 501, Step(101f)));
        Assert.Equal("loss 101 is over 1e4 x 0.01 (the floor; the first steps' mean is 1e-6)", monitor.Divergence!.Value.Describe());
    }

    [Fact]
    public void Validation_losses_are_checked_but_do_not_enter_the_reference()
    {
        var monitor = new TrainingMonitor();
        monitor.Observe(1, 1, Step(2f));

        Assert.Equal(TrainingVerdict.Healthy, monitor.Check(1, 1, 5.0));
        Assert.Equal(2, monitor.Reference, 6);
        Assert.Equal(TrainingVerdict.NotFinite, monitor.Check(1, 1, double.NaN));
        Assert.Equal("loss NaN", monitor.Divergence!.Value.Describe());
    }

    [Fact]
    public void Describe_names_the_value_and_the_reference_in_short_numbers()
    {
        var monitor = new TrainingMonitor();
        monitor.SetReference(0.31);
        monitor.Observe(2, 171, Step(8.1e12f));

        Assert.Equal("loss 8.1e12 is over 1e4 x the first steps' mean 0.31", monitor.Divergence!.Value.Describe());
    }

    [Fact]
    public void Observing_allocates_nothing()
    {
        var monitor = new TrainingMonitor();
        monitor.Observe(1, 1, Step(2f));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 2; i < 10_000; i++) monitor.Observe(1, i, Step(2f / i));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void A_growth_limit_of_1_or_less_or_not_finite_is_refused(double limit) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingMonitor(limit));

    [Theory]
    [InlineData(1e6f, true)]
    [InlineData(3e-3f, false)]
    public void A_generated_network_at_a_huge_learning_rate_is_caught_and_a_healthy_one_is_not(float learningRate, bool diverges)
    {
        var data = MnistDataset.Load(SmallDataTrainingTests.DataFolder(), MnistDataset.Sample10kPrefix).Split(640, 10, seed: 5).Train;
        var net = new SmallDigitNet(seed: 5, ExecutionMode.Training);
        net.TrainingSettings.LearningRate = learningRate;
        var monitor = new TrainingMonitor();
        var batches = new BatchIterator(data.Count, SmallDigitNet.TrainingBatch, seed: 5);
        var images = new float[SmallDigitNet.TrainingBatch * 784];
        var labels = new int[SmallDigitNet.TrainingBatch];
        var losses = new List<float>();
        for (int epoch = 1; epoch <= 3 && monitor.Divergence is null; epoch++)
        {
            batches.BeginEpoch(epoch);
            int n;
            while ((n = batches.Next(data, images, labels)) > 0)
            {
                var result = net.TrainStep(images.AsSpan(0, n * 784), labels.AsSpan(0, n));
                losses.Add(result.Loss);
                if (monitor.Observe(epoch, net.StepCount, result) != TrainingVerdict.Healthy) break;
            }
        }

        string trace = string.Join(", ", losses.Take(12));
        if (diverges)
        {
            Assert.True(monitor.Divergence is not null, $"not caught; losses {trace}");
            // Adam moves every weight by about the learning rate at once: the second step's loss is already enormous.
            Assert.Equal(1, monitor.Divergence!.Value.Epoch);
            Assert.InRange(monitor.Divergence!.Value.Step, 2, 10);
        }
        else
        {
            Assert.True(monitor.Divergence is null, $"caught {monitor.Divergence}; losses {trace}");
            Assert.Equal(60, losses.Count);
        }
    }
}
