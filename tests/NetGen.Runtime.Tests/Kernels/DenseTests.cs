using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class DenseTests
{
    public static TheoryData<int, int, int, bool, Activation> Cases() => new()
    {
        { 3, 37, 21, true, Activation.ReLU },
        { 1, 16, 80, true, Activation.None },   // 5 blocks: one tile of 4 and a remainder
        { 2, 5, 3, false, Activation.Tanh },
        { 4, 50, 10, true, Activation.Sigmoid },
        { 3, 37, 21, true, Activation.ReLU6 },
        { 2, 40, 19, true, Activation.HardSigmoid },
        { 3, 33, 35, true, Activation.HardSwish },
        { 2, 20, 17, false, Activation.SiLU },
        { 3, 37, 21, true, Activation.GELU },
        { 2, 24, 18, true, Activation.GELUTanh },
        { 2, 30, 33, true, Activation.Mish },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_references(int n, int c, int k, bool bias, Activation act)
    {
        var d = new DenseDims(n, c, k);
        var rng = new Random(n * 1000 + c * 10 + k);
        var x = TestData.Uniform(rng, n * c);
        var w = TestData.Uniform(rng, k * c, 0.5f);
        var b = bias ? TestData.Uniform(rng, k) : [];
        var packed = new float[Dense.PackedWeightFloats(d)];
        Dense.Pack(packed, w, d);
        var y = TestData.Uniform(rng, n * k);
        Dense.Forward(y, x, packed, b, d, act);
        var bd = TestData.ToDouble(bias ? b : new float[k]);
        var xd = TestData.ToDouble(x);
        var wd = TestData.ToDouble(w);
        TensorAssert.Close(Reference.Dense(xd, wd, bd, d, act), y, 1e-4, 1e-4, "y");

        var upstream = TestData.Uniform(rng, n * k);
        var dZ = (float[])upstream.Clone();
        if (Activations.NeedsInput(act))
        {
            var z = new float[n * k];
            Dense.Forward(z, x, packed, b, d, Activation.None);
            Activations.BackwardInPlaceWithInput(dZ, z, y, act);
        }
        else
        {
            Activations.BackwardInPlace(dZ, y, act);
        }
        var dX0 = TestData.Uniform(rng, x.Length);
        var dW0 = TestData.Uniform(rng, w.Length);
        var dB0 = TestData.Uniform(rng, k);
        var dX = (float[])dX0.Clone();
        var dW = (float[])dW0.Clone();
        var dB = (float[])dB0.Clone();
        Dense.BackwardData(dX, dZ, w, d);
        Dense.BackwardWeights(dW, dZ, x, d);
        Dense.BackwardBias(dB, dZ, d);

        var g = TestData.ToDouble(upstream);
        double Loss(double[] xs, double[] ws, double[] bs) => TestData.Dot(g, Reference.Dense(xs, ws, bs, d, act));
        TensorAssert.Close(TestData.Add(dX0, Numeric.Gradient(v => Loss(v, wd, bd), xd)), dX, 1e-4, 1e-4, "dX");
        TensorAssert.Close(TestData.Add(dW0, Numeric.Gradient(v => Loss(xd, v, bd), wd)), dW, 1e-4, 1e-4, "dW");
        TensorAssert.Close(TestData.Add(dB0, Numeric.Gradient(v => Loss(xd, wd, v), bd)), dB, 1e-4, 1e-4, "dB");
    }

    [Theory]
    [InlineData(Activation.ReLU)]
    [InlineData(Activation.Sigmoid)]
    public void Forward_over_several_feature_chunks_matches_reference(Activation act)
    {
        var d = new DenseDims(3, 1100, 37); // 512 + 512 + 76 features, 3 blocks of units
        var rng = new Random(11);
        var x = TestData.Uniform(rng, d.N * d.C);
        var w = TestData.Uniform(rng, d.K * d.C, 0.1f);
        var b = TestData.Uniform(rng, d.K);
        var packed = new float[Dense.PackedWeightFloats(d)];
        Dense.Pack(packed, w, d);
        var y = TestData.Uniform(rng, d.N * d.K);
        Dense.Forward(y, x, packed, b, d, act);
        TensorAssert.Close(Reference.Dense(TestData.ToDouble(x), TestData.ToDouble(w), TestData.ToDouble(b), d, act), y, 1e-4, 1e-4, "y");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(128)]
    [InlineData(-128)]
    public void Backward_over_several_feature_chunks_matches_direct_products(int bits)
    {
        var path = KernelPaths.OfWidth(bits);
        var d = new DenseDims(5, 1100, 19);
        var rng = new Random(13);
        var x = TestData.Uniform(rng, d.N * d.C);
        var w = TestData.Uniform(rng, d.K * d.C);
        var dY = TestData.Uniform(rng, d.N * d.K);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dW0 = TestData.Uniform(rng, w.Length);
        var dX = (float[])dX0.Clone();
        var dW = (float[])dW0.Clone();
        Dense.BackwardData(dX, dY, w, d, path);
        Dense.BackwardWeights(dW, dY, x, d, path);
        // Linear layer: dX = dY w and dW = dY^T x, summed in float64.
        var expectedX = TestData.ToDouble(dX0);
        var expectedW = TestData.ToDouble(dW0);
        for (int n = 0; n < d.N; n++)
            for (int k = 0; k < d.K; k++)
                for (int c = 0; c < d.C; c++)
                {
                    expectedX[n * d.C + c] += (double)dY[n * d.K + k] * w[k * d.C + c];
                    expectedW[k * d.C + c] += (double)dY[n * d.K + k] * x[n * d.C + c];
                }
        TensorAssert.Close(expectedX, dX, 1e-4, 1e-4, "dX");
        TensorAssert.Close(expectedW, dW, 1e-4, 1e-4, "dW");
    }

    [Theory]
    [InlineData(256)]
    [InlineData(128)]
    [InlineData(-128)]
    public void Forward_narrow_paths_match_reference(int bits)
    {
        var d = new DenseDims(2, 33, 70);
        var rng = new Random(3);
        var x = TestData.Uniform(rng, d.N * d.C);
        var w = TestData.Uniform(rng, d.K * d.C);
        var b = TestData.Uniform(rng, d.K);
        var packed = new float[Dense.PackedWeightFloats(d)];
        Dense.Pack(packed, w, d);
        var y = new float[d.N * d.K];
        Dense.Forward(y, x, packed, b, d, Activation.ReLU, 0f, KernelPaths.OfWidth(bits));
        TensorAssert.Close(Reference.Dense(TestData.ToDouble(x), TestData.ToDouble(w), TestData.ToDouble(b), d, Activation.ReLU), y, 1e-4, 1e-4, "y");
    }
}
