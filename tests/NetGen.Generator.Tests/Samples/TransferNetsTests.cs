using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;
using NetGen.Onnx;
using NetGen.Runtime.Tests.Onnx;
using Xunit;

namespace NetGen.Generator.Tests.Samples;

/// <summary>
/// samples/TransferLearning/TransferNets.cnn, the networks of the transfer-learning program: the
/// frozen base and the last stage split ResNet18.cnn's parameters between them (every tensor
/// once, same names and shapes), so the pretrained weights bind to the split as to the whole; the
/// trainable networks add only the new head, and only the base and last-stage extractors are frozen.
/// </summary>
public class TransferNetsTests
{
    private static readonly Dictionary<string, NetworkAnalysis> Nets = SampleFiles.AnalyzeAll("TransferLearning/TransferNets.cnn");

    [Fact]
    public void Networks_have_the_112_pixel_shapes_the_program_relies_on()
    {
        Assert.Equal(new[] { "ResNet18Base", "ResNet18Scratch", "ResNet18Stage4", "ResNet18Top", "TransferHead" }, Nets.Keys.OrderBy(k => k, System.StringComparer.Ordinal));
        Assert.Equal((Shape.Chw(3, 112, 112), Shape.Chw(256, 7, 7)), InOut("ResNet18Base"));
        Assert.Equal((Shape.Chw(256, 7, 7), Shape.Vector(512)), InOut("ResNet18Stage4"));
        Assert.Equal((Shape.Vector(512), Shape.Vector(10)), InOut("TransferHead"));
        Assert.Equal((Shape.Chw(256, 7, 7), Shape.Vector(10)), InOut("ResNet18Top"));
        Assert.Equal((Shape.Chw(3, 112, 112), Shape.Vector(10)), InOut("ResNet18Scratch"));
    }

    [Fact]
    public void Base_and_last_stage_hold_exactly_the_pretrained_networks_parameters()
    {
        var whole = TransferLearningTests.ExpectedShapes(SampleFiles.Analyze("TransferLearning/ResNet18.cnn"));
        var baseShapes = Shapes("ResNet18Base");
        var stage4 = Shapes("ResNet18Stage4");
        Assert.Empty(baseShapes.Keys.Intersect(stage4.Keys));
        var split = baseShapes.Concat(stage4).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(whole.Keys.OrderBy(k => k, System.StringComparer.Ordinal), split.Keys.OrderBy(k => k, System.StringComparer.Ordinal));
        foreach (var (name, shape) in whole) Assert.True(shape.SequenceEqual(split[name]), $"{name}: {string.Join("x", shape)} in ResNet18.cnn, {string.Join("x", split[name])} in TransferNets.cnn");

        // The head: the only tensors the trainable networks add.
        Assert.Equal(new[] { "fc.bias", "fc.weight" }, Shapes("TransferHead").Keys.OrderBy(k => k, System.StringComparer.Ordinal));
        Assert.Equal(stage4.Keys.Append("fc.weight").Append("fc.bias").OrderBy(k => k, System.StringComparer.Ordinal),
            Shapes("ResNet18Top").Keys.OrderBy(k => k, System.StringComparer.Ordinal));
        Assert.Equal(whole.Keys.Append("fc.weight").Append("fc.bias").OrderBy(k => k, System.StringComparer.Ordinal),
            Shapes("ResNet18Scratch").Keys.OrderBy(k => k, System.StringComparer.Ordinal));
        Assert.Equal(new[] { 10, 512 }, Shapes("ResNet18Top")["fc.weight"]);

        // The 110 ONNX initializers bind to the split as the program binds them.
        var map = OnnxWeightMap.Load(System.IO.Path.Combine(SampleFiles.RepositoryRoot, "samples", "TransferLearning", "resnet18.onnx-map.txt"));
        Assert.Equal(110, OnnxImport.Bind(PretrainedFiles.ResNet18, map, split).Count);
    }

    [Fact]
    public void Only_the_feature_extractors_are_frozen()
    {
        foreach (var (name, analysis) in Nets)
        {
            var withParams = analysis.Network.Nodes.Where((n, i) => analysis.Layers[i].Params > 0).ToArray();
            Assert.NotEmpty(withParams);
            bool frozen = name is "ResNet18Base" or "ResNet18Stage4";
            Assert.All(withParams, n => Assert.True(n.Frozen == frozen, $"{name}.{n.Name}: frozen {n.Frozen}"));
        }
    }

    private static (Shape In, Shape Out) InOut(string network) => (Nets[network].Network.InputShape, Nets[network].OutputShape);

    private static Dictionary<string, int[]> Shapes(string network) => TransferLearningTests.ExpectedShapes(Nets[network]);
}
