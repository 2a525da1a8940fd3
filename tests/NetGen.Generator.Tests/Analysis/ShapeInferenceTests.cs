using Xunit;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>Output shapes, checked against sizes the reference frameworks give for the same layers.</summary>
public class ShapeInferenceTests
{
    private static Shape After(Shape input, OpKind op, LayerArgs args)
    {
        var ir = new TestIr(input);
        ir.Then("x", op, args);
        return TestIr.Analyze(ir.Build()).Layers[1].Output;
    }

    private static Shape After(int c, int h, int w, OpKind op, LayerArgs args) => After(Shape.Chw(c, h, w), op, args);

    [Theory]
    // Valid: floor((H - R) / s) + 1. LeNet: 28 -> 24 with 5x5; AlexNet conv1 (Caffe): 227, 11x11 stride 4 -> 55.
    [InlineData(28, 5, 1, 24)]
    [InlineData(227, 11, 4, 55)]
    [InlineData(10, 3, 2, 4)]
    public void ValidPadding(int h, int k, int s, int expected)
    {
        Assert.Equal(Shape.Chw(8, expected, expected), After(3, h, h, OpKind.Conv2D, TestIr.Conv(8, k, s)));
    }

    [Theory]
    // Same (Keras/TF): ceil(H / s), independent of the kernel. ThreeConv: 300 -> 150 -> 75 -> 38.
    [InlineData(75, 3, 2, 38)]
    [InlineData(224, 7, 2, 112)]
    [InlineData(7, 5, 3, 3)]
    [InlineData(5, 7, 1, 5)]
    public void SamePadding(int h, int k, int s, int expected)
    {
        Assert.Equal(Shape.Chw(8, expected, expected), After(3, h, h, OpKind.Conv2D, TestIr.Conv(8, k, s, PaddingMode.Same)));
    }

    [Theory]
    // Explicit: floor((H + 2p - R) / s) + 1. ResNet stem: 224, 7x7 stride 2 pad 3 -> 112.
    [InlineData(224, 7, 2, 3, 112)]
    [InlineData(56, 3, 1, 1, 56)]
    [InlineData(56, 3, 2, 1, 28)]
    [InlineData(4, 3, 1, 2, 6)]
    public void ExplicitPadding(int h, int k, int s, int p, int expected)
    {
        Assert.Equal(Shape.Chw(8, expected, expected), After(3, h, h, OpKind.Conv2D, TestIr.Pad(8, k, p, s)));
    }

    [Fact]
    public void AsymmetricKernelAndPadding()
    {
        // Inception's 1x7 with padding 0x3 keeps 17x17.
        var args = TestIr.Conv(192, 1) with { KernelW = 7, Padding = PaddingMode.Explicit, PadLeft = 3, PadRight = 3 };
        Assert.Equal(Shape.Chw(192, 17, 17), After(768, 17, 17, OpKind.Conv2D, args));
    }

    [Fact]
    public void DilationWidensTheKernel()
    {
        // 3x3 dilation 2 acts as 5x5: 32 -> 28 valid; padding 2 keeps 32 (DeepLab).
        Assert.Equal(Shape.Chw(4, 28, 28), After(3, 32, 32, OpKind.Conv2D, TestIr.Conv(4, 3, dilation: 2)));
        Assert.Equal(Shape.Chw(4, 32, 32), After(3, 32, 32, OpKind.Conv2D, TestIr.Conv(4, 3, 1, PaddingMode.Explicit, 2, dilation: 2)));
    }

    [Fact]
    public void PoolingFloorAndCeil()
    {
        // GoogLeNet (torchvision): 112, 3x3 stride 2 ceil -> 56; floor -> 55.
        Assert.Equal(Shape.Chw(64, 56, 56), After(64, 112, 112, OpKind.MaxPool2D, TestIr.Pool(3, 2, ceil: true)));
        Assert.Equal(Shape.Chw(64, 55, 55), After(64, 112, 112, OpKind.MaxPool2D, TestIr.Pool(3, 2)));
        // 6, 2x2 stride 2 is exact: ceil changes nothing.
        Assert.Equal(Shape.Chw(1, 3, 3), After(1, 6, 6, OpKind.AvgPool2D, TestIr.Pool(2, 2, ceil: true)));
    }

    [Fact]
    public void CeilModeDropsAWindowStartingInThePadding()
    {
        // PyTorch: 5, kernel 2 stride 2 pad 1 ceil -> ceil(4/2)+1 = 4, but the 4th window would start
        // at 6 >= 5 + 1, so 3 (nn.MaxPool2d(2, 2, 1, ceil_mode=True) on 5x5 gives 3x3).
        Assert.Equal(Shape.Chw(1, 3, 3), After(1, 5, 5, OpKind.MaxPool2D, TestIr.Pool(2, 2, PaddingMode.Explicit, 1, ceil: true)));
    }

    [Fact]
    public void SamePooling()
    {
        Assert.Equal(Shape.Chw(16, 4, 4), After(16, 7, 7, OpKind.MaxPool2D, TestIr.Pool(2, 2, PaddingMode.Same)));
    }

