using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>Winograd F(2x2, 3x3) against the float64 reference convolution and against the direct convolution + pool.</summary>
public class Conv2DWinogradTests
{
    public static TheoryData<Conv2DTests.Case> Cases() => new()
    {
        new("MNIST conv2: 32 -> 64, 13x13, no padding, odd output", Conv2DDims.Create(2, 13, 13, 32, 64, 3, 3), true, Activation.ReLU),
        new("ResNet-like: 16 -> 32, 7x7, pad 1", Conv2DDims.Create(1, 7, 7, 16, 32, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1), true, Activation.None),
        new("gradient-convolution padding 2, 64 -> 16, 5x6", Conv2DDims.Create(3, 5, 6, 64, 16, 3, 3, padTop: 2, padBottom: 2, padLeft: 2, padRight: 2), false, Activation.Tanh),
        new("more than one tile block, uneven padding", Conv2DDims.Create(2, 17, 15, 16, 48, 3, 3, padTop: 1, padBottom: 0, padLeft: 0, padRight: 1), true, Activation.LeakyReLU, 0.1f),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_equals_the_reference(Conv2DTests.Case t)
    {
        Assert.True(Conv2D.SuitsWinograd(t.Dims));
        ConvForwardCheck.AgainstReference(t, new Random(t.Name.Length), t.Alpha, ThroughWinograd);
    }

    /// <summary>Conv2D.ForwardWinograd with Conv2D.Forward's arguments: transforms the packed weights, runs on a NaN-filled workspace of its own.</summary>
    private static void ThroughWinograd(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation act, float alpha)
    {
        var u = new float[Conv2D.WinogradWeightFloats(dims)];
        Conv2D.PackWinograd(u, packed, dims);
        var ws = new float[Conv2D.WinogradWorkspaceFloats(dims)];
        Array.Fill(ws, float.NaN);
        Conv2D.ForwardWinograd(y, x, u, bias, ws, dims, act, alpha);
    }

    [Theory]
    [InlineData(2, 13, 13, 0, Activation.ReLU)]
    [InlineData(1, 14, 14, 1, Activation.None)]
    [InlineData(3, 11, 9, 1, Activation.Tanh)]
    public void Pooled_forward_equals_convolution_then_pool(int n, int h, int w, int pad, Activation act)
    {
        var d = Conv2DDims.Create(n, h, w, 16, 32, 3, 3, padTop: pad, padBottom: pad, padLeft: pad, padRight: pad);
        var pool = PoolDims.Create(d.N, d.P, d.Q, d.K, 2, 2, 2, 2);
        var rng = new Random(h * 31 + w);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, TestData.Uniform(rng, d.K * d.C * 9, 0.5f), d);
        var b = TestData.Uniform(rng, d.K);
        var conv = new float[d.N * d.P * d.Q * d.K];
        Conv2D.Forward(conv, x, packed, b, new float[Conv2D.ForwardWorkspaceFloats(d)], d, act);
        var expected = new float[pool.N * pool.P * pool.Q * pool.C];
        MaxPool2D.Forward(expected, conv, pool);

        var u = new float[Conv2D.WinogradWeightFloats(d)];
        Conv2D.PackWinograd(u, packed, d);
        var y = TestData.Uniform(rng, expected.Length);
        Conv2D.ForwardWinogradMaxPool(y, x, u, b, new float[Conv2D.WinogradWorkspaceFloats(d)], d, pool, act);
        TensorAssert.Close(expected, y, 1e-5, 1e-5, "y");
    }

    [Fact]
    public void Unsuitable_convolutions_and_pools_are_refused_with_the_reason()
    {
        var strided = Conv2DDims.Create(1, 8, 8, 16, 16, 3, 3, 2, 2);
        Assert.False(Conv2D.SuitsWinograd(strided));
        var ex = Assert.Throws<ArgumentException>(() => Conv2D.ForwardWinograd(new float[strided.P * strided.Q * 16], new float[8 * 8 * 16],
            new float[Conv2D.WinogradWeightFloats(strided)], [], new float[Conv2D.WinogradWorkspaceFloats(strided)], strided));
        Assert.Contains("stride 2x2", ex.Message);
        Assert.False(Conv2D.SuitsWinograd(Conv2DDims.Create(1, 8, 8, 3, 16, 3, 3)));

        var d = Conv2DDims.Create(1, 8, 8, 16, 16, 3, 3);
        var pool = PoolDims.Create(1, d.P, d.Q, 16, 3, 3, 2, 2);
        ex = Assert.Throws<ArgumentException>(() => Conv2D.ForwardWinogradMaxPool(new float[pool.P * pool.Q * 16], new float[8 * 8 * 16],
            new float[Conv2D.WinogradWeightFloats(d)], [], new float[Conv2D.WinogradWorkspaceFloats(d)], d, pool));
        Assert.Contains("not a 2x2 stride-2", ex.Message);
    }
}
