using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class ActivationTests
{
    [Theory]
    [InlineData(Activation.None, 0f)]
    [InlineData(Activation.ReLU, 0f)]
    [InlineData(Activation.LeakyReLU, 0.2f)]
    [InlineData(Activation.ELU, 0.7f)]
    [InlineData(Activation.Sigmoid, 0f)]
    [InlineData(Activation.Tanh, 0f)]
    public void Forward_and_both_backwards_match_references(Activation kind, float alpha)
    {
        var rng = new Random((int)kind + 11);
        var x = TestData.Uniform(rng, 77, 3f); // 77: vector body and scalar tail
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

    [Fact]
    public void Forward_works_in_place()
    {
        float[] x = [-2f, -0.5f, 0f, 0.5f, 3f];
        Activations.Forward(x, x, Activation.ReLU);
        Assert.Equal([0f, 0f, 0f, 0.5f, 3f], x);
    }
}
