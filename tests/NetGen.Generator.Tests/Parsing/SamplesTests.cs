using NetGen.Generator.Model;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary>The fuzz test's starting points are themselves valid and mean what they say.</summary>
public class SamplesTests
{
    [Fact]
    public void ResNet18HasTorchvisionsLayers()
    {
        var net = Cnn.Network(CnnSamples.ResNet18);
        // stem 3 + maxpool + 2 basic (7 nodes each) + 3 x (down 9 + basic 7) + avgpool + fc, plus the input.
        Assert.Equal(1 + 4 + 14 + 48 + 2, net.Nodes.Count);
        Assert.Equal(new[] { "layer1.1.out" }, Cnn.Inputs(net, "down_1.conv1"));
        Assert.Equal(new[] { "down_1.bn2", "down_1.skip" }, Cnn.Inputs(net, "down_1.add_1"));
        Assert.Equal(new[] { "layer1.1.out" }, Cnn.Inputs(net, "down_1.downsample"));
        Assert.Equal(2, Cnn.Node(net, "down_3.downsample").Args.StrideH);
        Assert.Equal(512, Cnn.Node(net, "layer4.conv2").Args.Filters);
        Assert.Equal(new Budgets(12_000_000, null, 8L << 30, net.Budgets.MaxParamsLocation, null, net.Budgets.MaxTrainingLocation), net.Budgets);
        Assert.Equal((64, OptimizerKind.Sgd), (net.Batch, net.Optimizer));
        Assert.Equal("fc", net.Nodes[net.Output].Name);
    }

    [Fact]
    public void EverySampleParsesCleanlyExceptTheDeliberatelyUnusedBranch()
    {
        foreach (var text in new[] { CnnSamples.ThreeConv, CnnSamples.ResNet18, CnnSamples.Inception })
            Assert.Empty(Cnn.Parse(text).Diagnostics);
        var se = Cnn.Parse(CnnSamples.SqueezeExcitation);
        Assert.All(se.Diagnostics, d => Assert.Equal("NG0008", d.Id));
        Assert.Equal(3, se.Diagnostics.Count); // aux: upsample, conv2d_transpose, leaky_relu
        var net = Assert.Single(se.Networks);
        Assert.Equal("head", net.Nodes[net.Output].Name);
        Assert.Equal(new[] { "body.2.s.out", "body.1.out" }, Cnn.Inputs(net, "body.2.add_1"));
    }
}
