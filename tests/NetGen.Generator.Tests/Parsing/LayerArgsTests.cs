using NetGen.Generator.Model;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary>Every layer's arguments come out of the parser explicit, defaults filled.</summary>
public class LayerArgsTests
{
    private static Node Layer(string layer, string input = "16x32x32")
    {
        var net = Cnn.Network("network L {\n input " + input + "\n" + layer + "\n}");
        return net.Nodes[net.Output];
    }

    [Fact]
    public void Conv2dDefaults()
    {
        var node = Layer("conv2d(32, 5)");
        Assert.Equal(OpKind.Conv2D, node.Op);
        Assert.Equal(new LayerArgs { Filters = 32, KernelH = 5, KernelW = 5 }, node.Args);
        Assert.False(node.Frozen);
    }

    [Fact]
    public void Conv2dAllArguments()
    {
        var node = Layer("conv2d(filters: 8, kernel: 1x7, stride: 2x1, padding: 0x3, dilation: 2, groups: 4, bias: false, activation: leaky_relu, frozen: true)");
        Assert.Equal(new LayerArgs
        {
            Filters = 8, KernelH = 1, KernelW = 7, StrideH = 2, StrideW = 1, Padding = PaddingMode.Explicit,
            PadTop = 0, PadBottom = 0, PadLeft = 3, PadRight = 3, DilationH = 2, DilationW = 2, Groups = 4, Bias = false,
            Activation = ActivationKind.LeakyReLU, Alpha = 0.01,
        }, node.Args);
        Assert.True(node.Frozen);
    }

    [Fact]
    public void IntegerPaddingSetsAllFourSides()
    {
        var args = Layer("conv2d(8, 3, padding: 1)").Args;
        Assert.Equal((PaddingMode.Explicit, 1, 1, 1, 1), (args.Padding, args.PadTop, args.PadBottom, args.PadLeft, args.PadRight));
        Assert.Equal(PaddingMode.Valid, Layer("conv2d(8, 3, padding: valid)").Args.Padding);
    }

    [Fact]
    public void FusedEluGetsAlphaOne() =>
        Assert.Equal((ActivationKind.ELU, 1.0), (Layer("dense(3, activation: elu)", "8").Args.Activation, Layer("dense(3, activation: elu)", "8").Args.Alpha));

    [Fact]
    public void DepthwiseAndSeparable()
    {
        Assert.Equal(new LayerArgs { KernelH = 3, KernelW = 3, DepthMultiplier = 2, Padding = PaddingMode.Same },
            Layer("depthwise_conv2d(3, multiplier: 2, padding: same)").Args);
        Assert.Equal(OpKind.DepthwiseConv2D, Layer("depthwise_conv2d(3)").Op);
        var sep = Layer("separable_conv2d(64, 3, stride: 2, activation: relu)");
        Assert.Equal(OpKind.SeparableConv2D, sep.Op);
        Assert.Equal(new LayerArgs { Filters = 64, KernelH = 3, KernelW = 3, StrideH = 2, StrideW = 2, Activation = ActivationKind.ReLU }, sep.Args);
    }

    [Fact]
    public void TransposedConvolution()
    {
        var node = Layer("conv2d_transpose(8, 4, stride: 2, padding: 1, output_padding: 1)");
        Assert.Equal(OpKind.Conv2DTranspose, node.Op);
        Assert.Equal(new LayerArgs
        {
            Filters = 8, KernelH = 4, KernelW = 4, StrideH = 2, StrideW = 2, Padding = PaddingMode.Explicit,
            PadTop = 1, PadBottom = 1, PadLeft = 1, PadRight = 1, OutputPadding = 1,
        }, node.Args);
    }

    [Fact]
    public void PoolStrideDefaultsToSize()
    {
        var max = Layer("maxpool2d(3)");
        Assert.Equal(OpKind.MaxPool2D, max.Op);
        Assert.Equal(new LayerArgs { KernelH = 3, KernelW = 3, StrideH = 3, StrideW = 3 }, max.Args);
        var avg = Layer("avgpool2d(2x3, stride: 1, padding: same, ceil: true)");
        Assert.Equal(OpKind.AvgPool2D, avg.Op);
        Assert.Equal(new LayerArgs { KernelH = 2, KernelW = 3, StrideH = 1, StrideW = 1, Padding = PaddingMode.Same, CeilMode = true }, avg.Args);
    }

    [Fact]
    public void ShapeLayers()
    {
        Assert.Equal(new LayerArgs { KeepDims = true }, Layer("global_avgpool(keepdims: true)").Args);
        Assert.Equal(OpKind.GlobalAvgPool, Layer("global_avgpool").Op);
        Assert.Equal(OpKind.Flatten, Layer("flatten").Op);
        Assert.Equal(new LayerArgs(), Layer("flatten()").Args);
        var up = Layer("upsample(2, mode: bilinear)");
        Assert.Equal(OpKind.Upsample, up.Op);
        Assert.Equal(new LayerArgs { ScaleH = 2, ScaleW = 2, Mode = NetGen.Generator.Model.UpsampleMode.Bilinear }, up.Args);
        Assert.Equal((1, 3), (Layer("upsample(1x3)").Args.ScaleH, Layer("upsample(1x3)").Args.ScaleW));
    }

