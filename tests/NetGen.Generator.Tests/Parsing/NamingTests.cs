using NetGen.Generator.Model;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary>Node names: what weight files will use.</summary>
public class NamingTests
{
    [Fact]
    public void UnnamedNodesCountPerKindLikeKeras()
    {
        var net = Cnn.Network("network K {\n input 1x28x28\n conv2d(8, 3) -> batchnorm -> relu -> conv2d(8, 3) -> batchnorm -> relu\n maxpool2d(2) -> flatten -> dense(10) -> dropout(0.5)\n}");
        Assert.Equal(new[]
        {
            "input", "conv2d_1", "batchnorm_1", "relu_1", "conv2d_2", "batchnorm_2", "relu_2", "maxpool2d_1", "flatten_1", "dense_1", "dropout_1",
        }, Cnn.Names(net));
    }

    [Fact]
    public void GeneratedNamesSkipNamesTheUserChose()
    {
        var net = Cnn.Network("network K {\n input 8\n dense(4)\n dense_2 = dense(4)\n dense(4)\n}");
        Assert.Equal(new[] { "input", "dense_1", "dense_2", "dense_3" }, Cnn.Names(net));
    }

    [Fact]
    public void LabelsAndTargetsName()
    {
        var net = Cnn.Network("network K {\n input 8\n fc1: dense(4) -> drop1: dropout(0.5)\n logits = fc2: dense(2)\n}");
        Assert.Equal(new[] { "input", "fc1", "drop1", "fc2" }, Cnn.Names(net));
    }

    [Fact]
    public void StatementTargetAliasesALabelledLastNode()
    {
        var net = Cnn.Network("network K {\n input 8\n h = fc: dense(4)\n out = h -> dense(2)\n}");
        Assert.Equal(new[] { "fc" }, Cnn.Inputs(net, "out"));
    }

    [Fact]
    public void RepeatedLayers()
    {
        var net = Cnn.Network("network K {\n input 8\n dense(8) * 2\n deep = dense(8) * 3\n tail = deep -> dropout(0.5)\n}");
        Assert.Equal(new[] { "input", "dense_1", "dense_2", "deep.0", "deep.1", "deep.2", "tail" }, Cnn.Names(net));
        Assert.Equal(new[] { "deep.2" }, Cnn.Inputs(net, "tail"));
        Assert.Equal(new[] { "dense_2" }, Cnn.Inputs(net, "deep.0"));
    }

    [Fact]
    public void BlockInstancesPrefixTheirNodes()
    {
        var net = Cnn.Network("""
            block unit(f) {
                conv: conv2d(f, 3, padding: same) -> dropout(0.5)
            }
            block stage(f, n) {
                unit(f) * n
            }
            network K {
                input 3x8x8
                unit(4)
                unit(4)
                layer1 = stage(8, 2)
                named: unit(2)
            }
            """);
        Assert.Equal(new[]
        {
            "input", "unit_1.conv", "unit_1.dropout_1", "unit_2.conv", "unit_2.dropout_1",
            "layer1.unit_1.conv", "layer1.unit_1.dropout_1", "layer1.unit_2.conv", "layer1.unit_2.dropout_1",
            "named.conv", "named.dropout_1",
        }, Cnn.Names(net));
        Assert.Equal(new[] { "layer1.unit_2.dropout_1" }, Cnn.Inputs(net, "named.conv"));
    }

    [Fact]
    public void TorchvisionStyleStages()
    {
        var net = Cnn.Network("""
            block basic(filters, stride = 1) {
                a = in -> conv1: conv2d(filters, 3, stride: stride, padding: 1, bias: false) -> bn1: batchnorm -> relu
                out = a -> conv2: conv2d(filters, 3, padding: 1, bias: false) -> bn2: batchnorm -> relu
            }
            network R {
                input 64x56x56
                layer1 = basic(64) * 2
                layer2 = basic(128, stride: 2) * 2
            }
            """);
        Assert.Contains("layer2.1.bn2", Cnn.Names(net));
        Assert.Equal(new[] { "layer1.1.out" }, Cnn.Inputs(net, "layer2.0.conv1"));
        Assert.Equal(2, Cnn.Node(net, "layer2.0.conv1").Args.StrideH);
        Assert.Equal(2, Cnn.Node(net, "layer2.1.conv1").Args.StrideH);
    }

    [Fact]
    public void ANodeNamedLikeABlockIsTheChainSource()
    {
        var net = Cnn.Network("block stem() {\n conv2d(4, 3)\n}\nnetwork K {\n input 3x8x8\n stem: stem()\n head = stem -> maxpool2d(2)\n}");
        Assert.Equal(new[] { "input", "stem.conv2d_1", "head" }, Cnn.Names(net));
        Assert.Equal(new[] { "stem.conv2d_1" }, Cnn.Inputs(net, "head"));
    }

    [Fact]
    public void FrozenBlockFreezesEveryNode()
    {
        var net = Cnn.Network("block b(f) {\n conv2d(f, 1) -> conv2d(f, 1)\n}\nnetwork K {\n input 3x4x4\n backbone: b(4, frozen: true)\n head = conv2d(2, 1)\n}");
        Assert.True(Cnn.Node(net, "backbone.conv2d_1").Frozen);
        Assert.True(Cnn.Node(net, "backbone.conv2d_2").Frozen);
        Assert.False(Cnn.Node(net, "head").Frozen);
    }

    [Fact]
    public void WordParametersPassThrough()
    {
        var net = Cnn.Network("block b(act, pad = same) {\n conv2d(4, 3, padding: pad, activation: act)\n}\nnetwork K {\n input 3x4x4\n b(tanh)\n}");
        var args = net.Nodes[1].Args;
        Assert.Equal((ActivationKind.Tanh, PaddingMode.Same), (args.Activation, args.Padding));
    }

    [Fact]
    public void NetworkLocalBlocksAndSeveralNetworks()
    {
        var file = Cnn.Parse("""
            block shared(f) {
                dense(f)
            }
            network A {
                input 4
                block own(f) {
                    dense(f) -> dropout(0.5)
                }
                own(3) -> shared(2)
            }
            network B {
                input 4
                shared(5)
            }
            """);
        Assert.Empty(file.Diagnostics);
        Assert.Equal(2, file.Networks.Count);
        Assert.Equal(new[] { "input", "own_1.dense_1", "own_1.dropout_1", "shared_1.dense_1" }, Cnn.Names(file.Networks[0]));
        Assert.Equal(5, file.Networks[1].Nodes[1].Args.Units);
    }
}
