using NetGen.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>Generated Predict against the float64 reference with the same weights.</summary>
public class PredictTests
{
    public static TheoryData<string, ExecutionMode> All()
    {
        var data = new TheoryData<string, ExecutionMode>();
        foreach (var name in Cases.Names)
        {
            data.Add(name, ExecutionMode.Inference);
            data.Add(name, ExecutionMode.Training);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(All))]
    public void Predict_matches_the_float64_reference(string name, ExecutionMode mode)
    {
        var net = Cases.Make(name, seed: 7, mode);
        Cases.RandomizeBiases(net, 100);
        var reference = Cases.Reference(name);
        var p = Cases.Parameters(net);
        const int count = 5;
        var inputs = Cases.Random(count * net.InputSize, 11);
        var outputs = new float[count * net.OutputSize];
        net.Predict(inputs, outputs, count);

        var single = new float[net.OutputSize];
        for (int i = 0; i < count; i++)
        {
            var input = inputs.AsSpan(i * net.InputSize, net.InputSize);
            var expected = reference.Forward(p, Array.ConvertAll(input.ToArray(), v => (double)v));
            net.Predict(input, single);
            Assert.Equal(expected.Length, net.OutputSize);
            AssertClose(expected, single, $"{name} sample {i}, one at a time");
            AssertClose(expected, outputs.AsSpan(i * net.OutputSize, net.OutputSize).ToArray(), $"{name} sample {i}, batched");
        }
    }

    [Fact]
    public void Same_seed_same_weights_other_seed_other_weights()
    {
        var a = Cases.Parameters(new MnistCnn(42));
        var b = Cases.Parameters(new MnistCnn(42, ExecutionMode.Training));
        var c = Cases.Parameters(new MnistCnn(43));
        foreach (var key in a.Keys) Assert.Equal(a[key], b[key]);
        Assert.NotEqual(a["conv2.weight"], c["conv2.weight"]);
        Assert.All(a["conv2.bias"], v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Initial_weights_follow_he_and_glorot_bounds()
    {
        var p = Cases.Parameters(new MnistCnn(3));
        // conv2 is followed by ReLU: He, limit sqrt(6 / (32 * 9)); dense_2 (softmax): Glorot, sqrt(6 / (64 + 10)).
        AssertSpread(p["conv2.weight"], Math.Sqrt(6.0 / (32 * 9)));
        AssertSpread(p["dense_2.weight"], Math.Sqrt(6.0 / (64 + 10)));
    }

    [Fact]
    public void Wrong_sizes_are_reported_with_both_sizes()
    {
        var net = new TinyNet(1);
        var error = Assert.Throws<ArgumentException>(() => net.Predict(new float[63], new float[5]));
        Assert.Contains("63", error.Message);
        Assert.Contains("(1, 8, 8) is 64", error.Message);
        Assert.Throws<InvalidOperationException>(() => net.TrainStep(new float[64], new[] { 1 }));
        var trainer = new TinyNet(1, ExecutionMode.Training);
        error = Assert.Throws<ArgumentException>(() => trainer.TrainStep(new float[4 * 64], new int[5]));
        Assert.Contains("5 samples' labels need 320 input floats; the inputs have 256", error.Message);
        error = Assert.Throws<ArgumentException>(() => trainer.TrainStep(Array.Empty<float>(), Array.Empty<int>()));
        Assert.Contains("at least one sample", error.Message);
    }

    private static void AssertSpread(double[] values, double limit)
    {
        Assert.All(values, v => Assert.InRange(Math.Abs(v), 0, limit));
        // A uniform draw's largest magnitude over thousands of values comes within 1% of the limit.
        Assert.True(values.Max(Math.Abs) > 0.99 * limit, $"max {values.Max(Math.Abs)} of limit {limit}");
    }

    internal static void AssertClose(double[] expected, float[] actual, string what, double tolerance = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]) / Math.Max(1.0, Math.Abs(expected[i]));
            if (error > worst)
            {
                worst = error;
                at = i;
            }
        }
        Assert.True(worst < tolerance,
            $"{what}: max relative error {worst:E2} at {at}: expected {expected[at]:R}, got {actual[at]:R}");
    }
}
