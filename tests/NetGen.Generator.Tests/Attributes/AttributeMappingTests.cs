using NetGen.Generator.Model;
using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Attributes;

/// <summary>Attributes to IR: the same explicit values the .cnn front end produces for the same layers.</summary>
public class AttributeMappingTests
{
    private const string SmallNet = """
        using NetGen;

        namespace App.Models
        {
            [Network(3, 32, 32, Batch = 16, Optimizer = OptimizerType.Sgd, MaxParams = 1000000)]
            [Conv2D(16, 3, Padding = Padding.Same, Activation = Activation.ReLU, Name = "conv1")]
            [BatchNorm]
            [ReLU]
            [MaxPool2D(2)]
            [Conv2D(32, 5, Pad = 2, Stride = 2, Bias = false, Frozen = true)]
            [GlobalAvgPool]
            [Dropout(0.5)]
            [Dense(10, Activation = Activation.Softmax)]
            public partial class SmallNet { }
        }
        """;

    [Fact]
    public void A_chain_of_layer_attributes_becomes_a_chain_network()
    {
        var ir = AttributeFrontEndProbe.Network(SmallNet);

        Assert.Equal("SmallNet", ir.Name);
        Assert.Equal(new TargetClass("App.Models", "SmallNet", IsPartialUserClass: true, "public"), ir.Target);
        Assert.Equal(Shape.Chw(3, 32, 32), ir.InputShape);
        Assert.Equal(16, ir.Batch);
        Assert.Equal(OptimizerKind.Sgd, ir.Optimizer);
        Assert.Equal(1_000_000L, ir.Budgets.MaxParams);
        Assert.Null(ir.Budgets.MaxInferenceBytes);
        Assert.Null(ir.Budgets.MaxTrainingBytes);
        Assert.Equal(
            new[] { "input", "conv1", "batchnorm_1", "relu_1", "maxpool2d_1", "conv2d_1", "global_avgpool_1", "dropout_1", "dense_1" },
            ir.Nodes.Select(n => n.Name));
        Assert.Equal(
            new[] { OpKind.Input, OpKind.Conv2D, OpKind.BatchNorm, OpKind.ReLU, OpKind.MaxPool2D, OpKind.Conv2D, OpKind.GlobalAvgPool, OpKind.Dropout, OpKind.Dense },
            ir.Nodes.Select(n => n.Op));
        Assert.Empty(ir.Nodes[0].Inputs);
        for (int i = 1; i < ir.Nodes.Count; i++) Assert.Equal(new[] { i - 1 }, ir.Nodes[i].Inputs);
        Assert.Equal(ir.Nodes.Count - 1, ir.Output);
        Assert.Equal(new[] { 5 }, ir.Nodes.Select((n, i) => (n, i)).Where(x => x.n.Frozen).Select(x => x.i));
    }

    [Fact]
    public void Layer_arguments_are_explicit_with_the_documented_defaults()
    {
        var nodes = AttributeFrontEndProbe.Network(SmallNet).Nodes;

        Assert.Equal(new LayerArgs { Filters = 16, KernelH = 3, KernelW = 3, Padding = PaddingMode.Same, Activation = ActivationKind.ReLU }, nodes[1].Args);
        Assert.Equal(new LayerArgs { Epsilon = 1e-5, Momentum = 0.1 }, nodes[2].Args);
        Assert.Equal(new LayerArgs { Activation = ActivationKind.ReLU }, nodes[3].Args);
        Assert.Equal(new LayerArgs { KernelH = 2, KernelW = 2, StrideH = 2, StrideW = 2 }, nodes[4].Args);
        Assert.Equal(new LayerArgs
        {
            Filters = 32, KernelH = 5, KernelW = 5, StrideH = 2, StrideW = 2, Bias = false,
            Padding = PaddingMode.Explicit, PadTop = 2, PadBottom = 2, PadLeft = 2, PadRight = 2,
        }, nodes[5].Args);
        Assert.Equal(new LayerArgs { KeepDims = false }, nodes[6].Args);
        Assert.Equal(new LayerArgs { Rate = 0.5 }, nodes[7].Args);
        Assert.Equal(new LayerArgs { Units = 10, Activation = ActivationKind.Softmax }, nodes[8].Args);
    }

