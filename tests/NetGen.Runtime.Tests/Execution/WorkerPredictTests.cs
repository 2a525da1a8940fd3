using NetGen.Execution;
using NetGen.Threading;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>Batched Predict of an inference instance split over a worker pool, each worker on its own memory.</summary>
public class WorkerPredictTests
{
    [Theory]
    [InlineData("Mnist", 2)]
    [InlineData("Mixed", 3)]
    [InlineData("Image", 2)]
    public void Pooled_outputs_are_bit_identical_to_sequential_ones(string name, int workers)
    {
        var sequential = Cases.Make(name, 3, ExecutionMode.Inference);
        var pooled = Cases.Make(name, 3, ExecutionMode.Inference);
        using var pool = new WorkerPool(workers);
        pooled.UseWorkerPool(pool);
        const int count = 11;
        var inputs = Cases.Random(count * sequential.InputSize, 5);
        var expected = new float[count * sequential.OutputSize];
        var actual = new float[expected.Length];
        sequential.Predict(inputs, expected, count);
        pooled.Predict(inputs, actual, count);
        Assert.Equal(Bits(expected), Bits(actual));
    }

    [Fact]
    public void Each_extra_worker_holds_the_generated_figure_once()
    {
        var net = new MnistCnn(1);
        Assert.Equal(MnistCnn.InferenceBytes + MnistCnn.InferenceKernelBytes, MnistCnn.WorkerInferenceBytes);
        Assert.Equal(0, net.WorkerAllocatedBytes);
        using var pool = new WorkerPool(3);
        net.UseWorkerPool(pool);
        Assert.Equal(2 * MnistCnn.WorkerInferenceBytes, net.WorkerAllocatedBytes);
        Assert.Equal(MnistCnn.InferenceBytes + MnistCnn.InferenceKernelBytes, net.AllocatedBytes);
        net.UseWorkerPool(null);
        Assert.Equal(0, net.WorkerAllocatedBytes);

        var trainer = new MnistCnn(1, ExecutionMode.Training);
        trainer.UseWorkerPool(pool);
        Assert.Equal(0, trainer.WorkerAllocatedBytes);
    }

    [Fact]
    public void Pooled_predict_allocates_nothing()
    {
        var net = new MnistCnn(2);
        using var pool = new WorkerPool(2);
        net.UseWorkerPool(pool);
        const int count = 16;
        var inputs = Cases.Random(count * 784, 1);
        var outputs = new float[count * 10];
        // Warm-up: JIT and the pool's per-thread holder.
        for (int warm = 0; warm < 30; warm++) net.Predict(inputs, outputs, count);
        // The pool's completion event makes its lock object (24 bytes) lazily, the first time the
        // caller has to block, which under load may fall in a measured pass; it happens once per
        // pool, so of two passes one is clean, while a per-call allocation would show in both.
        long first = AllocatedBy(() => { for (int i = 0; i < 5; i++) net.Predict(inputs, outputs, count); });
        long second = AllocatedBy(() => { for (int i = 0; i < 5; i++) net.Predict(inputs, outputs, count); });
        Assert.True(Math.Min(first, second) == 0, $"allocated {first} and {second} bytes in two passes of 5 calls");
    }

    private static long AllocatedBy(Action run)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        run();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Workers_see_parameters_set_after_the_pool_was_given()
    {
        var source = new TinyNet(9);
        var pooled = new TinyNet(1);
        using var pool = new WorkerPool(2);
        pooled.UseWorkerPool(pool);
        foreach (var tensor in TinyNet.ParameterTensors.ToArray())
        {
            var values = new float[tensor.Length];
            source.CopyParameter(tensor.Name, values);
            pooled.SetParameter(tensor.Name, values);
        }
        const int count = 6;
        var inputs = Cases.Random(count * 64, 8);
        var expected = new float[count * 5];
        var actual = new float[count * 5];
        source.Predict(inputs, expected, count);
        pooled.Predict(inputs, actual, count);
        Assert.Equal(Bits(expected), Bits(actual));
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
