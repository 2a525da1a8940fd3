using NetGen.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>
/// Generated BatchNorm, Add and Multiply in graph networks (a residual block, squeeze-and-excitation
/// gates) against the float64 <see cref="ReferenceGraph"/>: forward in both modes, gradients by
/// finite differences, running statistics, folding, training, memory.
/// </summary>
public class GraphTests
{
    public static TheoryData<string> Names() => new(GraphCases.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Predict_matches_the_reference_with_folded_and_unfolded_batch_norms(string name)
    {
        var reference = GraphCases.Reference(name);
        var folded = GraphCases.Make(name, 3, ExecutionMode.Inference);
        GraphCases.Randomize(folded, 40);
        // The training instance predicts through the batch-norm kernel with running statistics.
        var unfolded = GraphCases.Make(name, 3, ExecutionMode.Training);
        GraphCases.Randomize(unfolded, 40);
        var p = Cases.Parameters(folded);
        const int count = 3;
        var inputs = Cases.Random(count * folded.InputSize, 77);
        var expected = reference.Forward(p, Array.ConvertAll(inputs, v => (double)v), count, train: false);

        var a = new float[count * folded.OutputSize];
        var b = new float[count * folded.OutputSize];
        folded.Predict(inputs, a, count);
        unfolded.Predict(inputs, b, count);
        for (int i = 0; i < count; i++)
        {
            AssertClose(expected[i], a.AsSpan(i * folded.OutputSize, folded.OutputSize), 1e-4, $"{name} folded, sample {i}");
            AssertClose(expected[i], b.AsSpan(i * folded.OutputSize, folded.OutputSize), 1e-4, $"{name} unfolded, sample {i}");
        }
    }

    /// <param name="name">The network.</param>
    /// <param name="samples">Samples, 0 for one training batch. Training runs two sample slices whose batch-norm
    /// partials combine: SliceResidual (batch 7) with 1 sample leaves the first slice empty, 3 give slices of 1 and 2.</param>
    [Theory]
    [InlineData("Residual", 0)]
    [InlineData("Se", 0)]
    [InlineData("WinogradResidual", 0)]
    [InlineData("SliceResidual", 0)]
    [InlineData("SliceResidual", 1)]
    [InlineData("SliceResidual", 3)]
    [InlineData("FusedModern", 0)]
    [InlineData("FusedModern", 1)]
    [InlineData("WinogradResidual", 1)]
    [InlineData("WinogradResidual", 2)]
    [InlineData("LastStage", 0)]
    [InlineData("LastStage", 1)]
    [InlineData("NoAffine", 0)]
    [InlineData("NoAffine", 3)]
    [InlineData("NoAffineSingle", 0)]
    public void Trainable_gradients_match_finite_differences_of_batch_statistics(string name, int samples)
    {
        var net = GraphCases.Make(name, 5, ExecutionMode.Training);
        GraphCases.Randomize(net, 60);
        var reference = GraphCases.Reference(name);
        int batch = samples == 0 ? net.MaxBatch : samples;
        var inputs = Cases.Random(batch * net.InputSize, 21);
        var labels = Enumerable.Range(0, batch).Select(i => (i * 3 + 1) % net.OutputSize).ToArray();
        var inputs64 = Array.ConvertAll(inputs, v => (double)v);
        var p = Cases.Parameters(net);

        var result = net.ComputeGradients(inputs, labels);
        Assert.Equal(reference.Loss(p, inputs64, labels), result.Loss, 1e-5);

        const double h = 1e-6;
        int checkedTensors = 0;
        foreach (var tensor in net.ParameterTable.ToArray())
        {
            if (!tensor.Trainable) continue;
            checkedTensors++;
            var analytic = new float[tensor.Length];
            net.CopyGradient(tensor.Name, analytic);
            if (ZeroByConstruction.Contains(tensor.Name))
            {
                // A per-channel constant before a training batch norm is subtracted with the batch mean.
                Assert.All(analytic, g => Assert.True(Math.Abs(g) < 1e-5, $"{name} {tensor.Name}: {g:R}, expected 0"));
                continue;
            }
            var values = p[tensor.Name];
            // Up to 12 entries spread over the tensor keep the float64 reference's cost small; the
            // nodes before the tensor's layer run once, not twice per entry.
            var loss = reference.LossOfTensor(p, inputs64, labels, tensor.Name);
            int step = (values.Length + 11) / 12;
            double scale = 0, numericMax = 0;
            var numeric = new Dictionary<int, double>();
            for (int i = 0; i < values.Length; i += step)
            {
                double saved = values[i];
                values[i] = saved + h;
                double plus = loss();
                values[i] = saved - h;
                double minus = loss();
                values[i] = saved;
                numeric[i] = (plus - minus) / (2 * h);
                numericMax = Math.Max(numericMax, Math.Abs(numeric[i]));
                scale = Math.Max(scale, Math.Abs(analytic[i]));
            }
            scale = Math.Max(scale, numericMax);
            Assert.True(scale > 1e-6, $"{name} {tensor.Name}: the gradient is all zero, which checks nothing");
            foreach (var (i, expected) in numeric)
            {
                double error = Math.Abs(analytic[i] - expected);
                Assert.True(error <= 1e-3 * scale + 1e-5,
                    $"{name} {tensor.Name}[{i}]: backward {analytic[i]:R}, finite differences {expected:R} (largest {scale:E2})");
            }
        }
        Assert.True(checkedTensors >= 8, $"{name}: only {checkedTensors} trainable tensors");
    }

    /// <summary>scale: false leaves out gamma (".weight"), center: false beta (".bias"): no tensor, no gradient.</summary>
    [Fact]
    public void Batch_norms_without_scale_or_center_have_no_gamma_or_beta_tensor()
    {
        var net = GraphCases.Make("NoAffine", 1, ExecutionMode.Training);
        var names = net.ParameterTable.ToArray().Select(t => t.Name).ToArray();
        Assert.Equal(new[]
        {
            "entry.weight", "conv1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "conv2.weight",
            "bn2.weight", "bn2.running_mean", "bn2.running_var", "bn3.running_mean", "bn3.running_var",
            "bn4.bias", "bn4.running_mean", "bn4.running_var", "conv3.weight", "conv3.bias", "head.weight", "head.bias",
        }, names);
        // bn1 and bn2 have C = 4 learned values each, bn4's beta is frozen; the statistics are 8 per batch norm.
        Assert.Equal(8 + 144 + 4 + 144 + 4 + 16 + 4 + 12 + 3, NoAffineNet.TrainableParameterCount);
        Assert.Equal(4 * 8 + 4, NoAffineNet.NonTrainableParameterCount);
    }

    /// <summary>Biases whose every path to the loss passes a training batch norm (stem: bn1, and bn3 through side_conv; the others their own).</summary>
    private static readonly HashSet<string> ZeroByConstruction = new() { "stem.bias", "block1.conv2.bias", "gate_fc.bias", "grouped.bias" };

    [Theory]
    [MemberData(nameof(Names))]
    public void Training_steps_move_running_statistics_by_the_declared_momentum(string name)
    {
        var net = GraphCases.Make(name, 8, ExecutionMode.Training);
        GraphCases.Randomize(net, 90);
        var reference = GraphCases.Reference(name);
        int batch = net.MaxBatch;
        var inputs = Cases.Random(batch * net.InputSize, 31);
        var labels = Enumerable.Range(0, batch).Select(i => i % net.OutputSize).ToArray();
        var before = Cases.Parameters(net);
        var statistics = new Dictionary<string, (double[] Mean, double[] Variance)>();
        reference.Forward(before, Array.ConvertAll(inputs, v => (double)v), batch, train: true, statistics);

        net.ComputeGradients(inputs, labels);
        var after = Cases.Parameters(net);
        var momentum = new Dictionary<string, double> { ["block1.bn2"] = 0.3 };
        int moved = 0;
        foreach (var tensor in net.ParameterTable.ToArray())
        {
            if (!tensor.Name.EndsWith(".running_mean", StringComparison.Ordinal)) continue;
            string bn = tensor.Name[..^".running_mean".Length];
            Assert.False(net.ParameterTable.ToArray().Single(t => t.Name == tensor.Name).Trainable);
            if (!statistics.TryGetValue(bn, out var batchStats))
            {
                // Frozen: normalised by its running statistics, which stay as they were.
                Assert.Equal(before[tensor.Name], after[tensor.Name]);
                Assert.Equal(before[bn + ".running_var"], after[bn + ".running_var"]);
                continue;
            }
            double m = momentum.GetValueOrDefault(bn, 0.1);
            for (int c = 0; c < tensor.Length; c++)
            {
                Assert.Equal((1 - m) * before[tensor.Name][c] + m * batchStats.Mean[c], after[tensor.Name][c], 1e-5);
                Assert.Equal((1 - m) * before[bn + ".running_var"][c] + m * batchStats.Variance[c], after[bn + ".running_var"][c], 1e-4);
            }
            moved++;
        }
        Assert.Equal(name switch { "Residual" => 5, "WinogradResidual" or "SliceResidual" or "WideBlock" => 2, "Clip" => 1, "FusedModern" => 0, "LastStage" => 8, _ => 3 }, moved);
        if (name != "Residual") return;

        // bn0 normalises the input itself: its batch statistics by hand, over 4 samples x 64 pixels per channel.
        for (int c = 0; c < 3; c++)
        {
            var values = Enumerable.Range(0, batch).SelectMany(i => inputs.Skip(i * 192 + c * 64).Take(64)).Select(v => (double)v).ToArray();
            double mean = values.Average();
            double unbiased = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
            Assert.Equal(0.9 * before["bn0.running_mean"][c] + 0.1 * mean, after["bn0.running_mean"][c], 1e-5);
            Assert.Equal(0.9 * before["bn0.running_var"][c] + 0.1 * unbiased, after["bn0.running_var"][c], 1e-4);
        }
    }

    [Theory]
    [InlineData("Residual", 0.05f)]
    [InlineData("Se", 0.01f)]
    [InlineData("WinogradResidual", 0.05f)]
    [InlineData("SliceResidual", 0.05f)]
    [InlineData("ModernActivation", 0.02f)]
    [InlineData("Clip", 0.02f)]
    public void Training_fits_a_small_batch(string name, float learningRate)
    {
        var net = GraphCases.Make(name, 9, ExecutionMode.Training);
        net.TrainingSettings.LearningRate = learningRate;
        int batch = net.MaxBatch;
        var inputs = Cases.Random(batch * net.InputSize, 3);
        var labels = Enumerable.Range(0, batch).Select(i => i % net.OutputSize).ToArray();
        float first = net.TrainStep(inputs, labels).Loss;
        for (int i = 0; i < 60; i++) net.TrainStep(inputs, labels);
        float last = net.ComputeGradients(inputs, labels).Loss;
        Assert.True(last < 0.5f * first, $"{name}: loss {first} -> {last}");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Allocation_equals_the_plan_plus_kernel_buffers(string name)
    {
        var (inference, training) = GraphCases.PlannedBytes(name);
        Assert.Equal(inference, GraphCases.Make(name, 1, ExecutionMode.Inference).AllocatedBytes);
        Assert.Equal(training, GraphCases.Make(name, 1, ExecutionMode.Training).AllocatedBytes);
    }

    [Fact]
    public void Predict_and_TrainStep_allocate_nothing_after_construction()
    {
        var inference = new ResidualNet(1);
        var training = new SeNet(1, ExecutionMode.Training);
        var input = Cases.Random(3 * 8 * 8, 1);
        var output = new float[5];
        var inputs = Cases.Random(3 * 2 * 6 * 6, 2);
        int[] labels = { 0, 1, 2 };
        var outputs = new float[3 * 4];

        void Run()
        {
            inference.Predict(input, output);
            training.TrainStep(inputs, labels);
            training.Predict(inputs, outputs, 3);
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Batch_norm_tensors_are_named_and_counted_as_PyTorch()
    {
        var table = ResidualNet.ParameterTensors.ToArray();
        Assert.Equal(new[] { "block1.bn1.weight", "block1.bn1.bias", "block1.bn1.running_mean", "block1.bn1.running_var" },
            table.Where(t => t.Name.StartsWith("block1.bn1.", StringComparison.Ordinal)).Select(t => t.Name));
        Assert.Equal(new[] { true, true, false, false }, table.Where(t => t.Name.StartsWith("block1.bn1.", StringComparison.Ordinal)).Select(t => t.Trainable));
        // 5 batch norms: bn0 (3 channels), bn1, block1.bn1, block1.bn2, bn3 (8 each): 2 x 35 statistics.
        Assert.Equal(70L, ResidualNet.ParameterCount - table.Where(t => t.Trainable).Sum(t => (long)t.Length));
        Assert.Equal(ResidualNet.ParameterCount, table.Sum(t => (long)t.Length));
        var net = new ResidualNet(1);
        var ones = new float[8];
        net.CopyParameter("block1.bn1.running_var", ones);
        Assert.All(ones, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Folding_leaves_the_canonical_weights_and_weight_files_round_trip_the_statistics()
    {
        var net = new ResidualNet(4);
        GraphCases.Randomize(net, 11);
        var weights = new float[8 * 8 * 9];
        net.CopyParameter("block1.conv1.weight", weights);
        var original = Cases.Parameters(new ResidualNet(4))["block1.conv1.weight"];
        Assert.Equal(original, weights.Select(v => (double)v).ToArray());

        string path = Path.Combine(Path.GetTempPath(), $"netgen-residual-{Guid.NewGuid():N}.safetensors");
        try
        {
            net.Save(path);
            var loaded = new ResidualNet(99);
            loaded.Load(path);
            Assert.Equal(Cases.Parameters(net)["block1.bn2.running_var"], Cases.Parameters(loaded)["block1.bn2.running_var"]);
            var input = Cases.Random(3 * 8 * 8, 5);
            var a = new float[5];
            var b = new float[5];
            net.Predict(input, a);
            loaded.Predict(input, b);
            Assert.Equal(a, b);
            // A new running variance reaches the folded weights: the output changes.
            loaded.SetParameter("block1.bn1.running_var", Enumerable.Repeat(4f, 8).ToArray());
            loaded.Predict(input, b);
            Assert.NotEqual(a, b);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Largest |actual - expected| over the largest |expected| (at least 1e-3), below <paramref name="tolerance"/>.</summary>
    internal static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-3, expected.Max(Math.Abs));
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]);
            if (error > worst) (worst, at) = (error, i);
        }
        Assert.True(worst / scale < tolerance,
            $"{what}: [{at}] is {actual[at]:R}, expected {expected[at]:R}; relative error {worst / scale:E2} (scale {scale:E2})");
    }
}
