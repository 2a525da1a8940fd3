using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace NetGen.Onnx.Export;

// The one ONNX writer of the repository: the exporter's, and linked as source into the import
// tests (tests/NetGen.Cli.Tests) and the benchmarks' peer models (bench/NetGen.Bench), which
// build graphs node by node with it. Internal in each assembly that compiles it.

/// <summary>
/// Protobuf wire-format writing of the ONNX messages NetGen writes (field numbers from
/// onnx/onnx.proto, the ones NetGen.Runtime's reader lists in OnnxSchema).
/// </summary>
internal sealed class ProtoBuffer
{
    private readonly MemoryStream _stream = new();

    public byte[] ToArray() => _stream.ToArray();

    public ProtoBuffer Varint(int field, long value)
    {
        Tag(field, 0);
        Raw((ulong)value);
        return this;
    }

    public ProtoBuffer Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _stream.Write(b);
        return this;
    }

    public ProtoBuffer Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, 2);
        Raw((ulong)value.Length);
        _stream.Write(value);
        return this;
    }

    public ProtoBuffer String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoBuffer Message(int field, ProtoBuffer message) => Bytes(field, message.ToArray());

    public ProtoBuffer Packed(int field, IEnumerable<long> values)
    {
        var inner = new ProtoBuffer();
        foreach (long v in values) inner.Raw((ulong)v);
        return Bytes(field, inner.ToArray());
    }

    public ProtoBuffer PackedFloats(int field, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return Bytes(field, bytes);
    }

    private void Tag(int field, int wire) => Raw(((ulong)field << 3) | (uint)wire);

    private void Raw(ulong value)
    {
        while (value >= 0x80)
        {
            _stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _stream.WriteByte((byte)value);
    }
}

/// <summary>A TENSOR attribute holding an INT64 vector (a Constant node's value).</summary>
internal sealed record Int64Tensor(long[] Values);

/// <summary>An ONNX graph under construction: nodes, initializers, one input and one output.</summary>
internal sealed class OnnxGraphWriter
{
    // GraphProto: node 1, name 2, initializer 5, input 11, output 12. NodeProto: input 1, output 2,
    // name 3, op_type 4, attribute 5. AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20.
    // TensorProto: dims 1, data_type 2 (1 FLOAT, 7 INT64), int64_data 7, name 8, raw_data 9.
    private readonly ProtoBuffer _graph = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public void Node(string op, string name, string[] inputs, string output, params (string Name, object Value)[] attributes) =>
        Node(op, name, inputs, new[] { output }, attributes);

    /// <summary>A node; attribute values are long or int (INT), float, string, long[] (INTS), float[] (FLOATS) or an <see cref="Int64Tensor"/>.</summary>
    public void Node(string op, string name, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var n = new ProtoBuffer();
        foreach (var i in inputs) n.String(1, i);
        foreach (var o in outputs) n.String(2, o);
        n.String(3, name).String(4, op);
        foreach (var (attr, value) in attributes)
        {
            var a = new ProtoBuffer().String(1, attr);
            switch (value)
            {
                case long i: a.Varint(3, i).Varint(20, 2); break;
                case int i: a.Varint(3, i).Varint(20, 2); break;
                case float f: a.Float(2, f).Varint(20, 1); break;
                case string s: a.String(4, s).Varint(20, 3); break;
                case long[] ints: a.Packed(8, ints).Varint(20, 7); break;
                case float[] floats: a.PackedFloats(7, floats).Varint(20, 6); break;
                case Int64Tensor t: a.Message(5, Int64Tensor(null, t.Values)).Varint(20, 4); break;
                default: throw new ArgumentException($"attribute {attr}: {value.GetType()}");
            }
            n.Message(5, a);
        }
        _graph.Message(1, n);
    }

    /// <summary>A FLOAT initializer stored as raw little-endian bytes; returns its name (written once).</summary>
    public string Floats(string name, long[] dims, ReadOnlySpan<float> data)
    {
        if (!_names.Add(name)) return name;
        var bytes = new byte[data.Length * 4];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), data[i]);
        _graph.Message(5, new ProtoBuffer().Packed(1, dims).Varint(2, 1).String(8, name).Bytes(9, bytes));
        return name;
    }

    /// <summary>An INT64 vector initializer; returns its name (written once).</summary>
    public string Int64s(string name, params long[] values)
    {
        if (!_names.Add(name)) return name;
        _graph.Message(5, Int64Tensor(name, values));
        return name;
    }

    /// <summary>The model: IR version 8, default opset <paramref name="opset"/>, the FLOAT input and output with a symbolic batch "N".</summary>
    public byte[] Model(string graphName, string input, long[] inputDims, string output, long[] outputDims, long opset) =>
        Model(graphName, input, inputDims.Select(d => (object)d).ToArray(), output, outputDims.Select(d => (object)d).ToArray(), opset, "netgen");

    /// <summary>
    /// The model, dimensions after the batch "N" given as numbers or as strings (symbolic); an
    /// output without <paramref name="outputDims"/> has no shape, for ONNX Runtime to infer.
    /// </summary>
    public byte[] Model(string graphName, string input, object[] inputDims, string output, object[]? outputDims, long opset, string producer)
    {
        _graph.String(2, graphName);
        _graph.Message(11, ValueInfo(input, inputDims));
        _graph.Message(12, ValueInfo(output, outputDims));
        return new ProtoBuffer()
            .Varint(1, 8)
            .String(2, producer)
            .Message(7, _graph)
            .Message(8, new ProtoBuffer().String(1, "").Varint(2, opset))
            .ToArray();
    }

    private static ProtoBuffer Int64Tensor(string? name, long[] values)
    {
        var t = new ProtoBuffer().Packed(1, new long[] { values.Length }).Varint(2, 7);
        if (name is not null) t.String(8, name);
        return t.Packed(7, values);
    }

    private static ProtoBuffer ValueInfo(string name, object[]? dims)
    {
        var tensor = new ProtoBuffer().Varint(1, 1);
        if (dims is not null)
        {
            var shape = new ProtoBuffer().Message(1, new ProtoBuffer().String(2, "N"));
            foreach (var d in dims)
                shape.Message(1, d is string symbol ? new ProtoBuffer().String(2, symbol) : new ProtoBuffer().Varint(1, Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture)));
            tensor.Message(2, shape);
        }
        return new ProtoBuffer().String(1, name).Message(2, new ProtoBuffer().Message(1, tensor));
    }
}
