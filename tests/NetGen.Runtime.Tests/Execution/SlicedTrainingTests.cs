using NetGen.Execution;
using NetGen.Threading;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>
/// Batch norm and dropout networks train as two sample slices: on a pool of two workers they give the
/// same bits as on the calling thread alone, step after step (batch-norm partials combined in slice
/// order, dropout masks from per-slice streams), and allocate nothing per step.
/// </summary>
public class SlicedTrainingTests
{
    /// <param name="name">A graph network with batch norms.</param>
    /// <param name="samples">Samples per step: Residual (batch 4) 6, micro-batches of 4 and 2; SliceResidual (batch 7) 7 and 1.</param>
    [Theory]
    [InlineData("Residual", 6)]
    [InlineData("WinogradResidual", 3)]
    [InlineData("SliceResidual", 7)]
    [InlineData("SliceResidual", 1)]
    public void Batch_norm_networks_train_on_two_workers_bit_for_bit_as_on_one_thread(string name, int samples)
    {
        using var pool = new WorkerPool(2);
        var alone = GraphCases.Make(name, 3, ExecutionMode.Training);
        var pooled = GraphCases.Make(name, 3, ExecutionMode.Training);
        GraphCases.Randomize(alone, 40);
        GraphCases.Randomize(pooled, 40);
        pooled.UseWorkerPool(pool);
        alone.TrainingSettings.LearningRate = pooled.TrainingSettings.LearningRate = 0.05f;
        var inputs = Cases.Random(samples * alone.InputSize, 12);
        var labels = Enumerable.Range(0, samples).Select(i => (i * 2 + 1) % alone.OutputSize).ToArray();
        for (int step = 0; step < 4; step++)
            Assert.Equal(alone.TrainStep(inputs, labels).Loss, pooled.TrainStep(inputs, labels).Loss);
        AssertSameParameters(alone, pooled);
        Assert.Equal(alone.Evaluate(inputs, labels), pooled.Evaluate(inputs, labels));
    }

    [Fact]
    public void Dropout_masks_come_from_per_slice_streams_the_same_with_or_without_a_pool()
    {
        using var pool = new WorkerPool(2);
        var alone = new DropNet(4, ExecutionMode.Training);
        var pooled = new DropNet(4, ExecutionMode.Training);
        pooled.UseWorkerPool(pool);
        var inputs = Cases.Random(4 * 128, 9);
        int[] labels = { 0, 1, 2, 3 };
        for (int step = 0; step < 4; step++)
            Assert.Equal(alone.TrainStep(inputs, labels).Loss, pooled.TrainStep(inputs, labels).Loss);
        AssertSameParameters(alone, pooled);
        // The masks are drawn: training's loss on a batch differs from one step to the next (same weights, new masks).
        var fresh = new DropNet(4, ExecutionMode.Training);
        Assert.NotEqual(fresh.ComputeGradients(inputs, labels).Loss, fresh.ComputeGradients(inputs, labels).Loss);
    }

    [Fact]
    public void A_batch_norm_network_on_a_pool_allocates_nothing_per_step()
    {
        using var pool = new WorkerPool(2);
        var net = new SliceResidualNet(2, ExecutionMode.Training);
        net.UseWorkerPool(pool);
        var inputs = Cases.Random(7 * 2 * 4 * 4, 4);
        var labels = Enumerable.Range(0, 7).Select(i => i % 3).ToArray();
        net.TrainStep(inputs, labels);
        net.TrainStep(inputs, labels);
        long before = GC.GetAllocatedBytesForCurrentThread();
        net.TrainStep(inputs, labels);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void AssertSameParameters(ITrainableNetwork expected, ITrainableNetwork actual)
    {
        var a = Cases.Parameters(expected);
        var b = Cases.Parameters(actual);
        foreach (var (tensor, values) in a)
            Assert.True(values.SequenceEqual(b[tensor]), $"{tensor} differs with a pool");
    }
}
