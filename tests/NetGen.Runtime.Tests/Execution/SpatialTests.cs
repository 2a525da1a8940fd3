using NetGen.Execution;
using NetGen.Kernels;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>
/// Generated execution of Conv2DTranspose, SeparableConv2D, Upsample, LocalResponseNorm and
/// Concat: Predict against the float64 reference, gradients against finite differences,
/// allocation against the generated constants.
/// </summary>
public class SpatialTests
{
    public static TheoryData<string, ExecutionMode> PredictCases()
    {
        var data = new TheoryData<string, ExecutionMode>();
        foreach (var name in SpatialCases.Names)
        {
            data.Add(name, ExecutionMode.Inference);
            if (SpatialCases.Trainable.Contains(name)) data.Add(name, ExecutionMode.Training);
        }
        return data;
    }

    public static TheoryData<string> Trainable() => new(SpatialCases.Trainable);

    public static TheoryData<string> Names() => new(SpatialCases.Names);

    [Theory]
    [MemberData(nameof(PredictCases))]
    public void Predict_matches_the_float64_reference(string name, ExecutionMode mode)
    {
        var net = SpatialCases.Make(name, seed: 7, mode);
        Cases.RandomizeBiases(net, 100);
        var reference = SpatialCases.Reference(name);
        var p = Cases.Parameters(net);
        const int count = 3;
        var inputs = Cases.Random(count * net.InputSize, 11);
        var outputs = new float[count * net.OutputSize];
        net.Predict(inputs, outputs, count);

        var single = new float[net.OutputSize];
        for (int i = 0; i < count; i++)
        {
            var input = inputs.AsSpan(i * net.InputSize, net.InputSize);
            var expected = reference.Forward(p, Array.ConvertAll(input.ToArray(), v => (double)v));
            Assert.True(expected.Max(Math.Abs) > 1e-3, $"{name}: the reference output is all but zero, which checks nothing");
            net.Predict(input, single);
            PredictTests.AssertClose(expected, single, $"{name} sample {i}, one at a time");
            PredictTests.AssertClose(expected, outputs.AsSpan(i * net.OutputSize, net.OutputSize).ToArray(), $"{name} sample {i}, batched");
        }
    }

