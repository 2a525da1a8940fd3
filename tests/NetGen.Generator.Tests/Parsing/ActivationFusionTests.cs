using NetGen.Generator.Analysis;
using NetGen.Generator.Model;
using NetGen.Generator.Tests.Analysis;
using NetGen.Generator.Tests.Attributes;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary>
/// An activation node after a convolution or dense layer fuses into it, as <c>activation:</c>
/// does, and the chain's name goes to the layer with weights.
/// </summary>
public class ActivationFusionTests
{
    /// <summary>The graph without locations: what the code and the weight names depend on.</summary>
    private static string Shape(NetworkIR n) => string.Join("; ", n.Nodes.Select(node =>
        node.Name + " " + node.Op + " [" + string.Join(",", node.Inputs.AsImmutableArray()) + "] " + (node.Args with { }) + " " + node.Frozen)) +
        " -> " + n.Output;

    [Fact]
    public void A_named_chain_and_its_attribute_twins_are_the_same_graph_with_the_same_memory()
    {
        var cnn = Cnn.Network("network Net {\n input 3x12x12\n batch 8\n conv1 = conv2d(8, 3) -> relu\n head = flatten -> dense(10)\n}");
        var fused = AttributeFrontEndProbe.Network("""
            [NetGen.Network(3, 12, 12, Batch = 8)]
            [NetGen.Conv2D(8, 3, Activation = NetGen.Activation.ReLU, Name = "conv1")]
            [NetGen.Flatten]
            [NetGen.Dense(10, Name = "head")]
            public partial class Net { }
            """);
        var separate = AttributeFrontEndProbe.Network("""
            [NetGen.Network(3, 12, 12, Batch = 8)]
            [NetGen.Conv2D(8, 3, Name = "conv1")]
            [NetGen.ReLU]
            [NetGen.Flatten]
            [NetGen.Dense(10, Name = "head")]
            public partial class Net { }
            """);
        Assert.Equal(new[] { "input", "conv1", "flatten_1", "head" }, Cnn.Names(cnn));
        Assert.Equal(Shape(fused), Shape(cnn));
        Assert.Equal(Shape(fused), Shape(separate));
        var a = TestIr.Analyze(cnn);
        var b = TestIr.Analyze(fused);
        Assert.Equal((b.InferencePlan.Bytes, b.Training.Total), (a.InferencePlan.Bytes, a.Training.Total));
    }

    [Fact]
    public void Fusing_saves_the_activation_node_s_training_memory()
    {
        var fused = TestIr.Analyze(Cnn.Network("network N {\n input 3x16x16\n batch 4\n c = conv2d(8, 3) -> relu\n flatten -> dense(2)\n}"));
        // The graph the chain was before fusion: the ReLU keeps its own output for the backward.
        var ir = TestIr.Chw(3, 16, 16);
        ir.Then("conv2d_1", OpKind.Conv2D, TestIr.Conv(8, 3));
        ir.Then("c", OpKind.ReLU, new LayerArgs { Activation = ActivationKind.ReLU });
        ir.Then("flatten_1", OpKind.Flatten);
        ir.Then("dense_1", OpKind.Dense, TestIr.Dense(2));
        var apart = TestIr.Analyze(ir.Build(batch: 4, optimizer: OptimizerKind.Adam));
        // One (8, 14, 14) tensor per sample fewer.
        Assert.Equal(4L * 8 * 14 * 14 * 4, apart.Training.Activations - fused.Training.Activations);
    }

    [Fact]
    public void A_label_on_the_layer_keeps_its_name_and_the_activation_s_name_refers_to_the_fused_node()
    {
        var net = Cnn.Network("network N {\n input 3x8x8\n a = conv1: conv2d(4, 3) -> relu\n b = a -> conv2d(4, 1)\n c = add(b, a)\n}");
        Assert.Equal(new[] { "input", "conv1", "b", "c" }, Cnn.Names(net));
        Assert.Equal(ActivationKind.ReLU, Cnn.Node(net, "conv1").Args.Activation);
        Assert.Equal(new[] { "b", "conv1" }, Cnn.Inputs(net, "c"));
        Assert.Equal(new[] { "conv1" }, Cnn.Inputs(net, "b"));
    }

