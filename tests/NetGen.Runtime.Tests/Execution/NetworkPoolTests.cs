using NetGen.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>A pool of instances with one network's weights: the same outputs from many threads as from one, without allocating.</summary>
public class NetworkPoolTests
{
    private const int Samples = 24;

    /// <summary>Each sample's output from the source instance on one thread.</summary>
    private static int[][] Expected(MnistCnn source, float[][] inputs) => inputs.Select(input =>
    {
        var output = new float[10];
        source.Predict(input, output);
        return Bits(output);
    }).ToArray();

    private static float[][] Inputs() => Enumerable.Range(0, Samples).Select(i => Cases.Random(784, (ulong)(100 + i))).ToArray();

    /// <summary>Four threads, started together, each predicting every sample through the pool; returns each thread's outputs.</summary>
    private static int[][][] FromFourThreads(NetworkPool<MnistCnn> pool, float[][] inputs)
    {
        const int threadCount = 4;
        using var start = new Barrier(threadCount);
        var results = new int[threadCount][][];
        var failures = new Exception?[threadCount];
        var threads = Enumerable.Range(0, threadCount).Select(t => new Thread(() =>
        {
            try
            {
                var output = new float[10];
                results[t] = new int[Samples][];
                start.SignalAndWait();
                for (int round = 0; round < 5; round++)
                {
                    // Each thread walks the samples from its own start, so different samples run at once.
                    for (int k = 0; k < Samples; k++)
                    {
                        int i = (k + t * Samples / threadCount) % Samples;
                        pool.Predict(inputs[i], output);
                        results[t][i] = Bits(output);
                    }
                }
            }
            catch (Exception ex) { failures[t] = ex; }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) Assert.True(thread.Join(TimeSpan.FromSeconds(60)));
        Assert.All(failures, Assert.Null);
        return results;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Four_threads_get_the_source_instances_outputs_bit_for_bit(int capacity)
    {
        var source = new MnistCnn(7);
        Cases.RandomizeBiases(source, 3);
        var inputs = Inputs();
        var expected = Expected(source, inputs);
        // The factory's seed differs from the source's: only the copied weights make the outputs equal.
        var pool = new NetworkPool<MnistCnn>(() => new MnistCnn(1), source, capacity);
        Assert.Equal(0, pool.Created);

        foreach (var outputs in FromFourThreads(pool, inputs))
        {
            for (int i = 0; i < Samples; i++) Assert.Equal(expected[i], outputs[i]);
        }
        Assert.InRange(pool.Created, 1, capacity);
    }

    [Fact]
    public void A_pool_from_a_weights_file_loads_it_once_and_matches_the_saved_instance()
    {
        string path = Path.Combine(Path.GetTempPath(), $"netgen-pool-{Guid.NewGuid():N}.safetensors");
        try
        {
            var source = new MnistCnn(11);
            Cases.RandomizeBiases(source, 5);
            source.Save(path);
            var inputs = Inputs();
            var expected = Expected(source, inputs);
            var pool = new NetworkPool<MnistCnn>(() => new MnistCnn(1), path, capacity: 3);
            Assert.Equal(1, pool.Created);
            File.Delete(path);

            foreach (var outputs in FromFourThreads(pool, inputs))
            {
                for (int i = 0; i < Samples; i++) Assert.Equal(expected[i], outputs[i]);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Batched_predict_through_the_pool_matches_the_source()
    {
        var source = new MnistCnn(4);
        var pool = new NetworkPool<MnistCnn>(() => new MnistCnn(1), source, capacity: 2);
        const int count = 6;
        var inputs = Cases.Random(count * 784, 9);
        var expected = new float[count * 10];
        var actual = new float[count * 10];
        source.Predict(inputs, expected, count);
        pool.Predict(inputs, actual, count);
        Assert.Equal(Bits(expected), Bits(actual));
    }

    [Fact]
    public void Predict_through_the_pool_allocates_nothing_once_its_instance_is_made()
    {
        var pool = new NetworkPool<MnistCnn>(() => new MnistCnn(2), capacity: 2);
        var input = Cases.Random(784, 1);
        var output = new float[10];
        var inputs = Cases.Random(3 * 784, 2);
        var outputs = new float[30];
        void Run()
        {
            pool.Predict(input, output);
            pool.Predict(inputs, outputs, 3);
        }
        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_missing_weights_file_throws_from_the_constructor()
    {
        string path = Path.Combine(Path.GetTempPath(), $"netgen-pool-missing-{Guid.NewGuid():N}.safetensors");
        Assert.ThrowsAny<IOException>(() => new NetworkPool<MnistCnn>(() => new MnistCnn(1), path));
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
