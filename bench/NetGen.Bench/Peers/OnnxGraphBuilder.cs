using NetGen.Execution;
using NetGen.Onnx.Export;

namespace NetGen.Bench.Peers;

/// <summary>
/// Writes an ONNX model (IR version 8, opset 13, float32, NCHW) node by node, with a
/// generated network's parameters as initializers under their own names ("conv1.weight"),
/// in the PyTorch layouts <see cref="INetwork.CopyParameter"/> gives, which are ONNX's.
/// The protobuf is the exporter's writer (src/NetGen.Onnx.Export/OnnxWriter.cs, linked in).
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly OnnxGraphWriter _graph = new();
    private readonly INetwork _network;
    private int _nodeCount;

    /// <param name="network">The network whose parameters become initializers.</param>
    public OnnxGraphBuilder(INetwork network) => _network = network;

    /// <summary>Conv with the layer's weight and bias ("name.weight", "name.bias"), no padding, stride 1; returns its output.</summary>
    public string Conv(string layer, string input) =>
        Node("Conv", layer, [input, Parameter(layer + ".weight"), Parameter(layer + ".bias")]);

    /// <summary>Gemm computing x W^T + b with the layer's (out, in) weight; returns its output.</summary>
    public string Gemm(string layer, string input) =>
        Node("Gemm", layer, [input, Parameter(layer + ".weight"), Parameter(layer + ".bias")], ("transB", 1L));

    /// <summary>Relu; returns its output.</summary>
    public string Relu(string input) => Node("Relu", null, [input]);

    /// <summary>Max pool over square windows with the window as stride (floor mode); returns its output.</summary>
    public string MaxPool(string input, int window) =>
        Node("MaxPool", null, [input], ("kernel_shape", new long[] { window, window }), ("strides", new long[] { window, window }));

    /// <summary>Flatten to (N, everything else), channels first; returns its output.</summary>
    public string Flatten(string input) => Node("Flatten", null, [input], ("axis", 1L));

    /// <summary>Softmax over the last axis; returns its output.</summary>
    public string Softmax(string input) => Node("Softmax", null, [input], ("axis", -1L));

    /// <summary>
    /// The model bytes: input "input" of shape (N, inputShape...) with a symbolic batch N, the
    /// given output of shape (N, outputFeatures).
    /// </summary>
    public byte[] Build(string output, ReadOnlySpan<int> inputShape, int outputFeatures)
    {
        var dims = new object[inputShape.Length];
        for (int i = 0; i < dims.Length; i++) dims[i] = (long)inputShape[i];
        return _graph.Model("netgen_bench", "input", dims, output, [(long)outputFeatures], 13, "NetGen.Bench");
    }

    private string Node(string opType, string? layer, string[] inputs, params (string Name, object Value)[] attributes)
    {
        string name = layer ?? $"{opType.ToLowerInvariant()}_{_nodeCount}";
        _nodeCount++;
        string output = name + "_out";
        _graph.Node(opType, name, inputs, output, attributes);
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
        return _graph.Floats(name, Array.ConvertAll(table.ShapeArray(), d => (long)d), values);
    }
}
