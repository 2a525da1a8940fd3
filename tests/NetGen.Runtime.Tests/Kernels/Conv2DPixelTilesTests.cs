using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>The channel-block-outer, 8-pixel-tile forward kernel against the float64 reference convolution.</summary>
public class Conv2DPixelTilesTests
{
    public static TheoryData<Conv2DTests.Case> Cases() => new()
    {
        new("3x3 pad 1, 7x7x48 -> 64 (ResNet stage 4 in small), batch 2", Conv2DDims.Create(2, 7, 7, 48, 64, 3, 3, 1, 1, 1, 1, 1, 1), true, Activation.ReLU),
        new("3x3 stride 2 pad 1, C=20, K=96", Conv2DDims.Create(1, 11, 9, 20, 96, 3, 3, 2, 2, 1, 1, 1, 1), false, Activation.None),
        new("1x1 stride 2 projection, 13 pixels (a partial tile)", Conv2DDims.Create(1, 7, 5, 16, 32, 1, 1, 2, 2), true, Activation.None),
        new("5x3, stride 2x1, dilation 1x2, asymmetric pads, Tanh", Conv2DDims.Create(1, 9, 10, 17, 32, 5, 3, 2, 1, 2, 0, 0, 3, 1, 2), true, Activation.Tanh),
        new("C=1, 3x3 (taps only), ELU", Conv2DDims.Create(1, 6, 6, 1, 32, 3, 3), true, Activation.ELU),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_float64_reference(Conv2DTests.Case t) => Check(t, KernelPath.Hardware);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_256_bit_path_matches_reference(Conv2DTests.Case t) => Check(t, KernelPath.Vector256);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_128_bit_path_matches_reference(Conv2DTests.Case t) => Check(t, KernelPath.Vector128);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_128_bit_unfused_path_matches_reference(Conv2DTests.Case t) => Check(t, KernelPath.Vector128Unfused);

    [Fact]
    public void Inference_takes_it_for_resnet_stages_and_not_for_stems_or_tiny_maps()
    {
        Assert.True(Conv2D.SuitsPixelTiles(Conv2DDims.Create(1, 7, 7, 512, 512, 3, 3, 1, 1, 1, 1, 1, 1)));
        Assert.True(Conv2D.SuitsPixelTiles(Conv2DDims.Create(1, 28, 28, 128, 256, 1, 1, 2, 2)));
        Assert.False(Conv2D.SuitsPixelTiles(Conv2DDims.Create(1, 224, 224, 3, 64, 7, 7, 2, 2, 3, 3, 3, 3)));
        Assert.False(Conv2D.SuitsPixelTiles(Conv2DDims.Create(1, 5, 5, 64, 64, 3, 3)));
        Assert.False(Conv2D.RunsAsPixelTiles(Conv2DDims.Create(1, 8, 8, 32, 48, 3, 3)));
        var d = Conv2DDims.Create(1, 8, 8, 32, 64, 3, 3, groups: 2);
        var error = Assert.Throws<ArgumentException>(() => Conv2D.ForwardPixelTiles(
            new float[d.P * d.Q * d.K], new float[d.H * d.W * d.C], new float[Conv2D.PackedWeightFloats(d)], [], new float[64], d));
        Assert.Contains("groups 2", error.Message);
    }

    [Fact]
    public void A_pixel_range_equals_those_pixels_of_the_whole_layer_bit_for_bit()
    {
        var d = Conv2DDims.Create(1, 7, 7, 32, 64, 3, 3, 1, 1, 1, 1, 1, 1);
        var rng = new Random(5);
        var x = TestData.Uniform(rng, d.H * d.W * d.C);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, TestData.Uniform(rng, d.K * d.C * d.R * d.S, 0.5f), d);
        var bias = TestData.Uniform(rng, d.K);
        var whole = new float[d.P * d.Q * d.K];
        Conv2D.ForwardPixelTiles(whole, x, packed, bias, new float[64], d, Activation.ReLU);
        // 13 .. 40: starts and ends inside rows and inside 8-pixel tiles.
        var part = new float[(40 - 13) * d.K];
        Conv2D.ForwardPixelTiles(part, x, packed, bias, new float[64], d, Activation.ReLU, 0f, 13, 40);
        Assert.Equal(whole[(13 * d.K)..(40 * d.K)], part);
        var error = Assert.Throws<ArgumentException>(() =>
            Conv2D.ForwardPixelTiles(part, x, packed, bias, new float[64], d, Activation.ReLU, 0f, 30, 50));
        Assert.Contains("0 <= first < end <= P*Q = 49; got N = 1, [30, 50)", error.Message);
    }

    private static void Check(Conv2DTests.Case t, KernelPath path) =>
        ConvForwardCheck.AgainstReference(t, new Random(t.Name.Length * 17 + 3), 1.0f, Conv2D.ForwardPixelTiles, path);
}
