using NetGen.Generator.Model;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

public class ParserBasicsTests
{
    private const string ThreeConv = """
        # The textbook exercise: three strided 3x3 convolutions.
        namespace Samples.Exercises

        network ThreeConv {
            input 3x200x300                    # C x H x W of one sample
            batch 50                           # batch size of the training-memory constants
            optimizer adam

            conv1 = conv2d(100, 3, stride: 2, padding: same)
            conv2 = conv2d(200, 3, stride: 2, padding: same)
            conv3 = conv2d(400, 3, stride: 2, padding: same)
        }
        """;

    [Fact]
    public void SequentialNetworkBecomesAChain()
    {
        var file = Cnn.Parse(ThreeConv);
        Assert.Empty(file.Diagnostics);
        var net = Assert.Single(file.Networks);
        Assert.Equal("ThreeConv", net.Name);
        Assert.Equal(new TargetClass("Samples.Exercises", "ThreeConv", false), net.Target);
        Assert.Equal(Shape.Chw(3, 200, 300), net.InputShape);
        Assert.Equal(50, net.Batch);
        Assert.Equal(OptimizerKind.Adam, net.Optimizer);
        Assert.Equal(new[] { "input", "conv1", "conv2", "conv3" }, Cnn.Names(net));
        Assert.Equal(OpKind.Input, net.Nodes[0].Op);
        Assert.Equal(3, net.Output);
        for (int i = 1; i < 4; i++) Assert.Equal(new[] { i - 1 }, net.Nodes[i].Inputs.AsImmutableArray());
        var conv = net.Nodes[2];
        Assert.Equal(OpKind.Conv2D, conv.Op);
        Assert.Equal(new LayerArgs
        {
            Filters = 200, KernelH = 3, KernelW = 3, StrideH = 2, StrideW = 2, Padding = PaddingMode.Same,
        }, conv.Args);
    }

    [Fact]
    public void NodeLocationPointsAtTheLayerToken()
    {
        var net = Cnn.Network(ThreeConv);
        var location = net.Nodes[1].Location!;
        Assert.Equal("test.cnn", location.FilePath);
        Assert.Equal((8, 12), (location.StartLine, location.StartColumn));
        Assert.Equal("conv2d", ThreeConv.Substring(location.Start, location.Length));
    }

    [Fact]
    public void DefaultsWhenNotDeclared()
    {
        var net = Cnn.Network("network N {\n input 10\n dense(5)\n}");
        Assert.Equal(32, net.Batch);
        Assert.Equal(OptimizerKind.Adam, net.Optimizer);
        Assert.Equal(Shape.Vector(10), net.InputShape);
        Assert.Equal(new TargetClass("NetGen.Networks", "N", false), net.Target);
        Assert.Equal(Budgets.None, net.Budgets);
    }

    [Fact]
    public void DefaultNamespaceArgumentIsUsedWithoutANamespaceLine()
    {
        var file = Generator.Parsing.CnnParser.Parse("a.cnn", "network N {\n input 10\n dense(5)\n}", "My.App");
        Assert.Equal("My.App.N", file.Networks[0].Target.FullName);
    }

    [Fact]
    public void TinyResNetFromTheDocs()
    {
        var net = Cnn.Network("""
            block basic(filters) {                       # a reusable block; `in` is its input
                a = in -> conv1: conv2d(filters, 3, padding: 1, bias: false) -> bn1: batchnorm -> relu
                b = a -> conv2: conv2d(filters, 3, padding: 1, bias: false) -> bn2: batchnorm
                out = add(b, in) -> relu                 # residual add; the last statement is the block's output
            }

            network Tiny {
                input 3x32x32
                stem = conv2d(16, 3, padding: 1) -> relu
                layer1 = basic(16) * 2                   # two blocks in sequence: layer1.0, layer1.1
                head = layer1 -> global_avgpool -> dense(10)
            }
            """);
        Assert.Equal(new[]
        {
            "input", "stem",
            "layer1.0.conv1", "layer1.0.bn1", "layer1.0.a", "layer1.0.conv2", "layer1.0.bn2", "layer1.0.add_1", "layer1.0.out",
            "layer1.1.conv1", "layer1.1.bn1", "layer1.1.a", "layer1.1.conv2", "layer1.1.bn2", "layer1.1.add_1", "layer1.1.out",
            "global_avgpool_1", "head",
        }, Cnn.Names(net));
        Assert.Equal(new[] { "layer1.0.bn2", "stem" }, Cnn.Inputs(net, "layer1.0.add_1"));
        Assert.Equal(new[] { "layer1.1.bn2", "layer1.0.out" }, Cnn.Inputs(net, "layer1.1.add_1"));
        Assert.Equal(new[] { "layer1.1.out" }, Cnn.Inputs(net, "global_avgpool_1"));
        Assert.Equal(16, Cnn.Node(net, "layer1.1.conv2").Args.Filters);
        Assert.False(Cnn.Node(net, "layer1.1.conv2").Args.Bias);
        Assert.Equal(OpKind.ReLU, Cnn.Node(net, "layer1.0.a").Op);
        Assert.Equal(net.Nodes.Count - 1, net.Output);
    }
}
