using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>Winograd F(2x2, 3x3) against the float64 reference convolution (and pool), on both vector widths.</summary>
public class Conv2DWinogradTests
{
    private static Conv2DDims Padded(int n, int h, int w, int c, int k, int pad) =>
        Conv2DDims.Create(n, h, w, c, k, 3, 3, padTop: pad, padBottom: pad, padLeft: pad, padRight: pad);

    public static TheoryData<Conv2DTests.Case> Cases() => new()
    {
        new("MNIST conv2: 32 -> 64, 13x13, no padding, odd output", Conv2DDims.Create(2, 13, 13, 32, 64, 3, 3), true, Activation.ReLU),
        new("MNIST conv2's input gradient: 64 -> 32, 11x11 padded by 2 to 13x13", Padded(2, 11, 11, 64, 32, 2), false, Activation.None),
        new("ResNet-18 layer1 geometry: 56x56 pad 1, 16 -> 64 (25 tile blocks, the last partial)", Padded(1, 56, 56, 16, 64, 1), true, Activation.ReLU),
        new("ResNet-18 layer3 geometry: 14x14 pad 1, 256 -> 64 (49 tiles: a block and a part)", Padded(1, 14, 14, 256, 64, 1), true, Activation.ReLU),
        new("ResNet-18 layer4 geometry: 7x7 pad 1, 512 -> 192 (odd output, 3 blocks of 64 channels)", Padded(1, 7, 7, 512, 192, 1), true, Activation.None),
        new("ResNet-like: 16 -> 32, 7x7, pad 1", Padded(1, 7, 7, 16, 32, 1), true, Activation.None),
        new("gradient-convolution padding 2, 64 -> 16, 5x6", Padded(3, 5, 6, 64, 16, 2), false, Activation.Tanh),
        new("more than one tile block, uneven padding", Conv2DDims.Create(2, 17, 15, 16, 48, 3, 3, padTop: 1, padBottom: 0, padLeft: 0, padRight: 1), true, Activation.LeakyReLU, 0.1f),
        new("K = 80 (64 + 16), 1x1 output tiles from a 3x3 input, pad 1", Padded(3, 3, 3, 32, 80, 1), true, Activation.ELU, 1f),
        new("K = 112 (64 + 32 + 16), 9 tiles, 4x4 output", Conv2DDims.Create(1, 6, 6, 16, 112, 3, 3), true, Activation.Sigmoid),
        new("input smaller than a tile: 2x2 padded by 1", Padded(2, 2, 2, 16, 64, 1), true, Activation.ReLU),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_equals_the_reference(Conv2DTests.Case t)
    {
        Assert.True(Conv2D.SuitsWinograd(t.Dims));
        ConvForwardCheck.AgainstReference(t, new Random(t.Name.Length), t.Alpha, ThroughWinograd, KernelPath.Hardware);
    }

    /// <summary>The cases of under 10M multiply-adds (the reference runs in float64, unoptimised in Debug).</summary>
    public static TheoryData<Conv2DTests.Case> SmallCases()
    {
        var small = new TheoryData<Conv2DTests.Case>();
        foreach (var t in Cases())
        {
            var d = t.Dims;
            if ((long)d.N * d.P * d.Q * d.K * d.C * 9 < 10_000_000) small.Add(t);
        }
        return small;
    }

    [Theory]
    [MemberData(nameof(SmallCases))]
    public void Forward_256_bit_path_equals_the_reference(Conv2DTests.Case t) =>
        ConvForwardCheck.AgainstReference(t, new Random(3 * t.Name.Length), t.Alpha, ThroughWinograd, KernelPath.Vector256);

    [Theory]
    [MemberData(nameof(SmallCases))]
    public void Forward_128_bit_path_equals_the_reference(Conv2DTests.Case t) =>
        ConvForwardCheck.AgainstReference(t, new Random(5 * t.Name.Length), t.Alpha, ThroughWinograd, KernelPath.Vector128);

    [Theory]
    [MemberData(nameof(SmallCases))]
    public void Forward_128_bit_unfused_path_equals_the_reference(Conv2DTests.Case t) =>
        ConvForwardCheck.AgainstReference(t, new Random(5 * t.Name.Length), t.Alpha, ThroughWinograd, KernelPath.Vector128Unfused);

    /// <summary>Conv2D.ForwardWinograd with Conv2D.Forward's arguments: transforms the packed weights, runs on a NaN-filled workspace of its own.</summary>
    private static void ThroughWinograd(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> packed, ReadOnlySpan<float> bias,
        Span<float> workspace, in Conv2DDims dims, Activation act, float alpha, KernelPath path)
    {
        var u = new float[Conv2D.WinogradWeightFloats(dims)];
        Array.Fill(u, float.NaN);
        Conv2D.PackWinograd(u, packed, dims, path);
        var ws = new float[Conv2D.WinogradWorkspaceFloats(dims)];
        Array.Fill(ws, float.NaN);
        Conv2D.ForwardWinograd(y, x, u, bias, ws, dims, act, alpha, path);
    }

    public static TheoryData<string, Conv2DDims, Activation, float> PooledCases() => new()
    {
        { "MNIST conv2 at batch 1: 13x13x32 -> 11x11x64 -> 5x5", Conv2DDims.Create(1, 13, 13, 32, 64, 3, 3), Activation.ReLU, 0f },
        { "MNIST conv2 at batch 3, no bias activation", Conv2DDims.Create(3, 13, 13, 32, 64, 3, 3), Activation.None, 0f },
        { "pad 1, 14x14 -> 7x7, K = 48", Padded(1, 14, 14, 16, 48, 1), Activation.ReLU, 0f },
        { "odd sizes: 11x9, pad 1, tanh before the maximum", Padded(3, 11, 9, 16, 32, 1), Activation.Tanh, 0f },
        { "more than one tile block: 21x21, pad 1 -> 10x10", Padded(1, 21, 21, 16, 64, 1), Activation.ReLU, 0f },
        { "a decreasing LeakyReLU (slope -0.5): activation before the maximum", Padded(2, 8, 8, 16, 16, 1), Activation.LeakyReLU, -0.5f },
    };

    [Theory]
    [MemberData(nameof(PooledCases))]
    public void Pooled_forward_equals_the_reference_convolution_then_pool(string name, Conv2DDims d, Activation act, float alpha)
    {
        CheckPooled(name, d, act, alpha, 1, KernelPath.Hardware);
        CheckPooled(name, d, act, alpha, 2, KernelPath.Vector256);
        CheckPooled(name, d, act, alpha, 3, KernelPath.Vector128);
        CheckPooled(name, d, act, alpha, 4, KernelPath.Vector128Unfused);
    }

    private static void CheckPooled(string name, Conv2DDims d, Activation act, float alpha, int seed, KernelPath path)
    {
        var pool = PoolDims.Create(d.N, d.P, d.Q, d.K, 2, 2, 2, 2);
        Assert.True(Conv2D.SuitsWinogradMaxPool(d, pool), name);
        var rng = new Random(seed * 7919 + name.Length);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var w = TestData.Uniform(rng, d.K * d.C * 9, 0.5f);
        bool hasBias = act != Activation.None;
        var b = hasBias ? TestData.Uniform(rng, d.K) : [];
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, w, d);
        var u = new float[Conv2D.WinogradWeightFloats(d)];
        Conv2D.PackWinograd(u, packed, d, path);
        var ws = new float[Conv2D.WinogradWorkspaceFloats(d)];
        Array.Fill(ws, float.NaN);
        var y = TestData.Uniform(rng, pool.N * pool.P * pool.Q * pool.C);
        Conv2D.ForwardWinogradMaxPool(y, x, u, b, ws, d, pool, act, alpha, path);

        var conv = Reference.Conv2D(TestData.NhwcToNchw(x, d.N, d.C, d.H, d.W), TestData.ToDouble(w),
            hasBias ? TestData.ToDouble(b) : null, d, act, alpha);
        var expected = Reference.Pool(conv, pool);
        TensorAssert.Close(TestData.NchwToNhwc(expected, pool.N, pool.C, pool.P, pool.Q), y, 1e-4, 1e-4, name);
    }