    [Fact]
    public void Every_layer_kind_maps_its_arguments()
    {
        var ir = AttributeFrontEndProbe.Network("""
            using NetGen;
            [Network(8, 16, 16, Optimizer = OptimizerType.None)]
            [DepthwiseConv2D(3, Multiplier = 2, StrideH = 2, Dilation = 2, Activation = Activation.LeakyReLU)]
            [SeparableConv2D(24, 1, 7, PadH = 0, PadW = 3, Bias = false)]
            [Conv2DTranspose(12, 4, Stride = 2, Padding = Padding.Same, OutputPadding = 1, Activation = Activation.ELU)]
            [AvgPool2D(3, Stride = 1, CeilMode = true)]
            [LocalResponseNorm(2, Bias = 2, Alpha = 2e-4, Beta = 0.5)]
            [Upsample(2, Mode = Interpolation.Bilinear)]
            [LeakyReLU]
            [LeakyReLU(0.2)]
            [ELU(0.5)]
            [Sigmoid, Tanh]
            [GlobalAvgPool(KeepDims = true)]
            [Flatten]
            [BatchNorm(Scale = false, Center = false)]
            [Softmax(Name = "probs")]
            internal partial class Zoo { }
            """);

        var args = ir.Nodes.Select(n => n.Args).ToArray();
        Assert.Equal(OptimizerKind.None, ir.Optimizer);
        Assert.Equal(new TargetClass("", "Zoo", true, "internal"), ir.Target);
        Assert.Equal(new LayerArgs
        {
            KernelH = 3, KernelW = 3, StrideH = 2, StrideW = 1, DilationH = 2, DilationW = 2, DepthMultiplier = 2,
            Activation = ActivationKind.LeakyReLU, Alpha = 0.01,
        }, args[1]);
        Assert.Equal(new LayerArgs
        {
            Filters = 24, KernelH = 1, KernelW = 7, Bias = false,
            Padding = PaddingMode.Explicit, PadTop = 0, PadBottom = 0, PadLeft = 3, PadRight = 3,
        }, args[2]);
        Assert.Equal(new LayerArgs
        {
            Filters = 12, KernelH = 4, KernelW = 4, StrideH = 2, StrideW = 2, Padding = PaddingMode.Same, OutputPadding = 1,
            Activation = ActivationKind.ELU, Alpha = 1.0,
        }, args[3]);
        Assert.Equal(new LayerArgs { KernelH = 3, KernelW = 3, StrideH = 1, StrideW = 1, CeilMode = true }, args[4]);
        Assert.Equal(new LayerArgs { Radius = 2, LrnBias = 2, LrnAlpha = 2e-4, LrnBeta = 0.5 }, args[5]);
        Assert.Equal(new LayerArgs { ScaleH = 2, ScaleW = 2, Mode = Model.UpsampleMode.Bilinear }, args[6]);
        Assert.Equal(new LayerArgs { Activation = ActivationKind.LeakyReLU, Alpha = 0.01 }, args[7]);
        Assert.Equal(new LayerArgs { Activation = ActivationKind.LeakyReLU, Alpha = 0.2 }, args[8]);
        Assert.Equal(new LayerArgs { Activation = ActivationKind.ELU, Alpha = 0.5 }, args[9]);
        Assert.Equal(new LayerArgs { Activation = ActivationKind.Sigmoid }, args[10]);
        Assert.Equal(new LayerArgs { Activation = ActivationKind.Tanh }, args[11]);
        Assert.Equal(new LayerArgs { KeepDims = true }, args[12]);
        Assert.Equal(new LayerArgs { Scale = false, Center = false }, args[14]);
        Assert.Equal(
            new[] { "input", "depthwise_conv2d_1", "separable_conv2d_1", "conv2d_transpose_1", "avgpool2d_1", "lrn_1", "upsample_1",
                "leaky_relu_1", "leaky_relu_2", "elu_1", "sigmoid_1", "tanh_1", "global_avgpool_1", "flatten_1", "batchnorm_1", "probs" },
            ir.Nodes.Select(n => n.Name));
    }

    [Fact]
    public void Vector_input_and_default_network_settings()
    {
        var ir = AttributeFrontEndProbe.Network("""
            [NetGen.Network(784)]
            [NetGen.Dense(10)]
            public partial class Mlp { }
            """);

        Assert.Equal(Shape.Vector(784), ir.InputShape);
        Assert.Equal(32, ir.Batch);
        Assert.Equal(OptimizerKind.Adam, ir.Optimizer);
        Assert.Equal(new Budgets(null, null, null), ir.Budgets);
    }

    [Fact]
    public void Nested_classes_keep_their_containing_classes_and_nodes_point_at_their_attributes()
    {
        const string source = """
            namespace Outer.Space
            {
                public static partial class Models
                {
                    [NetGen.Network(1, 28, 28, MaxTrainingBytes = 5000000)]
                    [NetGen.Conv2D(8, 3)]
                    [NetGen.Flatten]
                    internal partial class Lenet<T> { }
                }
            }
            """;
        var ir = AttributeFrontEndProbe.Network(source);

        Assert.Equal(new TargetClass("Outer.Space", "Models.Lenet<T>", true, "internal"), ir.Target);
        Assert.Equal(SourcePosition.Of(source, "NetGen.Conv2D"), ir.Nodes[1].Location!.ToDisplayString());
        Assert.Equal(SourcePosition.Of(source, "NetGen.Flatten"), ir.Nodes[2].Location!.ToDisplayString());
        Assert.Equal(SourcePosition.Of(source, "NetGen.Network"), ir.Location!.ToDisplayString());
        Assert.Equal(SourcePosition.Of(source, "MaxTrainingBytes"), ir.Budgets.MaxTrainingLocation!.ToDisplayString());
        Assert.Null(ir.Budgets.MaxParamsLocation);
    }

    [Fact]
    public void Layers_on_another_partial_declaration_follow_those_on_the_network_declaration()
    {
        var ir = AttributeFrontEndProbe.Network(
            """
            [NetGen.Network(3, 8, 8)]
            [NetGen.Conv2D(4, 3)]
            public partial class Split { }
            """,
            """
            [NetGen.MaxPool2D(2)]
            public partial class Split { }
            """);

        Assert.Equal(new[] { OpKind.Input, OpKind.Conv2D, OpKind.MaxPool2D }, ir.Nodes.Select(n => n.Op));
    }
}
