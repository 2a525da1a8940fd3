using System.Collections.Generic;
using NetGen.Onnx;
using NetGen.Weights;
using Xunit;

namespace NetGen.Runtime.Tests.Onnx;

public class OnnxImportTests
{
    private static readonly OnnxModel Tiny = OnnxModel.Parse(TinyModel.Build(), "tiny.onnx");

    private static Dictionary<string, int[]> Expected() => new()
    {
        ["conv.weight"] = new[] { 2, 1, 3, 3 },
        ["bn.weight"] = new[] { 2 },
        ["bn.bias"] = new[] { 2 },
        ["bn.running_mean"] = new[] { 2 },
        ["bn.running_var"] = new[] { 2 },
    };

    private const string GoodMap = "W -> conv.weight\nscale -> bn.weight\nB -> bn.bias\nmean -> bn.running_mean\nvar -> bn.running_var\nshape -> -\n";

    [Fact]
    public void Binds_every_parameter_to_a_copy_of_its_tensor()
    {
        var bound = OnnxImport.Bind(Tiny, OnnxWeightMap.Parse(GoodMap, "map.txt"), Expected());
        Assert.Equal(new[] { "conv.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var" }, bound.Keys);
        Assert.Equal(TinyModel.ConvWeight, bound["conv.weight"]);
        Assert.Equal(new[] { 1f, 4f }, bound["bn.running_var"]);
        Assert.NotSame(Tiny.Graph.Initializers["W"].FloatData, bound["conv.weight"]);
    }

    [Fact]
    public void Lists_every_difference_at_once()
    {
        var expected = Expected();
        expected["conv.weight"] = new[] { 2, 3, 3, 1 };
        expected["fc.weight"] = new[] { 10, 2 };
        // scale is mapped to nothing the network has, B appears nowhere, "ghost" is not in the
        // model, shape is INT64.
        const string map = "W -> conv.weight\nscale -> bn.gamma\nmean -> bn.running_mean\nvar -> bn.running_var\nghost -> bn.bias\nshape -> fc.weight\n";
        var ex = Assert.Throws<WeightMismatchException>(() => OnnxImport.Bind(Tiny, OnnxWeightMap.Parse(map, "map.txt"), expected));
        Assert.Equal(new[]
        {
            "map.txt(2): 'bn.gamma' is not a parameter of the network",
            "map.txt(5): ONNX initializer 'ghost' is not in the model",
            "ONNX initializer 'B' FLOAT [2] is not in the map (map it, or to '-' to leave it out)",
            "map.txt(1): 'conv.weight' expects shape [2, 3, 3, 1] but ONNX initializer 'W' is [2, 1, 3, 3]",
            "parameter 'bn.weight' [2] has no entry in the map",
            "map.txt(6): 'fc.weight' needs FLOAT but ONNX initializer 'shape' is INT64 [2]",
        }, ex.Differences);
        Assert.StartsWith("tiny.onnx with map.txt: the tensors do not match the expected set (6 differences):", ex.Message);
    }
}
