using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class CropTests
{
    /// <summary>x[:, :, top:top + P, left:left + Q] from its definition, NCHW, float64.</summary>
    private static double[] Reference(double[] x, CropDims d)
    {
        var y = new double[d.N * d.C * d.P * d.Q];
        for (int n = 0; n < d.N; n++)
            for (int c = 0; c < d.C; c++)
                for (int p = 0; p < d.P; p++)
                    for (int q = 0; q < d.Q; q++)
                        y[((n * d.C + c) * d.P + p) * d.Q + q] = x[((n * d.C + c) * d.H + d.Top + p) * d.W + d.Left + q];
        return y;
    }

    [Theory]
    [InlineData(0, 0, 5, 7)] // the whole input
    [InlineData(1, 2, 3, 4)] // off centre
    [InlineData(4, 6, 1, 1)] // the last pixel
    public void Forward_and_backward_match_references(int top, int left, int p, int q)
    {
        var d = new CropDims(2, 5, 7, 19, top, left, p, q);
        var rng = new Random(top * 100 + left * 10 + p);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var y = TestData.Uniform(rng, d.N * d.P * d.Q * d.C);
        Crop.Forward(y, x, d);
        var xd = TestData.NhwcToNchw(x, d.N, d.C, d.H, d.W);
        TensorAssert.Close(TestData.NchwToNhwc(Reference(xd, d), d.N, d.C, d.P, d.Q), y, 0, 0, "y");

        // dX accumulates: what it held plus dY in the window, nothing outside it.
        var upstream = TestData.Uniform(rng, y.Length);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dX = (float[])dX0.Clone();
        Crop.Backward(dX, upstream, d);
        var g = TestData.NhwcToNchw(upstream, d.N, d.C, d.P, d.Q);
        var gx = Numeric.Gradient(v => TestData.Dot(g, Reference(v, d)), xd);
        TensorAssert.Close(TestData.Add(dX0, TestData.NchwToNhwc(gx, d.N, d.C, d.H, d.W)), dX, 1e-5, 1e-6, "dX");
    }

    [Theory]
    [InlineData(3, 0, 3, 7, "the 3x7 window at top 3, left 0 does not lie inside the 5x7 input")]
    [InlineData(0, 5, 5, 3, "the 5x3 window at top 0, left 5 does not lie inside the 5x7 input")]
    [InlineData(-1, 0, 2, 2, "the 2x2 window at top -1, left 0 does not lie inside the 5x7 input")]
    public void A_window_outside_the_input_is_refused(int top, int left, int p, int q, string message)
    {
        var d = new CropDims(1, 5, 7, 2, top, left, p, q);
        var e = Assert.Throws<ArgumentException>(() => Crop.Forward(new float[p * q * 2], new float[70], d));
        Assert.Contains("Crop.Forward: " + message, e.Message);
        Assert.Throws<ArgumentException>(() => Crop.Backward(new float[70], new float[p * q * 2], d));
    }

    [Fact]
    public void Wrong_lengths_are_refused()
    {
        var d = new CropDims(2, 5, 7, 2, 1, 1, 3, 3);
        Assert.Throws<ArgumentException>(() => Crop.Forward(new float[2 * 9 * 2], new float[70], d));
        Assert.Throws<ArgumentException>(() => Crop.Forward(new float[2 * 9 * 2 - 1], new float[140], d));
    }
}
