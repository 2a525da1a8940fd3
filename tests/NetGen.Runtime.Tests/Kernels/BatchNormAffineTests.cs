using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Batch norm without scale and/or shift (Keras's BatchNormalization(scale=False, center=False)):
/// an empty gamma is a scale of 1, an empty beta a shift of 0, and the absent parameter's gradient
/// is passed empty and never written. Checked against the float64 definition with gamma = 1,
/// beta = 0 and finite differences, in every kernel that takes gamma or beta.
/// </summary>
public class BatchNormAffineTests
{
    public static TheoryData<bool, bool> Affines => new() { { false, false }, { false, true }, { true, false } };

    [Theory]
    [MemberData(nameof(Affines))]
    public void Training_forward_and_backward_without_gamma_or_beta_match_the_float64_definition(bool scale, bool center)
    {
        const int rows = 70, c = 11; // two 64-row chunks, a vector body and tail
        const float eps = 1e-3f, momentum = 0.1f;
        var rng = new Random(scale ? 3 : center ? 5 : 7);
        var x = Array.ConvertAll(TestData.Uniform(rng, rows * c, 2f), v => v + 1.5f);
        float[] gamma = scale ? TestData.Uniform(rng, c) : Array.Empty<float>();
        float[] beta = center ? TestData.Uniform(rng, c) : Array.Empty<float>();
        var y = new float[x.Length];
        var mean = new float[c];
        var invStd = new float[c];
        BatchNorm.ForwardTraining(y, mean, invStd, new float[c], Filled(c, 1f), x, gamma, beta,
            new float[BatchNorm.ForwardWorkspaceFloats(c)], rows, c, eps, momentum);

        var xd = TestData.ToDouble(x);
        var gd = scale ? TestData.ToDouble(gamma) : Enumerable.Repeat(1.0, c).ToArray();
        var bd = center ? TestData.ToDouble(beta) : new double[c];
        TensorAssert.Close(BatchNormTests.Reference(xd, gd, bd, rows, c, eps, out _, out _), y, 1e-4, 1e-4, "y");

        var upstream = TestData.Uniform(rng, x.Length);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dX = (float[])dX0.Clone();
        var dG = scale ? new float[c] : Array.Empty<float>();
        var dB = center ? new float[c] : Array.Empty<float>();
        BatchNorm.Backward(dX, dG, dB, upstream, x, gamma, mean, invStd, new float[BatchNorm.BackwardWorkspaceFloats(c)], rows, c);
        var g = TestData.ToDouble(upstream);
        double Loss(double[] xs, double[] gs, double[] bs) => TestData.Dot(g, BatchNormTests.Reference(xs, gs, bs, rows, c, eps, out _, out _));
        TensorAssert.Close(TestData.Add(dX0, Numeric.Gradient(v => Loss(v, gd, bd), xd)), dX, 1e-3, 1e-4, "dX");
        if (scale) TensorAssert.Close(Numeric.Gradient(v => Loss(xd, v, bd), gd), dG, 1e-4, 1e-4, "dGamma");
        if (center) TensorAssert.Close(Numeric.Gradient(v => Loss(xd, gd, v), bd), dB, 1e-4, 1e-4, "dBeta");
    }

    /// <summary>The sliced combines read an empty gamma and beta as ones and zeros: the same bits.</summary>
    [Theory]
    [MemberData(nameof(Affines))]
    public void Sliced_combines_without_gamma_or_beta_equal_ones_and_zeros(bool scale, bool center)
    {
        const int samples = 5, slices = 2, pixels = 3, c = 9;
        var rng = new Random(11);
        var moments = TestData.Uniform(rng, slices * BatchNorm.SlicePartialFloats(c));
        for (int i = 0; i < moments.Length; i++) if (i / c % 2 == 1) moments[i] = Math.Abs(moments[i]) * 10; // M2 >= 0
        var gamma = TestData.Uniform(rng, c);
        var beta = TestData.Uniform(rng, c);
        float[] given = scale ? gamma : Array.Empty<float>(), givenBeta = center ? beta : Array.Empty<float>();
        float[] ones = scale ? gamma : Filled(c, 1f), zeros = center ? beta : new float[c];

        float[] Combine(float[] gm, float[] bt, out float[] sums)
        {
            var outputs = new float[4 * c];
            var o = outputs.AsSpan();
            BatchNorm.CombineMoments(o[..c], o.Slice(c, c), o.Slice(2 * c, c), o.Slice(3 * c, c), new float[c], Filled(c, 1f), moments,
                gm, bt, samples, slices, pixels, c, 1e-3f, 0.1f);
            sums = new float[5 * c];
            var s = sums.AsSpan();
            BatchNorm.CombineBackward(s[..(3 * c)], scale ? s.Slice(3 * c, c) : default, center ? s.Slice(4 * c, c) : default, moments, gm,
                o[..c], o.Slice(c, c), samples, slices, pixels, c);
            return outputs;
        }

        Assert.Equal(Combine(ones, zeros, out var expectedSums), Combine(given, givenBeta, out var sums));
        Assert.Equal(expectedSums, sums);
    }

    /// <summary>Inference, the folds into a Dense row and into packed convolution weights, without gamma or beta.</summary>
    [Theory]
    [MemberData(nameof(Affines))]
    public void Inference_and_folding_without_gamma_or_beta_match_the_definition(bool scale, bool center)
    {
        var d = Conv2DDims.Create(2, 6, 5, 3, 10, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        var rng = new Random(13);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var w = TestData.Uniform(rng, d.K * d.C * 9);
        var b = TestData.Uniform(rng, d.K);
        float[] gamma = scale ? TestData.Uniform(rng, d.K) : Array.Empty<float>();
        float[] beta = center ? TestData.Uniform(rng, d.K) : Array.Empty<float>();
        var mean = TestData.Uniform(rng, d.K);
        var variance = Array.ConvertAll(TestData.Uniform(rng, d.K), v => 0.5f + Math.Abs(v));
        int rows = d.N * d.P * d.Q;

        var conv = BatchNormTests.Convolve(x, w, b, d);
        var expected = new double[conv.Length];
        for (int m = 0; m < rows; m++)
            for (int k = 0; k < d.K; k++)
                expected[m * d.K + k] = (scale ? gamma[k] : 1.0) * (conv[m * d.K + k] - mean[k]) / Math.Sqrt(variance[k] + 1e-3) + (center ? beta[k] : 0.0);
        var bn = new float[conv.Length];
        BatchNorm.ForwardInference(bn, conv, gamma, beta, mean, variance, new float[2 * d.K], rows, d.K, 1e-3f);
        TensorAssert.Close(expected, bn, 1e-5, 1e-5, "inference");

        var foldedBias = new float[d.K];
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.PackFolded(packed, foldedBias, w, b, gamma, beta, mean, variance, 1e-3f, d);
        var folded = new float[conv.Length];
        Conv2D.Forward(folded, x, packed, foldedBias, new float[Conv2D.ForwardWorkspaceFloats(d)], d);
        TensorAssert.Close(expected, folded, 1e-4, 1e-4, "packed folded");

        BatchNorm.FoldIntoPreceding(w, b, gamma, beta, mean, variance, 1e-3f);
        TensorAssert.Close(expected, BatchNormTests.Convolve(x, w, b, d), 1e-4, 1e-4, "folded into the weights");

        // A frozen batch norm's backward: dX = dY x gamma / sqrt(var + eps), gamma 1 when absent.
        var dY = TestData.Uniform(rng, conv.Length);
        var dX = new float[conv.Length];
        BatchNorm.BackwardInference(dX, dY, gamma, variance, new float[d.K], rows, d.K, 1e-3f);
        var expectedDx = new double[conv.Length];
        for (int m = 0; m < rows; m++)
            for (int k = 0; k < d.K; k++)
                expectedDx[m * d.K + k] = dY[m * d.K + k] * (scale ? gamma[k] : 1.0) / Math.Sqrt(variance[k] + 1e-3);
        TensorAssert.Close(expectedDx, dX, 1e-5, 1e-5, "frozen dX");
    }

    [Fact]
    public void A_gamma_gradient_without_gamma_and_a_short_beta_are_rejected()
    {
        const int rows = 4, c = 3;
        var ex = Assert.Throws<ArgumentException>(() => BatchNorm.Backward(new float[rows * c], new float[c], new float[c], new float[rows * c],
            new float[rows * c], Array.Empty<float>(), new float[c], new float[c], new float[3 * c], rows, c));
        Assert.Contains("dGamma", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => BatchNorm.ForwardInference(new float[rows * c], new float[rows * c], new float[c], new float[c - 1],
            new float[c], new float[c], new float[2 * c], rows, c, 1e-3f));
        Assert.Contains("beta", ex.Message);
    }

    private static float[] Filled(int count, float value)
    {
        var a = new float[count];
        Array.Fill(a, value);
        return a;
    }
}