    [Theory]
    // (H - 1) s - 2p + R + output_padding. DCGAN: 4 -> 8 with 4x4 stride 2 pad 1; 7 -> 14 with 3x3 s2 p1 op1.
    [InlineData(4, 4, 2, 1, 0, 8)]
    [InlineData(7, 3, 2, 1, 1, 14)]
    [InlineData(5, 3, 1, 0, 0, 7)]
    public void TransposedConvolution(int h, int k, int s, int p, int op, int expected)
    {
        var args = TestIr.Pad(32, k, p, s) with { OutputPadding = op };
        Assert.Equal(Shape.Chw(32, expected, expected), After(64, h, h, OpKind.Conv2DTranspose, args));
    }

    [Fact]
    public void TransposedSameMultipliesByStride()
    {
        Assert.Equal(Shape.Chw(8, 14, 20), After(16, 7, 10, OpKind.Conv2DTranspose, TestIr.Conv(8, 3, 2, PaddingMode.Same)));
    }

    [Fact]
    public void Upsample()
    {
        Assert.Equal(Shape.Chw(5, 14, 30), After(5, 7, 10, OpKind.Upsample, new LayerArgs { ScaleH = 2, ScaleW = 3 }));
    }

    [Fact]
    public void GlobalAvgPoolFlattenDense()
    {
        Assert.Equal(Shape.Vector(512), After(512, 7, 7, OpKind.GlobalAvgPool, new LayerArgs()));
        Assert.Equal(Shape.Chw(512, 1, 1), After(512, 7, 7, OpKind.GlobalAvgPool, new LayerArgs { KeepDims = true }));
        Assert.Equal(Shape.Vector(3136), After(64, 7, 7, OpKind.Flatten, new LayerArgs()));
        Assert.Equal(Shape.Vector(10), After(Shape.Vector(3136), OpKind.Dense, TestIr.Dense(10)));
    }

    [Fact]
    public void DepthwiseAndSeparable()
    {
        Assert.Equal(Shape.Chw(64, 56, 56), After(32, 112, 112, OpKind.DepthwiseConv2D,
            TestIr.Conv(0, 3, 2, PaddingMode.Same) with { DepthMultiplier = 2 }));
        Assert.Equal(Shape.Chw(128, 56, 56), After(32, 56, 56, OpKind.SeparableConv2D, TestIr.Conv(128, 3, 1, PaddingMode.Same)));
    }

    [Fact]
    public void ShapePreservingLayers()
    {
        foreach (var op in new[] { OpKind.BatchNorm, OpKind.ReLU, OpKind.Dropout, OpKind.LocalResponseNorm, OpKind.Softmax, OpKind.Sigmoid })
            Assert.Equal(Shape.Chw(6, 5, 4), After(6, 5, 4, op, new LayerArgs()));
    }

    [Fact]
    public void ConcatSumsChannels()
    {
        var ir = TestIr.Chw(192, 28, 28);
        int a = ir.Add("b1", OpKind.Conv2D, TestIr.Conv(64, 1), false, 0);
        int b = ir.Add("b2", OpKind.Conv2D, TestIr.Pad(128, 3, 1), false, 0);
        int c = ir.Add("b3", OpKind.MaxPool2D, TestIr.Pool(3, 1, PaddingMode.Explicit, 1), false, 0);
        ir.Merge("cat", OpKind.Concat, a, b, c);
        Assert.Equal(Shape.Chw(64 + 128 + 192, 28, 28), TestIr.Analyze(ir.Build()).OutputShape);
    }

    [Fact]
    public void ConcatOfVectors()
    {
        var ir = new TestIr(Shape.Vector(10));
        int a = ir.Then("a", OpKind.Dense, TestIr.Dense(3));
        int b = ir.Add("b", OpKind.Dense, TestIr.Dense(4), false, 0);
        ir.Merge("cat", OpKind.Concat, a, b);
        Assert.Equal(Shape.Vector(7), TestIr.Analyze(ir.Build()).OutputShape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SqueezeExcitationGateBroadcasts(bool keepDims)
    {
        var ir = TestIr.Chw(64, 56, 56);
        int x = ir.Then("conv", OpKind.Conv2D, TestIr.Pad(64, 3, 1));
        ir.Then("squeeze", OpKind.GlobalAvgPool, new LayerArgs { KeepDims = keepDims });
        if (keepDims) ir.Then("flat", OpKind.Flatten);
        ir.Then("fc1", OpKind.Dense, TestIr.Dense(4));
        ir.Then("relu", OpKind.ReLU);
        ir.Then("fc2", OpKind.Dense, TestIr.Dense(64));
        int gate = ir.Then("gate", OpKind.Sigmoid);
        ir.Merge("scale", OpKind.Multiply, gate, x);
        Assert.Equal(Shape.Chw(64, 56, 56), TestIr.Analyze(ir.Build()).OutputShape);
    }

    [Fact]
    public void GateWithKeepDimsShape()
    {
        var ir = TestIr.Chw(8, 5, 5);
        int x = ir.Then("x", OpKind.ReLU);
        int g = ir.Then("g", OpKind.GlobalAvgPool, new LayerArgs { KeepDims = true });
        ir.Merge("scale", OpKind.Multiply, x, g);
        Assert.Equal(Shape.Chw(8, 5, 5), TestIr.Analyze(ir.Build()).OutputShape);
    }
}
