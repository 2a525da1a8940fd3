using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class Conv2DTransposeTests
{
    public record Case(string Name, Conv2DTransposeDims Dims, bool Bias, Activation Act)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() => new()
    {
        new("stride 2, 3x3, pad 1, output padding 1", Conv2DTransposeDims.Create(2, 4, 3, 5, 18, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1), true, Activation.ReLU),
        new("stride 2x1, 2x2, no pad, K=7", Conv2DTransposeDims.Create(1, 3, 4, 17, 7, 2, 2, 2, 1), false, Activation.None),
        new("stride 1, 3x2, pad 1x0, C=20, K=5", Conv2DTransposeDims.Create(2, 4, 5, 20, 5, 3, 2, 1, 1, 1, 1, 0, 0), true, Activation.ReLU),
        new("depthwise C=K=G=17, stride 2", Conv2DTransposeDims.Create(1, 3, 4, 17, 17, 3, 3, 2, 2, 1, 1, 1, 1, 1, 0, groups: 17), true, Activation.None),
        new("groups 2, dilation 2, asymmetric pads", Conv2DTransposeDims.Create(2, 3, 3, 4, 6, 3, 2, 1, 2, 0, 1, 1, 0, dilationH: 2, groups: 2), true, Activation.Tanh),
    };

    /// <summary>PyTorch ConvTranspose2d from its definition: every input pixel scatters x * w into the output.</summary>
    private static double[] Reference(double[] x, double[] w, double[]? b, Conv2DTransposeDims d, Activation act)
    {
        int cg = d.C / d.Groups, kg = d.K / d.Groups;
        var y = new double[d.N * d.K * d.P * d.Q];
        for (int n = 0; n < d.N; n++)
            for (int c = 0; c < d.C; c++)
            {
                int g = c / cg;
                for (int h = 0; h < d.H; h++)
                    for (int wi = 0; wi < d.W; wi++)
                        for (int kl = 0; kl < kg; kl++)
                            for (int r = 0; r < d.R; r++)
                                for (int s = 0; s < d.S; s++)
                                {
                                    int oh = h * d.StrideH - d.PadTop + r * d.DilationH;
                                    int ow = wi * d.StrideW - d.PadLeft + s * d.DilationW;
                                    if (oh < 0 || oh >= d.P || ow < 0 || ow >= d.Q) continue;
                                    int k = g * kg + kl;
                                    y[((n * d.K + k) * d.P + oh) * d.Q + ow] +=
                                        x[((n * d.C + c) * d.H + h) * d.W + wi] * w[((c * kg + kl) * d.R + r) * d.S + s];
                                }
            }
        for (int i = 0; i < y.Length; i++)
        {
            int k = i / (d.P * d.Q) % d.K;
            y[i] = Kernels.Reference.Act(y[i] + (b == null ? 0 : b[k]), act, 0);
        }
        return y;
    }

    [Fact]
    public void Output_size_follows_pytorch()
    {
        // ConvTranspose2d(k=3, stride=2, padding=1, output_padding=1) doubles 4x3 to 8x6.
        var d = Conv2DTransposeDims.Create(1, 4, 3, 1, 1, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        Assert.Equal((8, 6), (d.P, d.Q));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_references(Case t)
    {
        var d = t.Dims;
        int kg = d.K / d.Groups;
        var rng = new Random(t.Name.Length * 3);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var w = TestData.Uniform(rng, d.C * kg * d.R * d.S, 0.5f);
        var b = t.Bias ? TestData.Uniform(rng, d.K) : [];
        var packed = new float[Conv2DTranspose.PackedWeightFloats(d)];
        Conv2DTranspose.Pack(packed, w, d);
        var y = TestData.Uniform(rng, d.N * d.P * d.Q * d.K);
        Conv2DTranspose.Forward(y, x, packed, b, new float[Conv2DTranspose.ForwardWorkspaceFloats(d)], d, t.Act);
        var xd = TestData.NhwcToNchw(x, d.N, d.C, d.H, d.W);
        var wd = TestData.ToDouble(w);
        var bd = TestData.ToDouble(t.Bias ? b : new float[d.K]);
        TensorAssert.Close(TestData.NchwToNhwc(Reference(xd, wd, bd, d, t.Act), d.N, d.K, d.P, d.Q), y, 1e-4, 1e-4, "y");

        var upstream = TestData.Uniform(rng, y.Length);
        var dZ = (float[])upstream.Clone();
        Activations.BackwardInPlace(dZ, y, t.Act);
        var backPacked = new float[Conv2DTranspose.PackedBackwardWeightFloats(d)];
        Conv2DTranspose.PackForBackward(backPacked, w, d);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dW0 = TestData.Uniform(rng, w.Length);
        var dB0 = TestData.Uniform(rng, d.K);
        var dX = (float[])dX0.Clone();
        var dW = (float[])dW0.Clone();
        var dB = (float[])dB0.Clone();
        Conv2DTranspose.BackwardData(dX, dZ, backPacked, new float[Conv2DTranspose.BackwardWorkspaceFloats(d)], d);
        Conv2DTranspose.BackwardWeights(dW, dZ, x, d);
        Conv2DTranspose.BackwardBias(dB, dZ, d);

        var g = TestData.NhwcToNchw(upstream, d.N, d.K, d.P, d.Q);
        double Loss(double[] xs, double[] ws, double[] bs) => TestData.Dot(g, Reference(xs, ws, bs, d, t.Act));
        var gx = TestData.NchwToNhwc(Numeric.Gradient(v => Loss(v, wd, bd), xd), d.N, d.C, d.H, d.W);
        TensorAssert.Close(TestData.Add(dX0, gx), dX, 1e-4, 1e-4, "dX");
        TensorAssert.Close(TestData.Add(dW0, Numeric.Gradient(v => Loss(xd, v, bd), wd)), dW, 1e-4, 1e-4, "dW");
        TensorAssert.Close(TestData.Add(dB0, Numeric.Gradient(v => Loss(xd, wd, v), bd)), dB, 1e-4, 1e-4, "dB");
    }
}
