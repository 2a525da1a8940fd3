using Xunit;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>Parameter counts against what PyTorch's and Keras's summaries print for the same layers.</summary>
public class ParameterCountTests
{
    private static LayerInfo Single(Shape input, OpKind op, LayerArgs args, bool frozen = false)
    {
        var ir = new TestIr(input);
        ir.Then("x", op, args, frozen);
        return TestIr.Analyze(ir.Build()).Layers[1];
    }

    [Fact]
    public void TorchvisionResNet18BasicBlock()
    {
        // layer1.0 of torchvision's resnet18: sum(p.numel() for p in block.parameters()) == 73,984.
        var a = TestIr.Analyze(ResNets.BasicBlockNet(64, 56).Build());
        Assert.Equal(73_984, a.TotalParams - a.Statistics);
        Assert.Equal(73_984, a.TrainableParams);
        Assert.Equal(256, a.Statistics);
        Assert.Equal(36_864, a.Layers[1].Params);
    }

    [Fact]
    public void KerasSeparableConv2D()
    {
        // keras.layers.SeparableConv2D(64, 3) on 32 channels: 32*9 depthwise + 32*64 pointwise + 64 bias = 2,400.
        var l = Single(Shape.Chw(32, 16, 16), OpKind.SeparableConv2D, TestIr.Conv(64, 3));
        Assert.Equal(2_400, l.Trainable);
        Assert.Equal(14L * 14 * 32 * 9 + 14L * 14 * 32 * 64, l.Macs);
    }

    [Fact]
    public void KerasSeparableWithMultiplierAndNoBias()
    {
        var l = Single(Shape.Chw(16, 8, 8), OpKind.SeparableConv2D, TestIr.Conv(24, 3, bias: false) with { DepthMultiplier = 2 });
        Assert.Equal(16 * 2 * 9 + 16 * 2 * 24, l.Trainable);
    }

    [Fact]
    public void KerasDepthwiseConv2D()
    {
        // keras.layers.DepthwiseConv2D(3) on 32 channels: 288 + 32 bias.
        Assert.Equal(320, Single(Shape.Chw(32, 8, 8), OpKind.DepthwiseConv2D, TestIr.Conv(0, 3)).Trainable);
        Assert.Equal(32 * 3 * 9 + 96, Single(Shape.Chw(32, 8, 8), OpKind.DepthwiseConv2D, TestIr.Conv(0, 3) with { DepthMultiplier = 3 }).Trainable);
    }

    /// <summary>
    /// keras.layers.BatchNormalization(scale=False) on 64 channels: 192 params, 64 trainable (beta)
    /// and 128 non-trainable; center=False the same with gamma; both False: 128, none trainable.
    /// </summary>
    [Theory]
    [InlineData(false, true, 64)]
    [InlineData(true, false, 64)]
    [InlineData(false, false, 0)]
    public void KerasBatchNormalizationWithoutScaleOrCenter(bool scale, bool center, long trainable)
    {
        var l = Single(Shape.Chw(64, 4, 4), OpKind.BatchNorm, new LayerArgs { Scale = scale, Center = center });
        Assert.Equal(trainable, l.Trainable);
        Assert.Equal(128, l.Statistics);
        Assert.Equal(trainable + 128, l.Params);
        var frozen = Single(Shape.Chw(64, 4, 4), OpKind.BatchNorm, new LayerArgs { Scale = scale, Center = center }, frozen: true);
        Assert.Equal(0, frozen.Trainable);
        Assert.Equal(trainable + 128, frozen.NonTrainable);
    }

    [Fact]
    public void BatchNormHasTwoTrainableAndTwoStatisticsPerChannel()
    {
        var l = Single(Shape.Chw(64, 4, 4), OpKind.BatchNorm, new LayerArgs());
        Assert.Equal(128, l.Trainable);
        Assert.Equal(128, l.NonTrainable);
        Assert.Equal(128, l.Statistics);
        Assert.Equal(256, l.Params);
        Assert.Equal(0, l.Macs);
    }

    [Fact]
    public void FrozenNodesCountAsNonTrainable()
    {
        var conv = Single(Shape.Chw(3, 8, 8), OpKind.Conv2D, TestIr.Conv(4, 3), frozen: true);
        Assert.Equal((0L, 3L * 9 * 4 + 4), (conv.Trainable, conv.NonTrainable));
        var bn = Single(Shape.Chw(10, 8, 8), OpKind.BatchNorm, new LayerArgs(), frozen: true);
        Assert.Equal((0L, 40L, 20L), (bn.Trainable, bn.NonTrainable, bn.Statistics));
    }

    [Fact]
    public void GroupedConvolution()
    {
        // ResNeXt 32x4d: 128 -> 128, 3x3, groups 32, no bias: 128 * 4 * 9.
        var l = Single(Shape.Chw(128, 56, 56), OpKind.Conv2D, TestIr.Pad(128, 3, 1, bias: false) with { Groups = 32 });
        Assert.Equal(4_608, l.Trainable);
        Assert.Equal(56L * 56 * 4_608, l.Macs);
    }

    [Fact]
    public void TransposedConvolution()
    {
        // torch.nn.ConvTranspose2d(64, 32, 4): 64*32*16 + 32; MACs H W C K R S.
        var l = Single(Shape.Chw(64, 5, 5), OpKind.Conv2DTranspose, TestIr.Conv(32, 4));
        Assert.Equal(32_800, l.Trainable);
        Assert.Equal(5L * 5 * 64 * 32 * 16, l.Macs);
    }

    [Fact]
    public void Dense()
    {
        var l = Single(Shape.Vector(3136), OpKind.Dense, TestIr.Dense(128));
        Assert.Equal(401_536, l.Trainable);
        Assert.Equal(3136L * 128, l.Macs);
        Assert.Equal(1280, Single(Shape.Vector(10), OpKind.Dense, TestIr.Dense(128, bias: false)).Trainable);
    }

    [Fact]
    public void TorchvisionResNet18()
    {
        // torchvision.models.resnet18(): 11,689,512 parameters; 1.8 GMACs (He et al. 2015, table 1).
        var a = TestIr.Analyze(ResNets.ResNet18().Build());
        Assert.Equal(11_689_512, a.TotalParams - a.Statistics);
        Assert.Equal(Shape.Vector(1000), a.OutputShape);
        Assert.InRange(a.TotalMacs, 1_810_000_000, 1_830_000_000);
    }
}