    [Fact]
    public void An_activation_fuses_only_into_a_layer_it_alone_reads_that_has_no_activation_of_its_own()
    {
        var net = Cnn.Network("""
            network N {
                input 3x8x8
                shared = conv2d(4, 3, padding: same)            # read by the relu and the add
                r = shared -> relu
                s = add(r, shared)
                own = conv2d(4, 1, activation: tanh) -> relu    # has its own activation
                pooled = maxpool2d(2) -> relu                   # no weights
                sw = conv2d(4, 1) -> silu                       # fuses: the layer keeps its pre-activation
                flatten
                logits = dense(3) -> softmax
            }
            """);
        Assert.Equal(new[] { "input", "shared", "r", "s", "conv2d_1", "own", "maxpool2d_1", "pooled", "sw", "flatten_1", "logits" },
            Cnn.Names(net));
        Assert.Equal(ActivationKind.None, Cnn.Node(net, "shared").Args.Activation);
        Assert.Equal(ActivationKind.Softmax, Cnn.Node(net, "logits").Args.Activation);
        Assert.Equal(ActivationKind.SiLU, Cnn.Node(net, "sw").Args.Activation);
        Assert.Equal(OpKind.Dense, net.Nodes[net.Output].Op);
    }

    [Theory]
    [InlineData("hardswish", ActivationKind.HardSwish)]
    [InlineData("silu", ActivationKind.SiLU)]
    [InlineData("swish", ActivationKind.SiLU)]
    [InlineData("gelu", ActivationKind.GELU)]
    [InlineData("gelu(approximate: tanh)", ActivationKind.GELUTanh)]
    [InlineData("mish", ActivationKind.Mish)]
    public void Activations_that_need_the_pre_activation_fuse_like_the_argument(string layer, ActivationKind kind)
    {
        var chain = Cnn.Network("network N {\n input 3x8x8\n c = conv2d(4, 3) -> " + layer + "\n flatten\n dense(2)\n}");
        string word = layer.StartsWith("gelu(", System.StringComparison.Ordinal) ? "gelu_tanh" : layer;
        var argument = Cnn.Network("network N {\n input 3x8x8\n c: conv2d(4, 3, activation: " + word + ")\n flatten\n dense(2)\n}");
        Assert.Equal(kind, Cnn.Node(chain, "c").Args.Activation);
        Assert.Equal(Cnn.Names(argument), Cnn.Names(chain));
        Assert.Equal(kind, Cnn.Node(argument, "c").Args.Activation);
    }

    [Fact]
    public void The_activation_s_own_values_carry_over()
    {
        var net = Cnn.Network("network N {\n input 8\n a = dense(4) -> leaky_relu(alpha: 0.2)\n b = dense(4) -> leaky_relu(alpha: 0)\n c = dense(4) -> elu(alpha: 0.5)\n d = dense(4) -> hardsigmoid\n}");
        Assert.Equal((ActivationKind.LeakyReLU, 0.2), (Cnn.Node(net, "a").Args.Activation, Cnn.Node(net, "a").Args.Alpha));
        // A zero slope is a ReLU (a fused leaky ReLU without a slope takes 0.01).
        Assert.Equal((ActivationKind.ReLU, 0.0), (Cnn.Node(net, "b").Args.Activation, Cnn.Node(net, "b").Args.Alpha));
        Assert.Equal((ActivationKind.ELU, 0.5), (Cnn.Node(net, "c").Args.Activation, Cnn.Node(net, "c").Args.Alpha));
        Assert.Equal(ActivationKind.HardSigmoid, Cnn.Node(net, "d").Args.Activation);
        Assert.Equal(5, net.Nodes.Count);
    }

    [Fact]
    public void Attribute_names_follow_the_same_rule()
    {
        var net = AttributeFrontEndProbe.Network("""
            [NetGen.Network(8)]
            [NetGen.Dense(4)]
            [NetGen.ReLU(Name = "hidden")]
            [NetGen.Dense(4, Name = "fc")]
            [NetGen.Tanh(Name = "act")]
            public partial class Net { }
            """);
        Assert.Equal(new[] { "input", "hidden", "fc" }, Cnn.Names(net));
        Assert.Equal(ActivationKind.Tanh, net.Nodes[2].Args.Activation);
    }
}
