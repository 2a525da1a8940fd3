using NetGen.Generator.Model;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary>Graphs: merges, forward references, cycles, unused nodes, topological order.</summary>
public class GraphTests
{
    [Fact]
    public void ResidualAddTakesBothBranches()
    {
        var net = Cnn.Network("""
            network R {
                input 16x8x8
                x = conv2d(16, 3, padding: same)
                y = x -> conv2d(16, 3, padding: same) -> relu
                sum = add(y, x) -> relu
            }
            """);
        // y's ReLU is fused into its convolution, which takes the chain's name; the add's ReLU stays a node.
        Assert.Equal(new[] { "input", "x", "y", "add_1", "sum" }, Cnn.Names(net));
        Assert.Equal(ActivationKind.ReLU, Cnn.Node(net, "y").Args.Activation);
        Assert.Equal(new[] { "y", "x" }, Cnn.Inputs(net, "add_1"));
        Assert.Equal(OpKind.Add, Cnn.Node(net, "add_1").Op);
    }

    [Fact]
    public void InceptionBranchesConcatenate()
    {
        var net = Cnn.Network("""
            block inception(c1, c3r, c3, c5r, c5, pool) {
                b1 = in -> conv2d(c1, 1) -> relu
                b2 = in -> conv2d(c3r, 1) -> relu -> conv2d(c3, 3, padding: same) -> relu
                b3 = in -> conv2d(c5r, 1) -> relu -> conv2d(c5, 5, padding: same) -> relu
                b4 = in -> maxpool2d(3, stride: 1, padding: same) -> conv2d(pool, 1) -> relu
                out = concat(b1, b2, b3, b4)
            }
            network G {
                input 192x28x28
                inc3a: inception(64, 96, 128, 16, 32, 32)
            }
            """);
        Assert.Equal(new[] { "inc3a.b1", "inc3a.b2", "inc3a.b3", "inc3a.b4" }, Cnn.Inputs(net, "inc3a.out"));
        Assert.Equal(OpKind.Concat, net.Nodes[net.Output].Op);
        Assert.Equal(new[] { "input" }, Cnn.Inputs(net, "inc3a.maxpool2d_1"));
        // Each ReLU fuses into its convolution; a branch's name goes to its last convolution.
        Assert.Equal((128, ActivationKind.ReLU), (Cnn.Node(net, "inc3a.b2").Args.Filters, Cnn.Node(net, "inc3a.b2").Args.Activation));
        Assert.Equal((16, ActivationKind.ReLU), (Cnn.Node(net, "inc3a.conv2d_4").Args.Filters, Cnn.Node(net, "inc3a.conv2d_4").Args.Activation));
        Assert.DoesNotContain(net.Nodes, node => node.Op == OpKind.ReLU);
        var pool = Cnn.Node(net, "inc3a.maxpool2d_1").Args;
        Assert.Equal((3, 3, 1, 1, PaddingMode.Same), (pool.KernelH, pool.KernelW, pool.StrideH, pool.StrideW, pool.Padding));
    }

    [Fact]
    public void SqueezeExcitationMultipliesByTheGate()
    {
        var net = Cnn.Network("""
            block se(channels, ratio = 16) {
                gate = in -> global_avgpool -> dense(channels / ratio, activation: relu) -> dense(channels, activation: sigmoid)
                out = multiply(in, gate)
            }
            network S {
                input 64x16x16
                features = conv2d(64, 3, padding: same) -> relu
                se1: se(64)
            }
            """);
        Assert.Equal(new[] { "features", "se1.gate" }, Cnn.Inputs(net, "se1.out"));
        Assert.Equal(4, Cnn.Node(net, "se1.dense_1").Args.Units);
        Assert.Equal(ActivationKind.ReLU, Cnn.Node(net, "se1.dense_1").Args.Activation);
        Assert.Equal(ActivationKind.Sigmoid, Cnn.Node(net, "se1.gate").Args.Activation);
        Assert.Equal(OpKind.Multiply, net.Nodes[net.Output].Op);
    }

