using System.Collections.Generic;
using System.IO;
using System.Linq;
using NetGen.Generator.Model;
using NetGen.Onnx;
using NetGen.Runtime.Tests.Onnx;
using Xunit;

namespace NetGen.Generator.Tests.Samples;

/// <summary>
/// samples/TransferLearning: the .cnn description of the CNTK ResNet-18 analyses cleanly, and
/// the weight map binds every ONNX initializer to a parameter of that network, with the shape
/// the analysed IR implies and the wiring of the ONNX graph.
/// </summary>
public class TransferLearningTests
{
    private static readonly string MapPath = Path.Combine(SampleFiles.RepositoryRoot, "samples", "TransferLearning", "resnet18.onnx-map.txt");

    [Fact]
    public void ResNet18_analyses_to_the_onnx_models_shapes_and_counts()
    {
        var analysis = SampleFiles.Analyze("TransferLearning/ResNet18.cnn");
        Assert.Equal(Shape.Chw(3, 224, 224), analysis.Network.InputShape);
        Assert.Equal(Shape.Vector(512), analysis.OutputShape);            // ONNX: 1x512x1x1
        // The sum of the ONNX initializers' elements (see ResNet18OnnxTests).
        Assert.Equal(15_908_800, analysis.TotalParams);
        Assert.Equal(11_648, analysis.Statistics);
    }

    [Fact]
    public void Every_onnx_initializer_binds_with_the_shape_the_network_implies()
    {
        var analysis = SampleFiles.Analyze("TransferLearning/ResNet18.cnn");
        var shapes = ExpectedShapes(analysis);
        Assert.Equal(analysis.TotalParams, shapes.Values.Sum(s => s.Aggregate(1L, (a, d) => a * d)));

        var model = PretrainedFiles.ResNet18;
        var bound = OnnxImport.Bind(model, OnnxWeightMap.Load(MapPath), shapes);

        Assert.Equal(110, bound.Count);
        Assert.Equal(model.Graph.Initializers["Parameter91"].FloatData, bound["conv1.weight"]);
    }

    [Fact]
    public void The_map_follows_the_onnx_graphs_wiring()
    {
        var analysis = SampleFiles.Analyze("TransferLearning/ResNet18.cnn");
        var nodes = analysis.Network.Nodes;
        var graph = PretrainedFiles.ResNet18.Graph;
        var parameterOf = OnnxWeightMap.Load(MapPath).Entries.ToDictionary(e => e.OnnxName, e => e.ParameterName!);

        // Each ONNX Conv/BatchNormalization node is the IR node its weights map to, with the
        // tensors in the operator's input order.
        var irNodeOf = new Dictionary<OnnxNode, string>();
        foreach (var n in graph.Nodes.Where(n => n.OpType is "Conv" or "BatchNormalization"))
        {
            string[] suffixes = n.OpType == "Conv" ? new[] { "weight" } : new[] { "weight", "bias", "running_mean", "running_var" };
            string owner = parameterOf[n.Inputs[1]][..^".weight".Length];
            for (int i = 0; i < suffixes.Length; i++) Assert.Equal(owner + "." + suffixes[i], parameterOf[n.Inputs[i + 1]]);
            var irNode = Assert.Single(nodes, x => x.Name == owner);
            Assert.Equal(n.OpType == "Conv" ? OpKind.Conv2D : OpKind.BatchNorm, irNode.Op);
            irNodeOf[n] = owner;
        }

        // ... and reads from the same parameterised layers (through ReLU, Add and pooling) in both graphs.
        var producer = graph.Nodes.SelectMany(n => n.Outputs.Select(o => (o, n))).ToDictionary(x => x.o, x => x.n);
        foreach (var (onnxNode, name) in irNodeOf)
        {
            var irNode = nodes.Single(x => x.Name == name);
            Assert.Equal(IrSources(nodes, irNode.Inputs), OnnxSources(graph, producer, irNodeOf, onnxNode.Inputs[0]));
        }
        Assert.Equal(IrSources(nodes, new[] { analysis.Network.Output }), OnnxSources(graph, producer, irNodeOf, graph.Outputs[0].Name));
    }

    /// <summary>Parameter shapes in PyTorch's layouts from the analysed IR: conv (K, C/groups, R, S), bias (K), batch norm (C), dense (units, in).</summary>
    internal static Dictionary<string, int[]> ExpectedShapes(NetworkAnalysis analysis)
    {
        var shapes = new Dictionary<string, int[]>();
        var nodes = analysis.Network.Nodes;
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            var args = node.Args;
            if (!analysis.Layers[i].Computed || analysis.Layers[i].Params == 0) continue;
            int inC = node.Inputs.Count > 0 ? analysis.Layers[node.Inputs[0]].Output.C : 0;
            switch (node.Op)
            {
                case OpKind.Conv2D:
                    shapes[node.Name + ".weight"] = new[] { args.Filters, inC / args.Groups, args.KernelH, args.KernelW };
                    if (args.Bias) shapes[node.Name + ".bias"] = new[] { args.Filters };
                    break;
                case OpKind.BatchNorm:
                    int c = analysis.Layers[i].Output.C;
                    foreach (var suffix in new[] { "weight", "bias", "running_mean", "running_var" }) shapes[node.Name + "." + suffix] = new[] { c };
                    break;
                case OpKind.Dense:
                    shapes[node.Name + ".weight"] = new[] { args.Units, (int)analysis.Layers[node.Inputs[0]].Output.Elements };
                    if (args.Bias) shapes[node.Name + ".bias"] = new[] { args.Units };
                    break;
                default:
                    Assert.Fail($"node '{node.Name}' ({node.Op}) has parameters this test does not lay out");
                    break;
            }
        }
        return shapes;
    }

    /// <summary>The nearest Conv2D/BatchNorm nodes (or "input") upstream of these IR nodes.</summary>
    private static SortedSet<string> IrSources(EquatableArray<Node> nodes, IEnumerable<int> inputs)
    {
        var result = new SortedSet<string>();
        foreach (int j in inputs)
        {
            var n = nodes[j];
            if (n.Op == OpKind.Input) result.Add("input");
            else if (n.Op is OpKind.Conv2D or OpKind.BatchNorm) result.Add(n.Name);
            else result.UnionWith(IrSources(nodes, n.Inputs));
        }
        return result;
    }

    /// <summary>The same for an ONNX value, named by the IR nodes the map assigns.</summary>
    private static SortedSet<string> OnnxSources(OnnxGraph graph, Dictionary<string, OnnxNode> producer, Dictionary<OnnxNode, string> irNodeOf, string value)
    {
        var result = new SortedSet<string>();
        if (!producer.TryGetValue(value, out var p))
        {
            result.Add("input");
            return result;
        }
        if (irNodeOf.TryGetValue(p, out var name))
        {
            result.Add(name);
            return result;
        }
        foreach (string input in p.Inputs.Where(i => !graph.Initializers.ContainsKey(i)))
            result.UnionWith(OnnxSources(graph, producer, irNodeOf, input));
        return result;
    }
}
