using NetGen.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Tests.Kernels;

public class ActivationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Activation.None, 0f)]
    [InlineData(Activation.ReLU, 0f)]
    [InlineData(Activation.LeakyReLU, 0.2f)]
    [InlineData(Activation.ELU, 0.7f)]
    [InlineData(Activation.Sigmoid, 0f)]
    [InlineData(Activation.Tanh, 0f)]
    [InlineData(Activation.ReLU6, 0f)]
    [InlineData(Activation.HardSigmoid, 0f)]
    public void Forward_and_both_backwards_match_references(Activation kind, float alpha)
    {
        var rng = new Random((int)kind + 11);
        var x = TestData.Uniform(rng, 77, kind == Activation.ReLU6 ? 8f : 3f); // 77: vector body and scalar tail
        var y = new float[x.Length];
        Activations.Forward(y, x, kind, alpha);
        var xd = TestData.ToDouble(x);
        TensorAssert.Close(Array.ConvertAll(xd, v => Reference.Act(v, kind, alpha)), y, 1e-5, 1e-6, "y");

        var upstream = TestData.Uniform(rng, x.Length);
        var g = TestData.ToDouble(upstream);
        var expected = Numeric.Gradient(v => TestData.Dot(g, Array.ConvertAll(v, e => Reference.Act(e, kind, alpha))), xd, 1e-6);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dX = (float[])dX0.Clone();
        Activations.Backward(dX, upstream, y, kind, alpha);
        TensorAssert.Close(TestData.Add(dX0, expected), dX, 1e-4, 1e-4, "dX");

        var inPlace = (float[])upstream.Clone();
        Activations.BackwardInPlace(inPlace, y, kind, alpha);
        TensorAssert.Close(expected, inPlace, 1e-4, 1e-4, "dY in place");
    }

    [Theory]
    [InlineData(Activation.HardSwish)]
    [InlineData(Activation.SiLU)]
    [InlineData(Activation.GELU)]
    [InlineData(Activation.GELUTanh)]
    [InlineData(Activation.Mish)]
    public void Functions_not_invertible_from_y_match_references_with_the_input(Activation kind)
    {
        Assert.True(Activations.NeedsInput(kind));
        var rng = new Random((int)kind + 23);
        var x = TestData.Uniform(rng, 93, 6f); // beyond hardswish's kinks at -3 and 3, silu's minimum at -1.28
        var y = new float[x.Length];
        Activations.Forward(y, x, kind);
        var xd = TestData.ToDouble(x);
        TensorAssert.Close(Array.ConvertAll(xd, v => Reference.Act(v, kind, 0)), y, 1e-5, 1e-6, "y");

        var upstream = TestData.Uniform(rng, x.Length);
        var g = TestData.ToDouble(upstream);
        var expected = Numeric.Gradient(v => TestData.Dot(g, Array.ConvertAll(v, e => Reference.Act(e, kind, 0))), xd, 1e-6);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dX = (float[])dX0.Clone();
        Activations.BackwardWithInput(dX, upstream, x, y, kind);
        TensorAssert.Close(TestData.Add(dX0, expected), dX, 1e-4, 1e-4, "dX");

        var inPlace = (float[])upstream.Clone();
        Activations.BackwardInPlaceWithInput(inPlace, x, y, kind);
        TensorAssert.Close(expected, inPlace, 1e-4, 1e-4, "dY in place");

        var ex = Assert.Throws<ArgumentException>(() => Activations.Backward(dX, upstream, y, kind));
        Assert.Contains("not a function of its output", ex.Message);
        Assert.Throws<ArgumentException>(() => Activations.BackwardInPlace(inPlace, y, kind));
    }

    [Theory]
    // PyTorch: hardtanh's gradient is 0 at both ends (x <= min or x >= max); hardsigmoid's is 1/6 on (-3, 3) only;
    // hardswish's is 0 below -3, x/3 + 1/2 on [-3, 3], 1 above.
    [InlineData(Activation.ReLU6, 0f, 0f)]
    [InlineData(Activation.ReLU6, 6f, 0f)]
    [InlineData(Activation.ReLU6, 3f, 1f)]
    [InlineData(Activation.HardSigmoid, -3f, 0f)]
    [InlineData(Activation.HardSigmoid, 3f, 0f)]
    [InlineData(Activation.HardSigmoid, 0f, 1f / 6f)]
    [InlineData(Activation.HardSwish, -3f, -0.5f)]
    [InlineData(Activation.HardSwish, 3f, 1.5f)]
    [InlineData(Activation.HardSwish, -3.5f, 0f)]
    [InlineData(Activation.HardSwish, 3.5f, 1f)]
    public void Derivatives_at_the_kinks_are_pytorchs(Activation kind, float x, float derivative)
    {
        float[] xs = [x], y = new float[1], dX = [0f];
        Activations.Forward(y, xs, kind);
        Activations.BackwardWithInput(dX, [1f], xs, y, kind);
        Assert.Equal(derivative, dX[0], 6);
    }

    [Fact]
    public void Phi_is_within_float_precision_of_a_float64_erf()
    {
        // The float64 reference itself, against tabulated values.
        Assert.Equal(0.8427007929497149, Reference.Erf(1), 1e-15);
        Assert.Equal(0.5204998778130465, Reference.Erf(0.5), 1e-15);
        Assert.Equal(0.9953222650189527, Reference.Erf(2), 1e-15);
        Assert.Equal(1.541725790028002e-8, Reference.Erfc(4), 1e-22);
        Assert.Equal(2.209049699858544e-5, Reference.Erfc(3), 1e-19);

        // Every float step of 1/4096 over [-10, 10], scalar and vector paths (Forward runs
        // vectors over the body and scalars over the tail; Epilogue.Activate likewise).
        int count = 20 * 4096 + 1;
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = -10f + i / 4096f;
        var vector = new float[count];
        Activations.Forward(vector, x, Activation.GELU);
        double maxPhi = 0, maxScalarPhi = 0, maxGeluRelative = 0, maxGeluAbsolute = 0;
        for (int i = 0; i < count; i++)
        {
            double phi = Reference.Phi(x[i]);
            maxScalarPhi = Math.Max(maxScalarPhi, Math.Abs(ActivationMath.Phi(x[i]) - phi));
            double gelu = x[i] * phi;
            maxGeluAbsolute = Math.Max(maxGeluAbsolute, Math.Abs(vector[i] - gelu));
            if (x[i] != 0f) maxPhi = Math.Max(maxPhi, Math.Abs(vector[i] / x[i] - phi));
            if (x[i] >= -5f && x[i] != 0f) maxGeluRelative = Math.Max(maxGeluRelative, Math.Abs(vector[i] - gelu) / Math.Abs(gelu));
        }
        output.WriteLine($"max |Phi - Phi64|: vector {maxPhi:E3}, scalar {maxScalarPhi:E3}; max |gelu - gelu64| {maxGeluAbsolute:E3}; max relative (x >= -5) {maxGeluRelative:E3}");
        Assert.True(maxScalarPhi < 2.5e-7, $"scalar Phi error {maxScalarPhi:E3}");
        Assert.True(maxPhi < 2.5e-7, $"vector Phi error {maxPhi:E3}");
        Assert.True(maxGeluAbsolute < 2e-6, $"GELU absolute error {maxGeluAbsolute:E3}"); // |x| <= 10: about one float ulp of x
        // In the tail the exponent -x^2/2 (12.5 at x = -5) is rounded to float: relative error grows with it.
        Assert.True(maxGeluRelative < 3e-6, $"GELU relative error {maxGeluRelative:E3}");
    }

    [Theory]
    [InlineData(Activation.Sigmoid)]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.ELU)]
    [InlineData(Activation.SiLU)]
    [InlineData(Activation.GELUTanh)]
    [InlineData(Activation.Mish)]
    public void Saturated_inputs_give_finite_limits(Activation kind)
    {
        float[] pattern = [-200f, -90f, -30f, 30f, 90f, 200f, -1e-3f, 1e-3f];
        var x = new float[64]; // vector body and scalar tail both see every input
        for (int i = 0; i < x.Length; i++) x[i] = pattern[i % pattern.Length];
        var y = new float[x.Length];
        Activations.Forward(y, x, kind, 1f);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.True(float.IsFinite(y[i]), $"{kind}({x[i]}) = {y[i]}");
            Assert.Equal(Reference.Act(x[i], kind, 1), y[i], 4);
        }
    }

    [Fact]
    public void Forward_works_in_place()
    {
        float[] x = [-2f, -0.5f, 0f, 0.5f, 3f];
        Activations.Forward(x, x, Activation.ReLU);
        Assert.Equal([0f, 0f, 0f, 0.5f, 3f], x);
    }
}