    [Theory]
    [MemberData(nameof(Trainable))]
    public void Every_parameter_gradient_matches_finite_differences(string name)
    {
        var net = (ITrainableNetwork)SpatialCases.Make(name, seed: 5, ExecutionMode.Training);
        Cases.RandomizeBiases(net, 50);
        var reference = SpatialCases.Reference(name);
        int batch = net.MaxBatch;
        var inputs = Cases.Random(batch * net.InputSize, 21);
        var labels = Enumerable.Range(0, batch).Select(i => (i * 2 + 1) % net.OutputSize).ToArray();
        var inputs64 = Array.ConvertAll(inputs, v => (double)v);
        var p = Cases.Parameters(net);

        var result = net.ComputeGradients(inputs, labels);
        Assert.Equal(reference.Loss(p, inputs64, labels), result.Loss, 1e-5);

        const double h = 1e-6;
        foreach (var tensor in net.ParameterTable.ToArray().Where(t => t.Trainable))
        {
            var analytic = new float[tensor.Length];
            net.CopyGradient(tensor.Name, analytic);
            var values = p[tensor.Name];
            var numeric = new double[tensor.Length];
            for (int i = 0; i < values.Length; i++)
            {
                double saved = values[i];
                values[i] = saved + h;
                double plus = reference.Loss(p, inputs64, labels);
                values[i] = saved - h;
                double minus = reference.Loss(p, inputs64, labels);
                values[i] = saved;
                numeric[i] = (plus - minus) / (2 * h);
            }
            AssertGradient(numeric, analytic, $"{name} {tensor.Name}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Allocation_equals_the_plan_plus_kernel_buffers_and_the_table_the_parameter_count(string name)
    {
        var (inference, training, parameters) = SpatialCases.Planned(name);
        var net = SpatialCases.Make(name, 1, ExecutionMode.Inference);
        Assert.Equal(inference, net.AllocatedBytes);
        Assert.Equal(parameters, net.ParameterTable.ToArray().Sum(t => (long)t.Length));
        // Every case trains: UNet's (C, H, W) output with a per-pixel loss.
        Assert.Equal(training, SpatialCases.Make(name, 1, ExecutionMode.Training).AllocatedBytes);
    }

    [Fact]
    public void Transposed_convolution_kernel_bytes_are_the_kernels_own_sizes()
    {
        var conv1 = Conv2DDims.Create(1, 5, 4, 3, 4, 3, 3, 1, 1, 1, 1, 1, 1);
        var up1 = Conv2DTransposeDims.Create(1, 5, 4, 4, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        // 'same' at stride 1, kernel 2: one row and column cropped at the bottom and right.
        var up2 = Conv2DTransposeDims.Create(1, 10, 8, 5, 3, 2, 2, 1, 1, 0, 1, 0, 1);
        var fc = new DenseDims(1, 60, 4);
        long forward = Conv2D.PackedWeightFloats(conv1) + Conv2DTranspose.PackedWeightFloats(up1)
            + Conv2DTranspose.PackedWeightFloats(up2) + Dense.PackedWeightFloats(fc);
        // Both transposed convolutions' inputs need gradients; conv1 reads the network input.
        long backward = Conv2DTranspose.PackedBackwardWeightFloats(up1) + Conv2DTranspose.PackedBackwardWeightFloats(up2);
        Assert.Equal(0, Conv2DTranspose.ForwardWorkspaceFloats(up1));
        Assert.True(Conv2DTranspose.ForwardWorkspaceFloats(up2) > 0, "a stride-1 transposed convolution gathers as a convolution, with scratch");
        long workspace = Math.Max(Conv2D.ForwardWorkspaceFloats(conv1), Conv2DTranspose.ForwardWorkspaceFloats(up2));
        long backwardWorkspace = Math.Max(Conv2DTranspose.BackwardWorkspaceFloats(up1), Conv2DTranspose.BackwardWorkspaceFloats(up2));
        Assert.Equal(TransposeNet.InferenceKernelBytes, (forward + workspace + 3 * 5 * 4) * 4);
        // Training runs two sample slices: each its own copy of both scratches, the second its own block of the weight gradients.
        long slices = 2 * (workspace + backwardWorkspace) + TransposeNet.TrainableParameterCount;
        Assert.Equal(TransposeNet.TrainingKernelBytes, (forward + backward + workspace + backwardWorkspace + slices) * 4);
    }

    [Fact]
    public void Separable_convolution_kernel_bytes_are_the_kernels_own_sizes()
    {
        var halves = new[]
        {
            (Conv2DDims.Create(1, 7, 5, 2, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 2), Conv2DDims.Create(1, 4, 3, 4, 6, 1, 1)),
            (Conv2DDims.Create(1, 4, 3, 6, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 6), Conv2DDims.Create(1, 4, 3, 6, 4, 1, 1)),
            (Conv2DDims.Create(1, 4, 3, 4, 12, 2, 2, groups: 4), Conv2DDims.Create(1, 3, 2, 12, 5, 1, 1)),
        };
        int batch = SeparableNet.TrainingBatch;
        long forward = Dense.PackedWeightFloats(new DenseDims(1, 30, 3)), backward = 0, saved = 0, between = 0, workspace = 0, backwardWorkspace = 0;
        for (int i = 0; i < halves.Length; i++)
        {
            var (depthwise, pointwise) = halves[i];
            forward += Conv2D.PackedWeightFloats(depthwise) + Conv2D.PackedWeightFloats(pointwise);
            // Every layer needs its depthwise result's gradient; sep1's input is the network input.
            backward += Conv2D.PackedBackwardWeightFloats(pointwise) + (i == 0 ? 0 : Conv2D.PackedBackwardWeightFloats(depthwise));
            long result = (long)pointwise.H * pointwise.W * pointwise.C;
            saved += batch * result;
            between = Math.Max(between, result);
            workspace = Math.Max(workspace, Math.Max(Conv2D.ForwardWorkspaceFloats(depthwise), Conv2D.ForwardWorkspaceFloats(pointwise)));
            backwardWorkspace = Math.Max(backwardWorkspace, Math.Max(Conv2D.BackwardDataWorkspaceFloats(pointwise),
                i == 0 ? 0 : Conv2D.BackwardDataWorkspaceFloats(depthwise)));
        }
        // Between the halves: at inference one sample, in one buffer all layers share (the largest);
        // in training each layer's saved batch, and one shared buffer for the gradient of a batch.
        Assert.Equal(SeparableNet.InferenceKernelBytes, (forward + workspace + between + 2 * 7 * 5) * 4);
        // Training runs two sample slices: each its own copy of both scratches, the second its own block of the weight gradients.
        long slices = 2 * (workspace + backwardWorkspace) + SeparableNet.TrainableParameterCount;
        Assert.Equal(SeparableNet.TrainingKernelBytes, (forward + backward + workspace + backwardWorkspace + saved + batch * between + slices) * 4);
    }

    [Fact]
    public void A_worker_pool_gives_the_same_training_bit_for_bit()
    {
        using var pool = new NetGen.Threading.WorkerPool(2);
        var separable = (new SeparableNet(6, ExecutionMode.Training), new SeparableNet(6, ExecutionMode.Training));
        var transposed = (new TransposeNet(6, ExecutionMode.Training), new TransposeNet(6, ExecutionMode.Training));
        separable.Item2.UseWorkerPool(pool);
        transposed.Item2.UseWorkerPool(pool);
        var separableInputs = Cases.Random(3 * 70, 7);
        var transposedInputs = Cases.Random(3 * 60, 8);
        int[] labels = { 2, 0, 1 };
        for (int step = 0; step < 3; step++)
        {
            Assert.Equal(separable.Item1.TrainStep(separableInputs, labels).Loss, separable.Item2.TrainStep(separableInputs, labels).Loss);
            Assert.Equal(transposed.Item1.TrainStep(transposedInputs, labels).Loss, transposed.Item2.TrainStep(transposedInputs, labels).Loss);
        }
        Assert.Equal(Cases.Parameters(separable.Item1), Cases.Parameters(separable.Item2));
        Assert.Equal(Cases.Parameters(transposed.Item1), Cases.Parameters(transposed.Item2));
        long before = GC.GetAllocatedBytesForCurrentThread();
        separable.Item2.TrainStep(separableInputs, labels);
        transposed.Item2.TrainStep(transposedInputs, labels);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_frozen_separable_layer_has_no_gradients_and_keeps_its_weights()
    {
        var net = new SeparableNet(3, ExecutionMode.Training);
        var before = Cases.Parameters(net);
        var inputs = Cases.Random(3 * 70, 4);
        net.TrainStep(inputs, new[] { 0, 1, 2 });
        var after = Cases.Parameters(net);
        Assert.Throws<InvalidOperationException>(() => net.CopyGradient("sep2.depthwise.weight", new float[36]));
        Assert.Equal(before["sep2.depthwise.weight"], after["sep2.depthwise.weight"]);
        Assert.Equal(before["sep2.pointwise.weight"], after["sep2.pointwise.weight"]);
        Assert.NotEqual(before["sep1.depthwise.weight"], after["sep1.depthwise.weight"]);
    }

    [Fact]
    public void Parameters_have_pytorch_names_and_layouts()
    {
        var table = SeparableNet.ParameterTensors.ToArray().ToDictionary(t => t.Name, t => t.ShapeArray());
        Assert.Equal(new[] { 4, 1, 3, 3 }, table["sep1.depthwise.weight"]);
        Assert.Equal(new[] { 6, 4, 1, 1 }, table["sep1.pointwise.weight"]);
        Assert.Equal(new[] { 6 }, table["sep1.bias"]);
        Assert.Equal(new[] { 12, 1, 2, 2 }, table["sep3.depthwise.weight"]);
        Assert.False(table.ContainsKey("sep3.bias"));
        // ConvTranspose2d's (C_in, C_out, R, S).
        var transposed = TransposeNet.ParameterTensors.ToArray().ToDictionary(t => t.Name, t => t.ShapeArray());
        Assert.Equal(new[] { 4, 5, 3, 3 }, transposed["up1.weight"]);
        Assert.Equal(new[] { 5, 3, 2, 2 }, transposed["up2.weight"]);
    }

    [Fact]
    public void Predict_and_TrainStep_allocate_nothing_after_construction()
    {
        var unet = new TinyUNet(1);
        var concat = new ConcatNet(1, ExecutionMode.Training);
        var separable = new SeparableNet(1, ExecutionMode.Training);
        var unetInput = Cases.Random(((INetwork)unet).InputSize, 1);
        var unetOutput = new float[((INetwork)unet).OutputSize];
        var concatInputs = Cases.Random(3 * 60, 2);
        var separableInputs = Cases.Random(3 * 70, 3);
        int[] labels = { 0, 1, 2 };

        void Run()
        {
            unet.Predict(unetInput, unetOutput);
            concat.TrainStep(concatInputs, labels);
            separable.TrainStep(separableInputs, labels);
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>fp32 backward against float64 differences: relative 1e-3 of the tensor's largest gradient, plus 1e-5.</summary>
    private static void AssertGradient(double[] numeric, float[] analytic, string what)
    {
        double scale = numeric.Max(Math.Abs);
        Assert.True(scale > 1e-6, $"{what}: the gradient is all zero, which checks nothing");
        for (int i = 0; i < numeric.Length; i++)
        {
            double error = Math.Abs(analytic[i] - numeric[i]);
            Assert.True(error <= 1e-3 * scale + 1e-5,
                $"{what}[{i}]: backward {analytic[i]:R}, finite differences {numeric[i]:R} (largest {scale:E2})");
        }
    }
}
