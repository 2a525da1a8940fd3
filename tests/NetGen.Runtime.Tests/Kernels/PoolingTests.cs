using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class PoolingTests
{
    public record Case(string Name, PoolDims Dims, bool CountPadding)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> AvgCases() => new()
    {
        new("2x2/2, C=20", PoolDims.Create(2, 6, 7, 20, 2, 2, 2, 2), false),
        new("3x3/2 pad 1 counting padding (PyTorch)", PoolDims.Create(2, 7, 6, 3, 3, 3, 2, 2, 1, 1, 1, 1), true),
        new("3x3/2 pad 1 excluding padding (Keras)", PoolDims.Create(1, 7, 6, 17, 3, 3, 2, 2, 1, 1, 1, 1), false),
        new("3x2/1x2 asymmetric pads, ceil, counting", PoolDims.Create(1, 5, 6, 5, 3, 2, 2, 2, 1, 0, 0, 1, ceilMode: true), true),
    };

    [Theory]
    [MemberData(nameof(AvgCases))]
    public void AvgPool_forward_and_backward_match_references(Case t)
    {
        var d = t.Dims;
        var rng = new Random(t.Name.Length + 100);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var y = TestData.Uniform(rng, d.N * d.P * d.Q * d.C);
        AvgPool2D.Forward(y, x, d, t.CountPadding);
        var xd = TestData.NhwcToNchw(x, d.N, d.C, d.H, d.W);
        TensorAssert.Close(TestData.NchwToNhwc(Reference.Pool(xd, d, true, t.CountPadding), d.N, d.C, d.P, d.Q), y, 1e-5, 1e-6, "y");

        var upstream = TestData.Uniform(rng, y.Length);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dX = (float[])dX0.Clone();
        AvgPool2D.Backward(dX, upstream, d, t.CountPadding);
        var g = TestData.NhwcToNchw(upstream, d.N, d.C, d.P, d.Q);
        var gx = Numeric.Gradient(v => TestData.Dot(g, Reference.Pool(v, d, true, t.CountPadding)), xd);
        TensorAssert.Close(TestData.Add(dX0, TestData.NchwToNhwc(gx, d.N, d.C, d.H, d.W)), dX, 1e-4, 1e-5, "dX");
    }

    [Fact]
    public void GlobalAvgPool_forward_and_backward_match_references()
    {
        const int n = 3, h = 5, w = 4, c = 19;
        var rng = new Random(77);
        var x = TestData.Uniform(rng, n * h * w * c);
        var y = TestData.Uniform(rng, n * c);
        GlobalAvgPool.Forward(y, x, n, h * w, c);
        var expected = new double[n * c];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < h * w; i++)
                for (int ci = 0; ci < c; ci++)
                    expected[b * c + ci] += x[(b * h * w + i) * c + ci] / (double)(h * w);
        TensorAssert.Close(expected, y, 1e-5, 1e-6, "y");

        var upstream = TestData.Uniform(rng, n * c);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dX = (float[])dX0.Clone();
        GlobalAvgPool.Backward(dX, upstream, n, h * w, c);
        var gx = new double[x.Length];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < h * w; i++)
                for (int ci = 0; ci < c; ci++)
                    gx[(b * h * w + i) * c + ci] = upstream[b * c + ci] / (double)(h * w);
        TensorAssert.Close(TestData.Add(dX0, gx), dX, 1e-5, 1e-6, "dX");
    }
}
