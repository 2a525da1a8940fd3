using NetGen.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>Generated backward against central finite differences of the float64 reference loss.</summary>
public class GradientTests
{
    /// <param name="name">The network.</param>
    /// <param name="samples">Samples, 0 for one training batch. Others leave a sample slice of the training passes
    /// empty (Tiny, batch 4, one sample: the first slice has none) or run micro-batches (Pooled, batch 2, three
    /// samples: 2, then 1). Winograd runs its 3x3 convolutions' forward and input gradients through Winograd F(2x2, 3x3);
    /// Tiles trains its stem on the row-tap kernel and its 1x1 layer on the pixel-tile kernel.</param>
    [Theory]
    [InlineData("Tiny", 0)]
    [InlineData("Tiny", 1)]
    [InlineData("Mixed", 0)]
    [InlineData("Pooled", 0)]
    [InlineData("Pooled", 3)]
    [InlineData("Winograd", 0)]
    [InlineData("Winograd", 1)]
    [InlineData("Tiles", 0)]
    [InlineData("Tiles", 1)]
    public void Every_parameter_gradient_matches_finite_differences(string name, int samples)
    {
        var net = (ITrainableNetwork)Cases.Make(name, seed: 5, ExecutionMode.Training);
        Cases.RandomizeBiases(net, 50);
        var reference = Cases.Reference(name);
        int batch = samples == 0 ? net.MaxBatch : samples;
        var inputs = Cases.Random(batch * net.InputSize, 21);
        var labels = Enumerable.Range(0, batch).Select(i => (i * 3 + 1) % net.OutputSize).ToArray();
        var inputs64 = Array.ConvertAll(inputs, v => (double)v);
        var p = Cases.Parameters(net);

        var result = net.ComputeGradients(inputs, labels);
        Assert.Equal(reference.Loss(p, inputs64, labels), result.Loss, 1e-5);

        const double h = 1e-6;
        foreach (var tensor in net.ParameterTable.ToArray())
        {
            var analytic = new float[tensor.Length];
            net.CopyGradient(tensor.Name, analytic);
            Assert.All(analytic, g => Assert.True(float.IsFinite(g), $"{name} {tensor.Name}: {g}"));
            var values = p[tensor.Name];
            // Every output channel and every (input channel, tap) once, not every pair: the float64
            // reference runs twice per probe, and probing all 1,728 stem weights took a minute in Debug.
            var probed = ProbedElements.Cover(tensor.Shape);
            var numeric = new double[probed.Length];
            for (int j = 0; j < probed.Length; j++)
            {
                int i = probed[j];
                double saved = values[i];
                values[i] = saved + h;
                double plus = reference.Loss(p, inputs64, labels);
                values[i] = saved - h;
                double minus = reference.Loss(p, inputs64, labels);
                values[i] = saved;
                numeric[j] = (plus - minus) / (2 * h);
            }
            AssertGradient(numeric, Array.ConvertAll(probed, i => analytic[i]), probed, $"{name} {tensor.Name}");
        }
    }

    [Fact]
    public void Steps_fit_a_small_batch()
    {
        var net = new TinyNet(9, ExecutionMode.Training);
        net.TrainingSettings.LearningRate = 0.01f;
        var inputs = Cases.Random(4 * 64, 3);
        int[] labels = { 0, 1, 2, 3 };
        float first = net.TrainStep(inputs, labels).Loss;
        for (int i = 0; i < 40; i++) net.TrainStep(inputs, labels);
        float last = net.ComputeGradients(inputs, labels).Loss;
        Assert.True(last < 0.5f * first, $"loss {first} -> {last}");
        Assert.Equal(41, net.StepCount);
    }

    [Fact]
    public void Dropout_trains_with_seeded_masks_and_predicts_without_them()
    {
        var a = new DropNet(2, ExecutionMode.Training);
        var b = new DropNet(2, ExecutionMode.Training);
        var inputs = Cases.Random(4 * 128, 6);
        int[] labels = { 0, 1, 2, 3 };
        a.TrainingSettings.LearningRate = 0.01f;
        b.TrainingSettings.LearningRate = 0.01f;
        float first = a.TrainStep(inputs, labels).Loss;
        Assert.Equal(first, b.TrainStep(inputs, labels).Loss);
        // Masks differ between steps, so two steps on the same batch see different losses.
        var twice = new DropNet(2, ExecutionMode.Training);
        Assert.NotEqual(twice.ComputeGradients(inputs, labels).Loss, twice.ComputeGradients(inputs, labels).Loss);
        for (int i = 0; i < 60; i++) a.TrainStep(inputs, labels);
        // Evaluate runs without dropout: deterministic, and the fitted batch is now classified right.
        var evaluated = a.Evaluate(inputs, labels);
        Assert.Equal(evaluated, a.Evaluate(inputs, labels));
        Assert.Equal(4, evaluated.Correct);
        Assert.True(evaluated.Loss < 0.5f * first, $"loss {first} -> {evaluated.Loss}");
    }

    [Fact]
    public void A_worker_pool_gives_the_same_training_bit_for_bit()
    {
        using var pool = new NetGen.Threading.WorkerPool(2);
        var alone = new MnistCnn(6, ExecutionMode.Training);
        var pooled = new MnistCnn(6, ExecutionMode.Training);
        pooled.UseWorkerPool(pool);
        var inputs = Cases.Random(32 * 784, 7);
        var labels = Enumerable.Range(0, 32).Select(i => i % 10).ToArray();
        for (int step = 0; step < 3; step++)
            Assert.Equal(alone.TrainStep(inputs, labels).Loss, pooled.TrainStep(inputs, labels).Loss);
        pooled.TrainStep(inputs, labels);
        long before = GC.GetAllocatedBytesForCurrentThread();
        pooled.TrainStep(inputs, labels);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        alone.TrainStep(inputs, labels);
        alone.TrainStep(inputs, labels);
        Assert.Equal(Cases.Parameters(alone)["conv2.weight"], Cases.Parameters(pooled)["conv2.weight"]);
    }

    /// <summary>fp32 backward against float64 differences: relative 1e-3 of the tensor's largest gradient, plus 1e-5.</summary>
    /// <summary>The backward's <paramref name="analytic"/> values at the tensor's <paramref name="elements"/> against their finite differences.</summary>
    private static void AssertGradient(double[] numeric, float[] analytic, int[] elements, string what)
    {
        double scale = numeric.Max(Math.Abs);
        Assert.True(scale > 1e-6, $"{what}: the gradient is all zero, which checks nothing");
        for (int j = 0; j < numeric.Length; j++)
        {
            double error = Math.Abs(analytic[j] - numeric[j]);
            Assert.True(error <= 1e-3 * scale + 1e-5,
                $"{what}[{elements[j]}]: backward {analytic[j]:R}, finite differences {numeric[j]:R} (largest {scale:E2})");
        }
    }
}
