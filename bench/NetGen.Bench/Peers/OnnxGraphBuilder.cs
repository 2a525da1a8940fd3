using NetGen.Execution;

namespace NetGen.Bench.Peers;

/// <summary>
/// Writes an ONNX model (IR version 8, opset 13, float32, NCHW) node by node, with a
/// generated network's parameters as initializers under their own names ("conv1.weight"),
/// in the PyTorch layouts <see cref="INetwork.CopyParameter"/> gives, which are ONNX's.
/// Field numbers are onnx.proto's.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private const int AttributeInt = 2, AttributeInts = 7, TensorFloat = 1;

    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly INetwork _network;
    private int _nodeCount;

    /// <param name="network">The network whose parameters become initializers.</param>
    public OnnxGraphBuilder(INetwork network) => _network = network;

    /// <summary>Conv with the layer's weight and bias ("name.weight", "name.bias"), no padding, stride 1; returns its output.</summary>
    public string Conv(string layer, string input) =>
        Node("Conv", layer, [input, Parameter(layer + ".weight"), Parameter(layer + ".bias")]);

    /// <summary>Gemm computing x W^T + b with the layer's (out, in) weight; returns its output.</summary>
    public string Gemm(string layer, string input) =>
        Node("Gemm", layer, [input, Parameter(layer + ".weight"), Parameter(layer + ".bias")], Int("transB", 1));

    /// <summary>Relu; returns its output.</summary>
    public string Relu(string input) => Node("Relu", null, [input]);

    /// <summary>Max pool over square windows with the window as stride (floor mode); returns its output.</summary>
    public string MaxPool(string input, int window) =>
        Node("MaxPool", null, [input], Ints("kernel_shape", window, window), Ints("strides", window, window));

    /// <summary>Flatten to (N, everything else), channels first; returns its output.</summary>
    public string Flatten(string input) => Node("Flatten", null, [input], Int("axis", 1));

    /// <summary>Softmax over the last axis; returns its output.</summary>
    public string Softmax(string input) => Node("Softmax", null, [input], Int("axis", -1));

    /// <summary>
    /// The model bytes: input "input" of shape (N, inputShape...) with a symbolic batch N, the
    /// given output of shape (N, outputFeatures).
    /// </summary>
    public byte[] Build(string output, ReadOnlySpan<int> inputShape, int outputFeatures)
    {
        var graph = new ProtoWriter();
        foreach (var node in _nodes) graph.Message(1, node);
        graph.String(2, "netgen_bench");
        foreach (var tensor in _initializers) graph.Message(5, tensor);
        graph.Message(11, ValueInfo("input", inputShape.ToArray()));
        graph.Message(12, ValueInfo(output, [outputFeatures]));
        return new ProtoWriter()
            .Varint(1, 8)
            .String(2, "NetGen.Bench")
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, "").Varint(2, 13))
            .ToArray();
    }

    private string Node(string opType, string? layer, string[] inputs, params ProtoWriter[] attributes)
    {
        string name = layer ?? $"{opType.ToLowerInvariant()}_{_nodeCount}";
        _nodeCount++;
        string output = name + "_out";
        var node = new ProtoWriter();
        foreach (string input in inputs) node.String(1, input);
        node.String(2, output).String(3, name).String(4, opType);
        foreach (var attribute in attributes) node.Message(5, attribute);
        _nodes.Add(node);
        return output;
    }

    /// <summary>Adds the parameter tensor as an initializer (raw little-endian floats); returns its name.</summary>
    private string Parameter(string name)
    {
        ParameterTensor? found = null;
        foreach (var tensor in _network.ParameterTable)
        {
            if (tensor.Name == name) found = tensor;
        }
        var table = found ?? throw new InvalidOperationException($"The network has no parameter '{name}' for the ONNX graph.");
        var values = new float[table.Length];
        _network.CopyParameter(name, values);
        var proto = new ProtoWriter();
        foreach (int dim in table.Shape) proto.Varint(1, dim);
        proto.Varint(2, TensorFloat).String(8, name).RawFloats(9, values);
        _initializers.Add(proto);
        return name;
    }

    private static ProtoWriter Int(string name, long value) =>
        new ProtoWriter().String(1, name).Varint(3, value).Varint(20, AttributeInt);

    private static ProtoWriter Ints(string name, params long[] values)
    {
        var attribute = new ProtoWriter().String(1, name);
        foreach (long v in values) attribute.Varint(8, v);
        return attribute.Varint(20, AttributeInts);
    }

    /// <summary>A float tensor value of shape (N, dims...), N symbolic.</summary>
    private static ProtoWriter ValueInfo(string name, int[] dims)
    {
        var shape = new ProtoWriter().Message(1, new ProtoWriter().String(2, "N"));
        foreach (int dim in dims) shape.Message(1, new ProtoWriter().Varint(1, dim));
        var tensorType = new ProtoWriter().Varint(1, TensorFloat).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
    }
}