    /// <summary>The documented layout (16, K/16, C, 16) holds G g G^T, computed here in float64 from the unpacked weights.</summary>
    [Fact]
    public void Pack_stores_G_g_GT_in_the_documented_layout()
    {
        var d = Conv2DDims.Create(1, 4, 4, 16, 32, 3, 3);
        var rng = new Random(5);
        var w = TestData.Uniform(rng, d.K * d.C * 9);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, w, d);
        var u = new float[Conv2D.WinogradWeightFloats(d)];
        Conv2D.PackWinograd(u, packed, d);
        double[,] g = { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } };
        var expected = new double[u.Length];
        for (int k = 0; k < d.K; k++)
            for (int c = 0; c < d.C; c++)
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++)
                    {
                        // Weights are (K, C, 3, 3) as Pack takes them.
                        double sum = 0;
                        for (int r = 0; r < 3; r++)
                            for (int s = 0; s < 3; s++)
                                sum += g[i, r] * w[((k * d.C + c) * 3 + r) * 3 + s] * g[j, s];
                        expected[((((i * 4 + j) * (d.K / 16) + k / 16) * d.C) + c) * 16 + k % 16] = sum;
                    }
        TensorAssert.Close(expected, u, 1e-6, 1e-6, "U");
    }

    /// <summary>Row bands from Conv2D.TryRowBand (as the generator splits batch-1 layers) give the layer's outputs exactly when they start on even rows.</summary>
    [Theory]
    [InlineData(0, 8, 14)]
    [InlineData(0, 6, 14)]
    [InlineData(0, 2, 14)]
    public void Bands_starting_on_even_rows_equal_the_whole_layer_bit_for_bit(int first, int split, int end)
    {
        var d = Padded(1, 14, 13, 16, 64, 1);
        Assert.Equal(end, d.P);
        var rng = new Random(split);
        var x = TestData.Uniform(rng, d.H * d.W * d.C);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, TestData.Uniform(rng, d.K * d.C * 9, 0.5f), d);
        var u = new float[Conv2D.WinogradWeightFloats(d)];
        Conv2D.PackWinograd(u, packed, d);
        var b = TestData.Uniform(rng, d.K);
        var whole = new float[d.P * d.Q * d.K];
        Conv2D.ForwardWinograd(whole, x, u, b, new float[Conv2D.WinogradWorkspaceFloats(d)], d, Activation.ReLU);

        var banded = new float[whole.Length];
        foreach (var (lo, hi) in new[] { (first, split), (split, end) })
        {
            Assert.True(Conv2D.TryRowBand(d, lo, hi, out var band, out int inputRow));
            int rowFloats = d.Q * d.K;
            Conv2D.ForwardWinograd(banded.AsSpan(lo * rowFloats, band.P * rowFloats), x.AsSpan(inputRow * d.W * d.C, band.H * d.W * d.C),
                u, b, new float[Conv2D.WinogradWorkspaceFloats(band)], band, Activation.ReLU);
        }
        Assert.Equal(whole, banded);
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

        ex = Assert.Throws<ArgumentException>(() => Conv2D.ForwardWinograd(new float[d.P * d.Q * 16], new float[8 * 8 * 16],
            new float[Conv2D.WinogradWeightFloats(d)], [], new float[Conv2D.WinogradWorkspaceFloats(d) - 1], d));
        Assert.Contains("workspace", ex.Message);
    }
}
