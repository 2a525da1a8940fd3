using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class Conv2DMaxPoolTests
{
    public record Case(string Name, Conv2DDims Conv, int PoolR, int PoolS, int StrideH, int StrideW, Activation Act)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() => new()
    {
        new("MNIST conv2 + ReLU + 2x2/2", Conv2DDims.Create(2, 26, 26, 32, 64, 3, 3), 2, 2, 2, 2, Activation.ReLU),
        new("pad 1, K=20, overlapping 3x2 windows stride 2x1, floor drops a row", Conv2DDims.Create(1, 8, 9, 3, 20, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1), 3, 2, 2, 1, Activation.Tanh),
        new("MNIST conv1 (one channel: OneChannelPooled, weights in registers) + ReLU + 2x2/2", Conv2DDims.Create(1, 28, 28, 1, 32, 3, 3), 2, 2, 2, 2, Activation.ReLU),
        new("K=72 (4-block and 1-block tiles), pad 1, 3x3/2 windows over 9x9", Conv2DDims.Create(1, 9, 9, 5, 72, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1), 3, 3, 2, 2, Activation.ELU),
        new("K=16 (8 x 1 tiles, two windows each), Tanh, 9 windows", Conv2DDims.Create(2, 9, 9, 3, 16, 3, 3), 2, 2, 2, 2, Activation.Tanh),
        new("K=84 (4 blocks then a partial one), stride 2, LeakyReLU", Conv2DDims.Create(1, 12, 11, 3, 84, 3, 3, 2, 2), 2, 2, 2, 2, Activation.LeakyReLU),
        new("K=20 (8 x 2 with a partial block), pad 1 (border windows: the row path)", Conv2DDims.Create(1, 8, 8, 4, 20, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1), 2, 2, 2, 2, Activation.ReLU),
        new("depthwise + 2x2/2 on odd size", Conv2DDims.Create(2, 9, 7, 16, 16, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 16), 2, 2, 2, 2, Activation.None),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fused_path_equals_convolution_then_pool(Case t)
    {
        var d = t.Conv;
        var pool = PoolDims.Create(d.N, d.P, d.Q, d.K, t.PoolR, t.PoolS, t.StrideH, t.StrideW);
        var rng = new Random(t.Name.Length);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, TestData.Uniform(rng, d.K * d.GroupC * d.R * d.S, 0.5f), d);
        var b = TestData.Uniform(rng, d.K);

        var conv = new float[d.N * d.P * d.Q * d.K];
        Conv2D.Forward(conv, x, packed, b, new float[Conv2D.ForwardWorkspaceFloats(d)], d, t.Act);
        var expected = new float[pool.N * pool.P * pool.Q * pool.C];
        MaxPool2D.Forward(expected, conv, pool);

        var y = TestData.Uniform(rng, expected.Length);
        Conv2D.ForwardMaxPool(y, x, packed, b, new float[Conv2D.ForwardMaxPoolWorkspaceFloats(d, pool)], d, pool, t.Act);
        TensorAssert.Close(expected, y, 1e-6, 1e-7, "y");
    }

    [Fact]
    public void Padded_pool_is_refused_with_the_unfused_alternative()
    {
        var d = Conv2DDims.Create(1, 6, 6, 1, 16, 3, 3);
        var pool = PoolDims.Create(1, 4, 4, 16, 3, 3, 2, 2, 1, 1, 1, 1);
        var ex = Assert.Throws<ArgumentException>(() => Conv2D.ForwardMaxPool(new float[pool.P * pool.Q * 16], new float[36],
            new float[Conv2D.PackedWeightFloats(d)], [], new float[1000], d, pool));
        Assert.Contains("run Conv2D.Forward and MaxPool2D.Forward instead", ex.Message);
    }
}
