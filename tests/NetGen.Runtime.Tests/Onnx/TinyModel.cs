using System;
using System.Buffers.Binary;
using System.Linq;

namespace NetGen.Runtime.Tests.Onnx;

/// <summary>
/// Hand-built ONNX messages with field numbers typed in from onnx.proto (ONNX 1.17), so the
/// reader's own numbering is checked against an independent copy.
/// </summary>
internal static class TinyModel
{
    public static ProtoWriter FloatTensorRaw(string name, long[] dims, float[] values)
    {
        var raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        var t = new ProtoWriter();
        foreach (long d in dims) t.Varint(1, d);          // dims, unpacked
        return t.Varint(2, 1).String(8, name).Bytes(9, raw); // data_type FLOAT, name, raw_data
    }

    public static ProtoWriter FloatTensorTyped(string name, long[] dims, float[] values) =>
        new ProtoWriter().PackedVarints(1, dims).Varint(2, 1).PackedFloats(4, values).String(8, name);

    public static ProtoWriter Int64Tensor(string name, long[] dims, long[] values) =>
        new ProtoWriter().PackedVarints(1, dims).Varint(2, 7).PackedVarints(7, values).String(8, name);

    public static ProtoWriter ValueInfo(string name, params object[] dims)
    {
        var shape = new ProtoWriter();
        foreach (var d in dims)
            shape.Message(1, d is string p ? new ProtoWriter().String(2, p) : new ProtoWriter().Varint(1, Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture)));
        var tensorType = new ProtoWriter().Varint(1, 1).Message(2, shape);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensorType));
    }

    public static ProtoWriter IntsAttribute(string name, params long[] values) =>
        new ProtoWriter().String(1, name).Varint(20, 7).PackedVarints(8, values);

    public static readonly float[] ConvWeight = Enumerable.Range(0, 2 * 1 * 3 * 3).Select(i => i * 0.25f - 1.5f).ToArray();
    public static readonly float[] Scale = { 1.5f, -0.5f };

    /// <summary>
    /// A two-node model (Conv -> BatchNormalization) with every field kind the reader handles
    /// and unknown fields of each wire type sprinkled in, which the reader must skip.
    /// </summary>
    public static byte[] Build()
    {
        var conv = new ProtoWriter()
            .String(1, "x").String(1, "W").String(2, "y").String(3, "conv0").String(4, "Conv")
            .Message(5, IntsAttribute("kernel_shape", 3, 3))
            .Message(5, new ProtoWriter().String(1, "pads").Varint(20, 7).Varint(8, 1).Varint(8, 1).Varint(8, 0).Varint(8, 0)) // unpacked ints
            .Message(5, new ProtoWriter().String(1, "auto_pad").Varint(20, 3).String(4, "NOTSET"))
            .Message(5, new ProtoWriter().String(1, "group").Varint(20, 2).Varint(3, 1))
            .Fixed64(99, 0xDEADBEEF)                                  // unknown fixed64
            .String(6, "doc");                                        // doc_string: known to ONNX, skipped
        var bn = new ProtoWriter()
            .String(1, "y").String(1, "scale").String(1, "B").String(1, "mean").String(1, "var")
            .String(2, "z").String(3, "bn0").String(4, "BatchNormalization")
            .Message(5, new ProtoWriter().String(1, "epsilon").Varint(20, 1).Fixed32(2, 1e-5f))
            .Message(5, new ProtoWriter().String(1, "momentum").Fixed32(2, 0.9f))  // IR v1 style: no type field
            .Message(5, new ProtoWriter().String(1, "weights").Varint(20, 6).PackedFloats(7, new[] { 0.5f, 2f }))
            .Message(5, new ProtoWriter().String(1, "value").Varint(20, 4).Message(5, Int64Tensor("", new long[] { 2 }, new long[] { -1, 4 })));
        var graph = new ProtoWriter()
            .Message(1, conv).Message(1, bn).String(2, "tiny")
            .Message(5, FloatTensorRaw("W", new long[] { 2, 1, 3, 3 }, ConvWeight))
            .Message(5, FloatTensorTyped("scale", new long[] { 2 }, Scale))
            .Message(5, FloatTensorRaw("B", new long[] { 2 }, new[] { 0.25f, -0.25f }))
            .Message(5, FloatTensorTyped("mean", new long[] { 2 }, new[] { 0f, 1f }))
            .Message(5, FloatTensorTyped("var", new long[] { 2 }, new[] { 1f, 4f }))
            .Message(5, Int64Tensor("shape", new long[] { 2 }, new long[] { 1, -1 }))
            .Message(11, ValueInfo("x", "N", 1, 5, 5)).Message(11, ValueInfo("W", 2, 1, 3, 3))
            .Message(12, ValueInfo("z", "N", 2, 3, 3))
            .Varint(1000, 7);                                          // unknown varint
        return new ProtoWriter()
            .Varint(1, 3).String(2, "handmade").String(3, "1.0")
            .Message(8, new ProtoWriter().String(1, "").Varint(2, 8))
            .Fixed32(77, 1f)                                           // unknown fixed32
            .String(14, "metadata-like unknown bytes")
            .Message(7, graph)                                         // last: every truncation cuts into or before it
            .ToArray();
    }
}
