using NetGen.Execution;
using NetGen.Threading;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>
/// Batch-1 Predict of a generated inference instance given a pool: its large convolutions run
/// by bands of output rows on every worker (NetGen.Execution.LayerBands), with outputs equal bit
/// for bit to the calling thread's, and no memory beyond the per-worker copies batched Predict
/// already holds. ResNet-18 (samples/TransferLearning/ResNet18.cnn) has every convolution shape
/// the bands handle: the 7x7 stride-2 stem, 3x3 with and without stride, 1x1 stride-2 projections.
/// </summary>
public class LayerBandsPredictTests
{
    private const int Input = 3 * 224 * 224, Output = 512;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ResNet18_on_a_pool_equals_the_calling_thread_bit_for_bit(int workers)
    {
        var input = Cases.Random(Input, 41).Select(v => 100f * v).ToArray();
        var expected = new float[Output];
        new Samples.TransferLearning.ResNet18(5).Predict(input, expected);

        var pooled = new Samples.TransferLearning.ResNet18(5);
        using var pool = new WorkerPool(workers);
        pooled.UseWorkerPool(pool);
        var actual = new float[Output];
        pooled.Predict(input, actual);
        Assert.Equal(Bits(expected), Bits(actual));
        Assert.Contains(expected, v => v != 0f);

        // The memory is the plan's: the instance's own and one copy per extra worker, nothing for the bands.
        Assert.Equal(Samples.TransferLearning.ResNet18.InferenceBytes + Samples.TransferLearning.ResNet18.InferenceKernelBytes, pooled.AllocatedBytes);
        Assert.Equal((workers - 1) * Samples.TransferLearning.ResNet18.WorkerInferenceBytes, pooled.WorkerAllocatedBytes);
    }

    /// <summary>MNIST's conv2 (2.2M multiply-adds) runs through Winograd with its 2x2 pool: split by pool rows over the workers.</summary>
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Mnist_with_a_split_winograd_layer_equals_the_calling_thread_bit_for_bit(int workers)
    {
        var input = Cases.Random(784, 43);
        var expected = new float[10];
        new MnistCnn(8).Predict(input, expected);
        var pooled = new MnistCnn(8);
        using var pool = new WorkerPool(workers);
        pooled.UseWorkerPool(pool);
        var actual = new float[10];
        pooled.Predict(input, actual);
        Assert.Equal(Bits(expected), Bits(actual));
        Assert.Equal(MnistCnn.InferenceBytes + MnistCnn.InferenceKernelBytes, pooled.AllocatedBytes);
    }

    [Fact]
    public void Batched_predict_on_the_pool_runs_one_image_per_worker_without_splitting_again()
    {
        var net = new Samples.TransferLearning.ResNet18(6);
        const int count = 3;
        var inputs = Cases.Random(count * Input, 42).Select(v => 100f * v).ToArray();
        var expected = new float[count * Output];
        net.Predict(inputs, expected, count);

        using var pool = new WorkerPool(2);
        net.UseWorkerPool(pool);
        // A layer splitting inside a worker would re-enter the pool, which throws.
        var actual = new float[count * Output];
        net.Predict(inputs, actual, count);
        Assert.Equal(Bits(expected), Bits(actual));
        // One sample through the batched call splits its layers instead.
        var one = new float[Output];
        net.Predict(inputs.AsSpan(0, Input), one, 1);
        Assert.Equal(Bits(expected[..Output]), Bits(one));
    }

    [Fact]
    public void Split_predict_allocates_nothing()
    {
        var net = new MnistCnn(2);
        using var pool = new WorkerPool(2);
        net.UseWorkerPool(pool);
        var input = Cases.Random(784, 1);
        var output = new float[10];
        for (int warm = 0; warm < 20; warm++) net.Predict(input, output);
        // As in WorkerPredictTests: a one-off allocation may fall in one pass, a per-call one shows in both.
        long first = AllocatedBy(() => { for (int i = 0; i < 10; i++) net.Predict(input, output); });
        long second = AllocatedBy(() => { for (int i = 0; i < 10; i++) net.Predict(input, output); });
        Assert.True(Math.Min(first, second) == 0, $"allocated {first} and {second} bytes in two passes of 10 calls");
    }

    [Fact]
    public void Giving_the_pool_back_runs_on_the_calling_thread_again()
    {
        var net = new MnistCnn(3);
        var input = Cases.Random(784, 2);
        var expected = new float[10];
        net.Predict(input, expected);
        var pool = new WorkerPool(2);
        net.UseWorkerPool(pool);
        net.UseWorkerPool(null);
        pool.Dispose();
        // A disposed pool would throw if a layer still split on it.
        var actual = new float[10];
        net.Predict(input, actual);
        Assert.Equal(Bits(expected), Bits(actual));
    }

    private static long AllocatedBy(Action run)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        run();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
