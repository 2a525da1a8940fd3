using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class ElementwiseTests
{
    [Fact]
    public void Add_and_multiply_with_gradients()
    {
        var rng = new Random(21);
        const int f = 45;
        var a = TestData.Uniform(rng, f);
        var b = TestData.Uniform(rng, f);
        var y = TestData.Uniform(rng, f);
        Elementwise.Add(y, a, b);
        TensorAssert.Close(Enumerable.Range(0, f).Select(i => (double)a[i] + b[i]).ToArray(), y, 1e-6, 0, "add");
        Elementwise.Multiply(y, a, b);
        TensorAssert.Close(Enumerable.Range(0, f).Select(i => (double)a[i] * b[i]).ToArray(), y, 1e-6, 0, "multiply");

        var dY = TestData.Uniform(rng, f);
        var dA0 = TestData.Uniform(rng, f);
        var dB0 = TestData.Uniform(rng, f);
        var dA = (float[])dA0.Clone();
        var dB = (float[])dB0.Clone();
        Elementwise.MultiplyBackward(dA, dB, dY, a, b);
        TensorAssert.Close(Enumerable.Range(0, f).Select(i => dA0[i] + (double)dY[i] * b[i]).ToArray(), dA, 1e-5, 1e-6, "dA");
        TensorAssert.Close(Enumerable.Range(0, f).Select(i => dB0[i] + (double)dY[i] * a[i]).ToArray(), dB, 1e-5, 1e-6, "dB");
        Elementwise.AccumulateGradient(dA, dY);
        TensorAssert.Close(Enumerable.Range(0, f).Select(i => dA0[i] + (double)dY[i] * b[i] + dY[i]).ToArray(), dA, 1e-5, 1e-6, "add backward");
    }

    [Fact]
    public void Squeeze_excitation_gate_matches_finite_differences()
    {
        const int n = 2, pixels = 6, c = 19;
        var rng = new Random(8);
        var x = TestData.Uniform(rng, n * pixels * c);
        var s = TestData.Uniform(rng, n * c);
        var y = new float[x.Length];
        Elementwise.Gate(y, x, s, n, pixels, c);
        double[] Ref(double[] xs, double[] ss)
        {
            var r = new double[xs.Length];
            for (int b = 0; b < n; b++)
                for (int i = 0; i < pixels; i++)
                    for (int ci = 0; ci < c; ci++)
                        r[(b * pixels + i) * c + ci] = xs[(b * pixels + i) * c + ci] * ss[b * c + ci];
            return r;
        }
        var xd = TestData.ToDouble(x);
        var sd = TestData.ToDouble(s);
        TensorAssert.Close(Ref(xd, sd), y, 1e-6, 0, "y");

        var upstream = TestData.Uniform(rng, x.Length);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dS0 = TestData.Uniform(rng, s.Length);
        var dX = (float[])dX0.Clone();
        var dS = (float[])dS0.Clone();
        Elementwise.GateBackward(dX, dS, upstream, x, s, n, pixels, c);
        var g = TestData.ToDouble(upstream);
        TensorAssert.Close(TestData.Add(dX0, Numeric.Gradient(v => TestData.Dot(g, Ref(v, sd)), xd)), dX, 1e-4, 1e-5, "dX");
        TensorAssert.Close(TestData.Add(dS0, Numeric.Gradient(v => TestData.Dot(g, Ref(xd, v)), sd)), dS, 1e-4, 1e-5, "dS");
    }

    [Fact]
    public void Concat_places_each_input_at_its_channel_offset_and_splits_gradients()
    {
        const int rows = 5, c1 = 3, c2 = 18, total = c1 + c2;
        var rng = new Random(4);
        var a = TestData.Uniform(rng, rows * c1);
        var b = TestData.Uniform(rng, rows * c2);
        var y = new float[rows * total];
        Concat.Forward(y, a, rows, total, 0);
        Concat.Forward(y, b, rows, total, c1);
        for (int m = 0; m < rows; m++)
        {
            for (int i = 0; i < total; i++)
            {
                Assert.Equal(i < c1 ? a[m * c1 + i] : b[m * c2 + i - c1], y[m * total + i]);
            }
        }
        var dA0 = TestData.Uniform(rng, a.Length);
        var dA = (float[])dA0.Clone();
        Concat.Backward(dA, y, rows, total, 0);
        TensorAssert.Close(TestData.Add(dA0, TestData.ToDouble(a)), dA, 1e-6, 0, "dA");
        var ex = Assert.Throws<ArgumentException>(() => Concat.Forward(y, b, rows, total, 4));
        Assert.Contains("channels [4, 22) do not fit in the output's 21", ex.Message);
    }
}