    [Fact]
    public void ForwardReferenceIsOrderedTopologically()
    {
        var net = Cnn.Network("""
            network F {
                input 8
                out = add(a, b)
                a = input -> dense(4)
                b = input -> dense(4)
                output out
            }
            """);
        Assert.Equal(new[] { "input", "a", "b", "out" }, Cnn.Names(net));
        Assert.Equal(3, net.Output);
        Assert.Equal(new[] { 1, 2 }, net.Nodes[3].Inputs.AsImmutableArray());
    }

    [Fact]
    public void ForwardReferenceIntoABlockInstance()
    {
        var net = Cnn.Network("""
            block res() {
                y = in -> dense(4)
                out = add(y, in)
            }
            network F {
                input 8
                out = early -> res()
                early = input -> dense(4)
                output out
            }
            """);
        Assert.Equal(new[] { "input", "early", "out.y", "out.out" }, Cnn.Names(net));
        Assert.Equal(new[] { "early" }, Cnn.Inputs(net, "out.y"));
        Assert.Equal(new[] { "out.y", "early" }, Cnn.Inputs(net, "out.out"));
    }

    [Fact]
    public void MidChainMergeTakesThePipedValueFirst()
    {
        var net = Cnn.Network("network M {\n input 4x4x4\n a = conv2d(4, 1)\n b = a -> conv2d(4, 1) -> add(a) -> relu\n}");
        Assert.Equal(new[] { "conv2d_1", "a" }, Cnn.Inputs(net, "add_1"));
    }

    [Fact]
    public void CycleIsReportedAtTheForwardReference()
    {
        const string text = "network C {\n input 8\n a = b -> dense(8)\n b = a -> dense(8)\n}";
        var d = Cnn.Single(text, "NG0007", 3, 6, "b");
        Assert.Equal("The network graph has a cycle: a -> b -> a", Cnn.Message(d));
        Assert.Empty(Cnn.Parse(text).Networks);
    }

    [Fact]
    public void ThreeNodeCycleIsShownInDataFlowOrder()
    {
        const string text = "network C {\n input 8\n x = z -> dense(8)\n y = x -> dense(8)\n z = y -> dense(8)\n}";
        var d = Cnn.Single(text, "NG0007", 3, 6, "z");
        Assert.Equal("The network graph has a cycle: x -> y -> z -> x", Cnn.Message(d));
    }

    [Fact]
    public void SelfReferenceIsACycle()
    {
        var d = Cnn.Single("network C {\n input 8\n a = a -> dense(8)\n}", "NG0007", 3, 6, "a");
        Assert.Equal("The network graph has a cycle: a -> a", Cnn.Message(d));
    }

    [Fact]
    public void UnusedNodeIsWarnedAndDropped()
    {
        const string text = "network U {\n input 8\n side = dense(3)\n main = input -> dense(4)\n}";
        var file = Cnn.Parse(text);
        var d = Assert.Single(file.Diagnostics);
        Assert.Equal("NG0008", d.Id);
        Assert.Equal("Node 'side' does not contribute to the output 'main' and will not be computed", Cnn.Message(d));
        Assert.Equal((2, 8), (d.Location!.StartLine, d.Location.StartColumn));
        var net = Assert.Single(file.Networks);
        Assert.Equal(new[] { "input", "main" }, Cnn.Names(net));
        Assert.Equal(new[] { 0 }, net.Nodes[1].Inputs.AsImmutableArray());
    }

    [Fact]
    public void OutputSettingSelectsTheOutput()
    {
        var net = Cnn.Network("network O {\n input 8\n output logits\n logits = dense(10)\n softmax\n}");
        Assert.Equal("logits", net.Nodes[net.Output].Name);
        Assert.Equal(new[] { "input", "logits" }, Cnn.Names(net));
    }

    [Fact]
    public void DuplicateNameGivesTheFirstDeclaration()
    {
        var d = Cnn.Single("network D {\n input 8\n x = dense(4)\n x = dense(4)\n}", "NG0006", 4, 2, "x");
        Assert.Equal("Node 'x' is already declared at test.cnn(3,2)", Cnn.Message(d));
    }

    [Fact]
    public void UnknownReferenceNamesTheReferrer()
    {
        var d = Cnn.Single("network D {\n input 8\n x = dense(4)\n y = add(x, z)\n}", "NG0005", 4, 13, "z");
        Assert.Equal("'y' refers to 'z', which is not a node of this network", Cnn.Message(d));
    }
}
