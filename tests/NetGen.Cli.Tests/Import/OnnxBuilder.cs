using NetGen.Onnx.Export;

namespace NetGen.Cli.Tests.Import;

/// <summary>An ONNX attribute for <see cref="OnnxBuilder.Node"/>: a value <see cref="OnnxGraphWriter.Node"/> writes.</summary>
internal sealed record Attr(string Name, object Value)
{
    public static Attr Int(string name, long v) => new(name, v);
    public static Attr Float(string name, float v) => new(name, v);
    public static Attr Str(string name, string v) => new(name, v);
    public static Attr Ints(string name, params long[] v) => new(name, v);
    public static Attr Floats(string name, params float[] v) => new(name, v);
    /// <summary>A TENSOR attribute: an INT64 vector (a Constant's value).</summary>
    public static Attr Int64Tensor(string name, params long[] v) => new(name, new Int64Tensor(v));
}

/// <summary>
/// Builds ONNX model bytes for the import tests with the exporter's writer (src/NetGen.Onnx.Export/
/// OnnxWriter.cs, linked into this project): one input with a symbolic batch dimension,
/// initializers, nodes, one output. Random weights are seeded.
/// </summary>
internal sealed class OnnxBuilder
{
    private readonly OnnxGraphWriter _graph = new();
    private readonly HashSet<string> _initializers = new(StringComparer.Ordinal);
    private readonly long _opset;
    private readonly Random _random;
    private string _input = "", _output = "";
    private object[] _inputDims = Array.Empty<object>();

    public OnnxBuilder(long opset = 13, int seed = 1)
    {
        _opset = opset;
        _random = new Random(seed);
    }

    /// <summary>The input's per-sample dimensions (C, H, W) or (F): numbers, or strings for symbolic ones. The batch is "N".</summary>
    public long[] InputShape { get; private set; } = Array.Empty<long>();

    public string InputName => _input;

    public OnnxBuilder Input(string name, params object[] dims)
    {
        _input = name;
        _inputDims = dims;
        InputShape = dims.Select(d => d is int i ? (long)i : d is long l ? l : 0).ToArray();
        return this;
    }

    public OnnxBuilder Output(string name)
    {
        _output = name;
        return this;
    }

    /// <summary>A FLOAT initializer; returns its name.</summary>
    public string Init(string name, long[] dims, float[] data)
    {
        Claim(name);
        return _graph.Floats(name, dims, data);
    }

    /// <summary>A FLOAT initializer of uniform values in [lo, hi).</summary>
    public string Random(string name, long[] dims, float lo = -1, float hi = 1)
    {
        long n = dims.Aggregate(1L, (a, d) => a * d);
        return Init(name, dims, Enumerable.Range(0, (int)n).Select(_ => lo + (hi - lo) * (float)_random.NextDouble()).ToArray());
    }

    /// <summary>An INT64 initializer (shapes, pads); returns its name.</summary>
    public string Ints(string name, params long[] values)
    {
        Claim(name);
        return _graph.Int64s(name, values);
    }

    /// <summary>A node with one output; returns the output's name (the node's name plus "_out").</summary>
    public string Node(string op, string name, string[] inputs, params Attr[] attrs) => Node(op, name, inputs, 1, attrs)[0];

    public string[] Node(string op, string name, string[] inputs, int outputs, params Attr[] attrs)
    {
        var outs = Enumerable.Range(0, outputs).Select(i => i == 0 ? name + "_out" : $"{name}_out{i}").ToArray();
        _graph.Node(op, name, inputs, outs, attrs.Select(a => (a.Name, a.Value)).ToArray());
        return outs;
    }

    /// <summary>The model; the output has no shape (ONNX Runtime infers it).</summary>
    public byte[] Build() => _graph.Model("test", _input, _inputDims, _output, null, _opset, "netgen-tests");

    /// <summary>The writer writes a name once and returns it again; a test giving two tensors one name is a mistake.</summary>
    private void Claim(string name)
    {
        if (!_initializers.Add(name)) throw new ArgumentException($"initializer '{name}' is written twice");
    }
}