    [Fact]
    public void DenseDropoutNormalisation()
    {
        Assert.Equal(new LayerArgs { Units = 10, Bias = false, Activation = ActivationKind.Softmax }, Layer("dense(10, bias: false, activation: softmax)", "8").Args);
        Assert.Equal(new LayerArgs { Rate = 0.5 }, Layer("dropout(0.5)").Args);
        Assert.Equal(0, Layer("dropout(0)").Args.Rate);
        Assert.Equal(new LayerArgs(), Layer("batchnorm").Args);
        Assert.Equal(new LayerArgs { Epsilon = 1e-3, Momentum = 0.01 }, Layer("batchnorm(epsilon: 1e-3, momentum: 0.01)").Args);
        Assert.Equal(new LayerArgs { Scale = false }, Layer("batchnorm(scale: false)").Args);
        Assert.Equal(new LayerArgs { Center = false }, Layer("batchnorm(center: false, scale: true)").Args);
        Assert.Equal(new LayerArgs { Scale = false, Center = false }, Layer("batchnorm(scale: false, center: false)").Args);
        Assert.Equal(new LayerArgs { Radius = 2, LrnBias = 2, LrnAlpha = 1e-4, LrnBeta = 0.75 }, Layer("lrn(2, bias: 2)").Args);
        Assert.Equal(OpKind.LocalResponseNorm, Layer("lrn(5, alpha: 0.0001, beta: 0.5)").Op);
    }

    [Theory]
    [InlineData("relu", OpKind.ReLU, ActivationKind.ReLU, 0.0)]
    [InlineData("sigmoid", OpKind.Sigmoid, ActivationKind.Sigmoid, 0.0)]
    [InlineData("tanh", OpKind.Tanh, ActivationKind.Tanh, 0.0)]
    [InlineData("softmax", OpKind.Softmax, ActivationKind.Softmax, 0.0)]
    [InlineData("leaky_relu", OpKind.LeakyReLU, ActivationKind.LeakyReLU, 0.01)]
    [InlineData("leaky_relu(alpha: 0.2)", OpKind.LeakyReLU, ActivationKind.LeakyReLU, 0.2)]
    [InlineData("elu", OpKind.ELU, ActivationKind.ELU, 1.0)]
    [InlineData("elu(alpha: 0.5)", OpKind.ELU, ActivationKind.ELU, 0.5)]
    public void ActivationNodes(string layer, OpKind op, ActivationKind activation, double alpha)
    {
        var node = Layer(layer);
        Assert.Equal(op, node.Op);
        Assert.Equal(new LayerArgs { Activation = activation, Alpha = alpha }, node.Args);
    }

    [Fact]
    public void BlockParametersInIntegerExpressions()
    {
        var net = Cnn.Network("""
            block bottleneck(width, stride = 1, expansion = 4) {
                c1: conv2d(width, 1)
                c2: conv2d(width, 3, stride: stride, padding: 1)
                c3: conv2d(width * expansion, 1)
                c4: conv2d((width + 2) * 2 - width / 3, 1)
            }
            network B {
                input 64x56x56
                b: bottleneck(64, stride: 2)
            }
            """);
        Assert.Equal(256, Cnn.Node(net, "b.c3").Args.Filters);
        Assert.Equal(2, Cnn.Node(net, "b.c2").Args.StrideH);
        Assert.Equal((64 + 2) * 2 - 64 / 3, Cnn.Node(net, "b.c4").Args.Filters);
    }

    [Fact]
    public void BudgetsWithUnitsAndLocations()
    {
        const string text = "network B {\n input 8\n budget params 1.5M\n budget inference 2MiB\n budget training 3GB\n dense(2)\n}";
        var net = Cnn.Network(text);
        Assert.Equal(1_500_000L, net.Budgets.MaxParams);
        Assert.Equal(2L * 1024 * 1024, net.Budgets.MaxInferenceBytes);
        Assert.Equal(3_000_000_000L, net.Budgets.MaxTrainingBytes);
        Assert.Equal("budget params 1.5M", text.Substring(net.Budgets.MaxParamsLocation!.Start, net.Budgets.MaxParamsLocation.Length));
        Assert.Equal(3, net.Budgets.MaxInferenceLocation!.StartLine);
        Assert.Equal(4, net.Budgets.MaxTrainingLocation!.StartLine);
    }

    [Theory]
    [InlineData("budget params 250", 250L)]
    [InlineData("budget params 7K", 7_000L)]
    [InlineData("budget params 2G", 2_000_000_000L)]
    [InlineData("budget inference 512B", 512L)]
    [InlineData("budget inference 1KB", 1_000L)]
    [InlineData("budget inference 1.5MB", 1_500_000L)]
    [InlineData("budget inference 1KiB", 1_024L)]
    [InlineData("budget inference 1GiB", 1_073_741_824L)]
    [InlineData("budget inference 1e3KB", 1_000_000L)]
    public void BudgetUnits(string line, long expected)
    {
        var budgets = Cnn.Network("network B {\n input 8\n " + line + "\n dense(2)\n}").Budgets;
        Assert.Equal(expected, budgets.MaxParams ?? budgets.MaxInferenceBytes);
    }

    [Fact]
    public void OptimizerWords()
    {
        Assert.Equal(OptimizerKind.Sgd, Cnn.Network("network O {\n input 8\n optimizer sgd\n dense(2)\n}").Optimizer);
        Assert.Equal(OptimizerKind.None, Cnn.Network("network O {\n input 8\n optimizer none\n dense(2)\n}").Optimizer);
    }
}
