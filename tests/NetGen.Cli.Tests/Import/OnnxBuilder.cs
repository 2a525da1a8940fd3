using NetGen.Runtime.Tests.Onnx;

namespace NetGen.Cli.Tests.Import;

/// <summary>An ONNX attribute for <see cref="OnnxBuilder.Node"/>: written as AttributeProto (name 1, f 2, i 3, s 4, floats 7, ints 8, type 20).</summary>
internal sealed record Attr(string Name, Action<ProtoWriter> Write)
{
    public static Attr Int(string name, long v) => new(name, w => w.Varint(3, v).Varint(20, 2));
    public static Attr Float(string name, float v) => new(name, w => w.Fixed32(2, v).Varint(20, 1));
    public static Attr Str(string name, string v) => new(name, w => w.String(4, v).Varint(20, 3));
    public static Attr Ints(string name, params long[] v) => new(name, w => w.PackedVarints(8, v).Varint(20, 7));
    public static Attr Floats(string name, params float[] v) => new(name, w => w.PackedFloats(7, v).Varint(20, 6));
}

/// <summary>
/// Builds ONNX model bytes for the import tests, from onnx.proto's field numbers: one input with
/// a symbolic batch dimension, initializers, nodes, one output. Random weights are seeded.
/// </summary>
internal sealed class OnnxBuilder
{
    private readonly List<ProtoWriter> _nodes = new();
    private readonly List<ProtoWriter> _initializers = new();
    private readonly long _opset;
    private readonly Random _random;
    private string _input = "", _output = "";
    private object[] _inputDims = Array.Empty<object>();
    private int _count;

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
        var t = new ProtoWriter().PackedVarints(1, dims).Varint(2, 1).String(8, name).PackedFloats(4, data);
        _initializers.Add(t);
        return name;
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
        _initializers.Add(new ProtoWriter().PackedVarints(1, new long[] { values.Length }).Varint(2, 7).String(8, name).PackedVarints(7, values));
        return name;
    }

    /// <summary>A node with one output; returns the output's name (the node's name plus "_out").</summary>
    public string Node(string op, string name, string[] inputs, params Attr[] attrs) => Node(op, name, inputs, 1, attrs)[0];

    public string[] Node(string op, string name, string[] inputs, int outputs, params Attr[] attrs)
    {
        var outs = Enumerable.Range(0, outputs).Select(i => i == 0 ? name + "_out" : $"{name}_out{i}").ToArray();
        var n = new ProtoWriter();
        foreach (var i in inputs) n.String(1, i);
        foreach (var o in outs) n.String(2, o);
        n.String(3, name).String(4, op);
        foreach (var a in attrs)
        {
            var w = new ProtoWriter().String(1, a.Name);
            a.Write(w);
            n.Message(5, w);
        }
        _nodes.Add(n);
        _count++;
        return outs;
    }

    public byte[] Build()
    {
        var graph = new ProtoWriter();
        foreach (var n in _nodes) graph.Message(1, n);
        graph.String(2, "test");
        foreach (var t in _initializers) graph.Message(5, t);
        graph.Message(11, ValueInfo(_input, new object[] { "N" }.Concat(_inputDims).ToArray()));
        graph.Message(12, ValueInfo(_output, null));
        return new ProtoWriter()
            .Varint(1, 8)
            .String(2, "netgen-tests")
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, "").Varint(2, _opset))
            .ToArray();
    }

    private static ProtoWriter ValueInfo(string name, object[]? dims)
    {
        var tensor = new ProtoWriter().Varint(1, 1);
        if (dims is not null)
        {
            var shape = new ProtoWriter();
            foreach (var d in dims)
                shape.Message(1, d is string s ? new ProtoWriter().String(2, s) : new ProtoWriter().Varint(1, Convert.ToInt64(d)));
            tensor.Message(2, shape);
        }
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensor));
    }
}
