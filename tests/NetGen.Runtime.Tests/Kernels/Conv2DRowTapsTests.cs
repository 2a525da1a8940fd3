using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>The few-channel (image stem) forward kernel against the float64 reference convolution.</summary>
public class Conv2DRowTapsTests
{
    public static TheoryData<Conv2DTests.Case> Cases() => new()
    {
        new("ResNet stem 7x7 stride 2 pad 3, 3 -> 64, batch 2", Conv2DDims.Create(2, 23, 21, 3, 64, 7, 7, 2, 2, 3, 3, 3, 3), true, Activation.ReLU),
        new("C=1, 3x3 asymmetric pads, K=128, no bias", Conv2DDims.Create(1, 9, 10, 1, 128, 3, 3, 1, 1, 0, 2, 1, 0), false, Activation.None),
        new("C=4, 5x3, stride 1x3, dilation 2 down, Q not a multiple of 4", Conv2DDims.Create(1, 12, 19, 4, 64, 5, 3, 1, 3, 2, 2, 1, 1, 2, 1), true, Activation.Tanh),
        new("C=2, 1x1 stride 2 (every window inside), LeakyReLU", Conv2DDims.Create(1, 8, 8, 2, 64, 1, 1, 2, 2), true, Activation.LeakyReLU),
        new("C=3, kernel wider than the input", Conv2DDims.Create(1, 5, 3, 3, 64, 3, 5, 1, 1, 1, 1, 2, 2), true, Activation.ReLU),
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
    public void Takes_only_few_channel_ungrouped_convolutions_of_64_channel_multiples()
    {
        Assert.True(Conv2D.RunsAsRowTaps(Conv2DDims.Create(1, 224, 224, 3, 64, 7, 7, 2, 2, 3, 3, 3, 3)));
        Assert.False(Conv2D.RunsAsRowTaps(Conv2DDims.Create(1, 8, 8, 5, 64, 3, 3)));
        Assert.False(Conv2D.RunsAsRowTaps(Conv2DDims.Create(1, 8, 8, 3, 48, 3, 3)));
        Assert.False(Conv2D.RunsAsRowTaps(Conv2DDims.Create(1, 8, 8, 4, 64, 3, 3, groups: 2)));
        Assert.False(Conv2D.RunsAsRowTaps(Conv2DDims.Create(1, 8, 8, 3, 64, 3, 3, dilationW: 2)));
        var d = Conv2DDims.Create(1, 8, 8, 8, 64, 3, 3);
        var error = Assert.Throws<ArgumentException>(() => Conv2D.ForwardRowTaps(
            new float[d.P * d.Q * d.K], new float[d.H * d.W * d.C], new float[Conv2D.PackedWeightFloats(d)], [], new float[64], d));
        Assert.Contains("C <= 4", error.Message);
        Assert.Contains("C 8", error.Message);
    }

    private static void Check(Conv2DTests.Case t, KernelPath path)
    {
        Assert.True(Conv2D.RunsAsRowTaps(t.Dims));
        ConvForwardCheck.AgainstReference(t, new Random(t.Name.Length * 13 + 1), 0.1f, Conv2D.ForwardRowTaps, path);
    }
}
