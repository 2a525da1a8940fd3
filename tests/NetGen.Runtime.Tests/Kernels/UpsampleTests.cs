using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class UpsampleTests
{
    /// <summary>PyTorch's interpolate (nearest, or bilinear with align_corners=False) from its definition, NCHW.</summary>
    private static double[] Reference(double[] x, UpsampleDims d, bool bilinear)
    {
        var y = new double[d.N * d.C * d.P * d.Q];
        for (int n = 0; n < d.N; n++)
            for (int c = 0; c < d.C; c++)
                for (int p = 0; p < d.P; p++)
                    for (int q = 0; q < d.Q; q++)
                    {
                        double At(int h, int w) => x[((n * d.C + c) * d.H + h) * d.W + w];
                        double v;
                        if (!bilinear)
                        {
                            v = At((int)Math.Floor(p / (double)d.ScaleH), (int)Math.Floor(q / (double)d.ScaleW));
                        }
                        else
                        {
                            double sh = Math.Max(0, (p + 0.5) / d.ScaleH - 0.5), sw = Math.Max(0, (q + 0.5) / d.ScaleW - 0.5);
                            int h0 = (int)sh, w0 = (int)sw;
                            int h1 = Math.Min(h0 + 1, d.H - 1), w1 = Math.Min(w0 + 1, d.W - 1);
                            double lh = sh - h0, lw = sw - w0;
                            v = (1 - lh) * ((1 - lw) * At(h0, w0) + lw * At(h0, w1)) + lh * ((1 - lw) * At(h1, w0) + lw * At(h1, w1));
                        }
                        y[((n * d.C + c) * d.P + p) * d.Q + q] = v;
                    }
        return y;
    }

    [Fact]
    public void Bilinear_matches_pytorch_on_a_known_row()
    {
        // torch.nn.functional.interpolate([[[[0., 1.]]]], scale_factor=2, mode='bilinear') -> [0, 0.25, 0.75, 1].
        var y = new float[4];
        Upsample.Forward(y, [0f, 1f], new UpsampleDims(1, 1, 2, 1, 1, 2), bilinear: true);
        Assert.Equal([0f, 0.25f, 0.75f, 1f], y);
    }

    [Theory]
    [InlineData(false, 2, 2)]
    [InlineData(false, 3, 1)]
    [InlineData(true, 2, 2)]
    [InlineData(true, 3, 2)]
    public void Forward_and_backward_match_references(bool bilinear, int scaleH, int scaleW)
    {
        var d = new UpsampleDims(2, 3, 4, 19, scaleH, scaleW);
        var rng = new Random(scaleH * 10 + scaleW + (bilinear ? 100 : 0));
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var y = TestData.Uniform(rng, d.N * d.P * d.Q * d.C);
        Upsample.Forward(y, x, d, bilinear);
        var xd = TestData.NhwcToNchw(x, d.N, d.C, d.H, d.W);
        TensorAssert.Close(TestData.NchwToNhwc(Reference(xd, d, bilinear), d.N, d.C, d.P, d.Q), y, 1e-5, 1e-6, "y");

        var upstream = TestData.Uniform(rng, y.Length);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dX = (float[])dX0.Clone();
        Upsample.Backward(dX, upstream, d, bilinear);
        var g = TestData.NhwcToNchw(upstream, d.N, d.C, d.P, d.Q);
        var gx = Numeric.Gradient(v => TestData.Dot(g, Reference(v, d, bilinear)), xd);
        TensorAssert.Close(TestData.Add(dX0, TestData.NchwToNhwc(gx, d.N, d.C, d.H, d.W)), dX, 1e-4, 1e-5, "dX");
    }
}
