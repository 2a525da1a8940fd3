using Xunit;
using NetGen.Kernels;

namespace NetGen.Tests.Kernels;

public class Conv2DTests
{
    public record Case(string Name, Conv2DDims Dims, bool Bias, Activation Act, float Alpha = 0f)
    {
        public override string ToString() => Name;
    }

    // Small enough for finite differences over every input and weight.
    public static TheoryData<Case> GradientCases() => new()
    {
        new("asymmetric pads, K=19", Conv2DDims.Create(2, 7, 6, 4, 19, 3, 2, padTop: 1, padBottom: 0, padLeft: 2, padRight: 1), true, Activation.ReLU),
        new("stride 2x3, dilation 2x1, groups 2", Conv2DDims.Create(2, 9, 10, 6, 20, 3, 3, 2, 3, 2, 1, 0, 3, 2, 1, 2), true, Activation.None),
        new("depthwise 3x3 stride 2 pad 1", Conv2DDims.Create(2, 7, 7, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1, groups: 8), true, Activation.Tanh),
        new("depthwise C=20 (vector over channels), asymmetric pads, dilation 2", Conv2DDims.Create(2, 6, 7, 20, 20, 3, 3, 1, 2, 2, 1, 0, 2, 2, 1, 20), true, Activation.ReLU),
        new("depthwise multiplier 2", Conv2DDims.Create(1, 6, 5, 3, 6, 2, 3, padLeft: 1, padRight: 1, groups: 3), false, Activation.Sigmoid),
        new("stride 1 (dX as a convolution), dilation 2x1, groups 2, K=34", Conv2DDims.Create(2, 7, 8, 6, 34, 3, 3, 1, 1, 2, 0, 1, 2, 2, 1, 2), true, Activation.None),
        new("1x1, C=17, K=33", Conv2DDims.Create(2, 2, 5, 17, 33, 1, 1), true, Activation.LeakyReLU, 0.1f),
        new("5x5 pad 2, K=16, no bias", Conv2DDims.Create(1, 6, 7, 2, 16, 5, 5, 1, 1, 2, 2, 2, 2), false, Activation.ELU, 1.0f),
        new("groups 3, C/G=2, K/G=5, stride 2, odd", Conv2DDims.Create(2, 5, 7, 6, 15, 3, 3, 2, 1, 0, 1, 1, 0, 1, 2, 3), true, Activation.None),
        // Few input channels, no padding: dW by (c, r, s) register tiles (Conv2D.BackwardWeightsTaps.cs).
        new("C=1 unpadded 3x3, K=20 (dW tiled by taps)", Conv2DDims.Create(2, 7, 8, 1, 20, 3, 3), true, Activation.ReLU),
        new("groups 2, C/G=3, stride 2x1, dilation 1x2, K/G=9 (dW tiled by taps, 18 combinations)",
            Conv2DDims.Create(2, 9, 9, 6, 18, 3, 2, 2, 1, 0, 0, 0, 0, 1, 2, 2), false, Activation.None),
        // The activations modern networks use, fused into the epilogues of different kernel paths.
        new("3x3 pad 1, K=20, relu6", Conv2DDims.Create(2, 6, 7, 3, 20, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1), true, Activation.ReLU6),
        new("1x1, C=17, K=33, hardswish", Conv2DDims.Create(2, 2, 5, 17, 33, 1, 1), true, Activation.HardSwish),
        new("depthwise 3x3 stride 2 pad 1, hardsigmoid", Conv2DDims.Create(2, 7, 7, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1, groups: 8), true, Activation.HardSigmoid),
        new("depthwise C=20, silu", Conv2DDims.Create(2, 6, 7, 20, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 20), true, Activation.SiLU),
        new("C=1 unpadded 3x3, K=20, gelu", Conv2DDims.Create(2, 7, 8, 1, 20, 3, 3), true, Activation.GELU),
        new("5x5 pad 2, K=16, gelu tanh", Conv2DDims.Create(1, 6, 7, 2, 16, 5, 5, 1, 1, 2, 2, 2, 2), false, Activation.GELUTanh),
        new("groups 3, stride 2, mish", Conv2DDims.Create(2, 5, 7, 6, 15, 3, 3, 2, 1, 0, 1, 1, 0, 1, 2, 3), true, Activation.Mish),
    };

    public static TheoryData<Case> ForwardCases()
    {
        var cases = GradientCases();
        cases.Add(new("MNIST conv1 28x28x1 -> 32, 3x3", Conv2DDims.Create(2, 28, 28, 1, 32, 3, 3), true, Activation.ReLU));
        cases.Add(new("MNIST conv2 26x26x32 -> 64, 3x3", Conv2DDims.Create(1, 26, 26, 32, 64, 3, 3), true, Activation.ReLU));
        return cases;
    }

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Forward_matches_float64_reference(Case t) => CheckForward(t, 1, KernelPath.Hardware);

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Forward_256_bit_path_matches_reference(Case t) => CheckForward(t, 2, KernelPath.Vector256);

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Forward_128_bit_path_matches_reference(Case t) => CheckForward(t, 3, KernelPath.Vector128);

    [Theory]
    [MemberData(nameof(ForwardCases))]
    public void Forward_128_bit_unfused_path_matches_reference(Case t) => CheckForward(t, 3, KernelPath.Vector128Unfused);

