using NetGen.Execution;
using NetGen.Runtime.Tests.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

/// <summary>Gradient accumulation over micro-batches against one step over the whole batch, declared at that size.</summary>
public class AccumulationTests
{
    private const int Input = 2 * 6 * 6;

    [Fact]
    public void Accumulated_micro_batches_step_like_one_large_batch()
    {
        var small = new AdamNet(7, ExecutionMode.Training);
        var big = new AdamNetBig(7, ExecutionMode.Training);
        var inputs = Cases.Random(8 * Input, 3);
        int[] labels = { 0, 1, 2, 3, 3, 2, 1, 1 };
        for (int step = 0; step < 3; step++)
        {
            var whole = big.TrainStep(inputs, labels);
            // Uneven micro-batches (3 + 3 + 2): a mean of per-call means would weigh them wrongly.
            var a = small.AccumulateGradients(inputs.AsSpan(0, 3 * Input), labels.AsSpan(0, 3));
            var b = small.AccumulateGradients(inputs.AsSpan(3 * Input, 3 * Input), labels.AsSpan(3, 3));
            var c = small.AccumulateGradients(inputs.AsSpan(6 * Input, 2 * Input), labels.AsSpan(6, 2));
            small.ApplyGradients();
            Assert.Equal(whole.Loss, (a.Loss * 3 + b.Loss * 3 + c.Loss * 2) / 8, 5);
            Assert.Equal(whole.Correct, a.Correct + b.Correct + c.Correct);
            AssertSameTensors(big, small, gradients: true);
            AssertSameTensors(big, small, gradients: false);
        }
        Assert.Equal(3, small.StepCount);
    }

    [Fact]
    public void A_train_step_larger_than_the_declared_batch_runs_as_micro_batches()
    {
        var small = new AdamNet(9, ExecutionMode.Training);
        var big = new AdamNetBig(9, ExecutionMode.Training);
        var inputs = Cases.Random(8 * Input, 4);
        int[] labels = { 3, 1, 0, 2, 2, 0, 1, 3 };
        for (int step = 0; step < 2; step++)
        {
            var expected = big.TrainStep(inputs, labels);
            var actual = small.TrainStep(inputs, labels);
            Assert.Equal(expected.Loss, actual.Loss, 5);
            Assert.Equal(8, actual.Count);
            AssertSameTensors(big, small, gradients: false);
        }
    }

    [Fact]
    public void Per_pixel_micro_batches_weigh_every_counted_pixel_once()
    {
        var small = new SegNet(4, ExecutionMode.Training);
        var big = new SegNetBig(4, ExecutionMode.Training);
        small.TrainingSettings.IgnoreLabel = 255;
        big.TrainingSettings.IgnoreLabel = 255;
        var inputs = Cases.Random(5 * 60, 8);
        // Sample 0 has most pixels ignored, so micro-batches count very different numbers of pixels.
        var labels = Enumerable.Range(0, 5 * 30).Select(i => i < 25 || i % 7 == 0 ? 255 : i % 3).ToArray();
        var expected = big.TrainStep(inputs, labels);
        var actual = small.TrainStep(inputs, labels);
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(labels.Count(l => l != 255), actual.Count);
        Assert.Equal(expected.Loss, actual.Loss, 5);
        AssertSameTensors(big, small, gradients: true);
        AssertSameTensors(big, small, gradients: false);
    }

    [Fact]
    public void Misuse_of_accumulation_is_a_clear_error()
    {
        var net = new AdamNet(1, ExecutionMode.Training);
        var error = Assert.Throws<InvalidOperationException>(net.ApplyGradients);
        Assert.Equal("AdamNet.ApplyGradients: no gradients accumulated since the last step; call AccumulateGradients first.", error.Message);
        net.AccumulateGradients(Cases.Random(Input, 1), new[] { 1 });
        error = Assert.Throws<InvalidOperationException>(() => net.TrainStep(Cases.Random(Input, 1), new[] { 1 }));
        Assert.Contains("wait for ApplyGradients", error.Message);
        net.ApplyGradients();
        Assert.Equal(1, net.StepCount);
        Assert.Throws<InvalidOperationException>(net.ApplyGradients);
    }

    [Fact]
    public void A_bad_label_late_in_a_call_leaves_the_accumulated_gradients_untouched()
    {
        var net = new AdamNet(1, ExecutionMode.Training);
        net.AccumulateGradients(Cases.Random(2 * Input, 1), new[] { 1, 2 });
        var before = new float[4 * 3 * 16];
        net.CopyGradient("fc.weight", before);
        // The bad label is in the second micro-batch of this call: nothing of the first may be added.
        var labels = new[] { 0, 1, 2, 3, 0, 7 };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => net.AccumulateGradients(Cases.Random(6 * Input, 2), labels));
        Assert.Contains("AdamNet: label 7 at index 5 of the labels is outside [0, 4).", error.Message);
        var after = new float[before.Length];
        net.CopyGradient("fc.weight", after);
        Assert.Equal(before, after);
    }

    [Fact]
    public void Accumulating_allocates_nothing()
    {
        var net = new AdamNet(1, ExecutionMode.Training);
        var inputs = Cases.Random(6 * Input, 2);
        var labels = new[] { 0, 1, 2, 3, 0, 1 };
        for (int warm = 0; warm < 2; warm++)
        {
            net.AccumulateGradients(inputs, labels);
            net.ApplyGradients();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        net.AccumulateGradients(inputs, labels);
        net.AccumulateGradients(inputs.AsSpan(0, Input), labels.AsSpan(0, 1));
        net.ApplyGradients();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Every tensor (or its gradient) of two networks with the same layers agrees within float rounding.</summary>
    internal static void AssertSameTensors(ITrainableNetwork expected, ITrainableNetwork actual, bool gradients)
    {
        foreach (var tensor in expected.ParameterTable.ToArray())
        {
            var e = new float[tensor.Length];
            var a = new float[tensor.Length];
            if (gradients)
            {
                expected.CopyGradient(tensor.Name, e);
                actual.CopyGradient(tensor.Name, a);
            }
            else
            {
                expected.CopyParameter(tensor.Name, e);
                actual.CopyParameter(tensor.Name, a);
            }
            double scale = e.Max(v => Math.Abs((double)v));
            for (int i = 0; i < e.Length; i++)
            {
                Assert.True(Math.Abs(e[i] - a[i]) <= 1e-5 * Math.Max(scale, 1e-3),
                    $"{tensor.Name}{(gradients ? " gradient" : "")}[{i}]: {e[i]:R} vs {a[i]:R} (largest {scale:R})");
            }
        }
    }
}
