using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class BatchNormTests
{
    /// <summary>Training-mode batch norm over x (M, C) in float64, from the definition.</summary>
    internal static double[] Reference(double[] x, double[] gamma, double[] beta, int rows, int c, double eps, out double[] mean, out double[] variance)
    {
        mean = new double[c];
        variance = new double[c];
        for (int m = 0; m < rows; m++)
            for (int i = 0; i < c; i++)
                mean[i] += x[m * c + i] / rows;
        for (int m = 0; m < rows; m++)
            for (int i = 0; i < c; i++)
                variance[i] += (x[m * c + i] - mean[i]) * (x[m * c + i] - mean[i]) / rows;
        var y = new double[x.Length];
        for (int m = 0; m < rows; m++)
            for (int i = 0; i < c; i++)
                y[m * c + i] = gamma[i] * (x[m * c + i] - mean[i]) / Math.Sqrt(variance[i] + eps) + beta[i];
        return y;
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(30, 17)]   // 30 rows of 17 channels: vector body and tail
    [InlineData(150, 5)]   // more than one 64-row chunk
    public void Training_forward_backward_and_running_statistics_match_references(int rows, int c)
    {
        const float eps = 1e-5f, momentum = 0.1f;
        var rng = new Random(rows * 13 + c);
        var x = TestData.Uniform(rng, rows * c, 2f);
        for (int i = 0; i < x.Length; i++) x[i] += 3f; // an offset the mean must remove
        var gamma = TestData.Uniform(rng, c);
        var beta = TestData.Uniform(rng, c);
        var runMean = TestData.Uniform(rng, c);
        var runVar = Array.ConvertAll(TestData.Uniform(rng, c), v => 1f + Math.Abs(v));
        var runMean0 = (float[])runMean.Clone();
        var runVar0 = (float[])runVar.Clone();
        var y = new float[x.Length];
        var mean = new float[c];
        var invStd = new float[c];
        BatchNorm.ForwardTraining(y, mean, invStd, runMean, runVar, x, gamma, beta,
            new float[BatchNorm.ForwardWorkspaceFloats(c)], rows, c, eps, momentum);

        var xd = TestData.ToDouble(x);
        var gd = TestData.ToDouble(gamma);
        var bd = TestData.ToDouble(beta);
        var expected = Reference(xd, gd, bd, rows, c, eps, out var refMean, out var refVar);
        TensorAssert.Close(expected, y, 1e-4, 1e-4, "y");
        TensorAssert.Close(refMean, mean, 1e-5, 1e-6, "saved mean");
        TensorAssert.Close(Array.ConvertAll(refVar, v => 1 / Math.Sqrt(v + eps)), invStd, 1e-4, 1e-6, "saved invstd");
        var expRunMean = new double[c];
        var expRunVar = new double[c];
        for (int i = 0; i < c; i++)
        {
            expRunMean[i] = 0.9 * runMean0[i] + 0.1 * refMean[i];
            expRunVar[i] = 0.9 * runVar0[i] + 0.1 * refVar[i] * rows / (rows - 1);
        }
        TensorAssert.Close(expRunMean, runMean, 1e-5, 1e-6, "running mean");
        TensorAssert.Close(expRunVar, runVar, 1e-5, 1e-6, "running var");

        var upstream = TestData.Uniform(rng, x.Length);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dG0 = TestData.Uniform(rng, c);
        var dB0 = TestData.Uniform(rng, c);
        var dX = (float[])dX0.Clone();
        var dG = (float[])dG0.Clone();
        var dB = (float[])dB0.Clone();
        BatchNorm.Backward(dX, dG, dB, upstream, x, gamma, mean, invStd, new float[BatchNorm.BackwardWorkspaceFloats(c)], rows, c);
        var g = TestData.ToDouble(upstream);
        double Loss(double[] xs, double[] gs, double[] bs) => TestData.Dot(g, Reference(xs, gs, bs, rows, c, eps, out _, out _));
        TensorAssert.Close(TestData.Add(dX0, Numeric.Gradient(v => Loss(v, gd, bd), xd)), dX, 1e-3, 1e-4, "dX");
        TensorAssert.Close(TestData.Add(dG0, Numeric.Gradient(v => Loss(xd, v, bd), gd)), dG, 1e-4, 1e-4, "dGamma");
        TensorAssert.Close(TestData.Add(dB0, Numeric.Gradient(v => Loss(xd, gd, v), bd)), dB, 1e-4, 1e-4, "dBeta");
    }

    [Fact]
    public void Inference_and_folding_into_the_convolution_agree()
    {
        var d = Conv2DDims.Create(2, 6, 5, 3, 10, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        var rng = new Random(5);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var w = TestData.Uniform(rng, d.K * d.C * 9);
        var b = TestData.Uniform(rng, d.K);
        var gamma = TestData.Uniform(rng, d.K);
        var beta = TestData.Uniform(rng, d.K);
        var mean = TestData.Uniform(rng, d.K);
        var variance = Array.ConvertAll(TestData.Uniform(rng, d.K), v => 0.5f + Math.Abs(v));
        int rows = d.N * d.P * d.Q;

        var conv = Convolve(x, w, b, d);
        var bn = new float[conv.Length];
        BatchNorm.ForwardInference(bn, conv, gamma, beta, mean, variance, new float[2 * d.K], rows, d.K, 1e-3f);
        var expected = new double[conv.Length];
        for (int m = 0; m < rows; m++)
            for (int k = 0; k < d.K; k++)
                expected[m * d.K + k] = gamma[k] * (conv[m * d.K + k] - mean[k]) / Math.Sqrt(variance[k] + 1e-3) + beta[k];
        TensorAssert.Close(expected, bn, 1e-5, 1e-5, "inference");

        BatchNorm.FoldIntoPreceding(w, b, gamma, beta, mean, variance, 1e-3f);
        TensorAssert.Close(expected, Convolve(x, w, b, d), 1e-4, 1e-4, "folded");
    }

    /// <summary>The convolution of x (N, H, W, C) by canonical weights w (K, C, R, S) and bias b: (N, P, Q, K).</summary>
    internal static float[] Convolve(float[] x, float[] w, float[] b, Conv2DDims d)
    {
        var y = new float[d.N * d.P * d.Q * d.K];
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, w, d);
        Conv2D.Forward(y, x, packed, b, new float[Conv2D.ForwardWorkspaceFloats(d)], d);
        return y;
    }

    [Fact]
    public void Training_with_one_value_per_channel_is_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardTraining(new float[2], new float[2], new float[2],
            new float[2], new float[2], new float[2], new float[2], new float[2], new float[4], 1, 2, 1e-5f, 0.1f));
        Assert.Contains("at least 2 values per channel", ex.Message);
    }
}