    private static void CheckForward(Case t, int seed, KernelPath path) =>
        ConvForwardCheck.AgainstReference(t, new Random(seed * 7919 + t.Name.Length), t.Alpha, Conv2D.Forward, path);

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void Backward_matches_finite_differences(Case t)
    {
        var d = t.Dims;
        var rng = new Random(t.Name.Length * 31 + 5);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var w = TestData.Uniform(rng, d.K * d.GroupC * d.R * d.S, 0.5f);
        var b = t.Bias ? TestData.Uniform(rng, d.K) : [];
        var upstream = TestData.Uniform(rng, d.N * d.P * d.Q * d.K);

        // Kernel: forward with the fused activation, then its backward from the saved y.
        var y = new float[upstream.Length];
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, w, d);
        Conv2D.Forward(y, x, packed, b, new float[Conv2D.ForwardWorkspaceFloats(d)], d, t.Act, t.Alpha);
        var dZ = (float[])upstream.Clone();
        if (Activations.NeedsInput(t.Act))
        {
            // Not invertible from y: backward takes the pre-activation, forward without the activation.
            var z = new float[upstream.Length];
            Conv2D.Forward(z, x, packed, b, new float[Conv2D.ForwardWorkspaceFloats(d)], d, Activation.None, 0f);
            Activations.BackwardInPlaceWithInput(dZ, z, y, t.Act, t.Alpha);
        }
        else
        {
            Activations.BackwardInPlace(dZ, y, t.Act, t.Alpha);
        }
        var backPacked = new float[Conv2D.PackedBackwardWeightFloats(d)];
        Conv2D.PackForBackward(backPacked, w, d);
        // Gradients accumulate: start from non-zero contents and expect them kept.
        var dX0 = TestData.Uniform(rng, x.Length);
        var dW0 = TestData.Uniform(rng, w.Length);
        var dB0 = TestData.Uniform(rng, d.K);
        var dX = (float[])dX0.Clone();
        var dW = (float[])dW0.Clone();
        var dB = (float[])dB0.Clone();
        Conv2D.BackwardData(dX, dZ, backPacked, new float[Conv2D.BackwardDataWorkspaceFloats(d)], d);
        Conv2D.BackwardWeights(dW, dZ, x, d);
        Conv2D.BackwardBias(dB, dZ, d);

        // Reference: L = sum(upstream * act(conv(x, w) + b)) in float64, NCHW.
        var g = TestData.NhwcToNchw(upstream, d.N, d.K, d.P, d.Q);
        var xd = TestData.NhwcToNchw(x, d.N, d.C, d.H, d.W);
        var wd = TestData.ToDouble(w);
        var bd = TestData.ToDouble(t.Bias ? b : new float[d.K]);
        double Loss(double[] xs, double[] ws, double[] bs) => TestData.Dot(g, Reference.Conv2D(xs, ws, bs, d, t.Act, t.Alpha));

        var gx = TestData.NchwToNhwc(Numeric.Gradient(v => Loss(v, wd, bd), xd), d.N, d.C, d.H, d.W);
        TensorAssert.Close(TestData.Add(dX0, gx), dX, 1e-4, 1e-4, "dX");
        TensorAssert.Close(TestData.Add(dW0, Numeric.Gradient(v => Loss(xd, v, bd), wd)), dW, 1e-4, 1e-4, "dW");
        TensorAssert.Close(TestData.Add(dB0, Numeric.Gradient(v => Loss(xd, wd, v), bd)), dB, 1e-4, 1e-4, "dB");
    }

    [Theory]
    [MemberData(nameof(GradientCases))]
    public void Backward_256_and_128_bit_paths_equal_the_default_path(Case t)
    {
        var d = t.Dims;
        var rng = new Random(t.Name.Length + 17);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var w = TestData.Uniform(rng, d.K * d.GroupC * d.R * d.S);
        var dY = TestData.Uniform(rng, d.N * d.P * d.Q * d.K);
        var backPacked = new float[Conv2D.PackedBackwardWeightFloats(d)];
        Conv2D.PackForBackward(backPacked, w, d);
        (float[] dX, float[] dW) Run(KernelPath path)
        {
            var dX = new float[x.Length];
            var dW = new float[w.Length];
            Conv2D.BackwardData(dX, dY, backPacked, new float[Conv2D.BackwardDataWorkspaceFloats(d)], d, path);
            Conv2D.BackwardWeights(dW, dY, x, d, path);
            return (dX, dW);
        }
        var expected = Run(KernelPath.Hardware);
        foreach (var path in new[] { KernelPath.Vector256, KernelPath.Vector128, KernelPath.Vector128Unfused })
        {
            var actual = Run(path);
            TensorAssert.Close(expected.dX, actual.dX, 1e-5, 1e-6, "dX " + path.Width);
            TensorAssert.Close(expected.dW, actual.dW, 1e-5, 1e-6, "dW " + path.Width);
        }
    }

    [Fact]
    public void Wrong_output_length_names_kernel_argument_and_sizes()
    {
        var d = Conv2DDims.Create(1, 4, 4, 2, 3, 3, 3);
        var ex = Assert.Throws<ArgumentException>(() =>
            Conv2D.Forward(new float[5], new float[32], new float[Conv2D.PackedWeightFloats(d)], [], new float[64], d));
        Assert.Contains("Conv2D.Forward", ex.Message);
        Assert.Contains("'y' has 5 floats but N*P*Q*K = 12", ex.Message);
    }

    [Fact]
    public void Groups_that_do_not_divide_channels_are_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => Conv2DDims.Create(1, 4, 4, 6, 8, 3, 3, groups: 4));
        Assert.Contains("multiples of Groups = 4", ex.Message);
    }
}
