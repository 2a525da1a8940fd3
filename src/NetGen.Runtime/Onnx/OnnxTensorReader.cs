using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using static NetGen.Onnx.OnnxSchema;

namespace NetGen.Onnx;

/// <summary>Reads TensorProto (dense, data inside the file) and AttributeProto.</summary>
internal static class OnnxTensorReader
{
    public static OnnxTensor ReadTensor(ProtoReader r)
    {
        int start = r.Position;
        string name = "";
        int dataType = 0;
        var dims = new List<long>();
        var floats = new List<float>();
        var int64s = new List<long>();
        ReadOnlySpan<byte> raw = default;
        bool hasRaw = false;
        int rawOffset = start;
        while (r.TryReadTag())
        {
            switch (r.FieldNumber)
            {
                case TensorDims: r.ReadRepeatedInt64(dims); break;
                case TensorDataType: dataType = r.ReadInt32(); break;
                case TensorFloatData: r.ReadRepeatedFloat(floats); break;
                // int32_data holds int32 values as varints (sign-extended to 64 bits).
                case TensorInt32Data:
                case TensorInt64Data: r.ReadRepeatedInt64(int64s); break;
                case TensorName: name = r.ReadString(); break;
                case TensorRawData: rawOffset = r.FieldOffset; raw = r.ReadBytesSpan(); hasRaw = true; break;
                case TensorSegment: throw r.FieldError($"tensor '{name}' is segmented; segmented tensors are not supported");
                case TensorExternalData:
                    throw r.FieldError($"tensor '{name}' keeps its data in an external file; only weights stored inside the .onnx file are supported");
                case TensorDataLocation:
                    if (r.ReadInt32() == DataLocationExternal)
                        throw r.FieldError($"tensor '{name}' keeps its data in an external file; only weights stored inside the .onnx file are supported");
                    break;
                default: r.SkipField(); break;
            }
        }

        string label = name.Length == 0 ? "a tensor" : $"tensor '{name}'";
        if (dataType != DataTypeFloat && dataType != DataTypeInt32 && dataType != DataTypeInt64)
            throw r.Error("TensorProto.data_type", start, $"{label} has element type {DataTypeName(dataType)}; only FLOAT (and INT32/INT64 shape constants) are supported");

        long count = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw r.Error("TensorProto.dims", start, $"{label} has a negative dimension {d}");
            // Past 2^31 elements no stored tensor can be backed by a file this reader accepts.
            if (d > int.MaxValue || (count *= d) > int.MaxValue)
                throw r.Error("TensorProto.dims", start, $"{label} has more than 2^31 elements ({OnnxTensor.FormatDims(dims)})");
        }

        int elementSize = dataType switch { DataTypeFloat => 4, DataTypeInt32 => 4, _ => 8 };
        int typed = dataType == DataTypeFloat ? floats.Count : int64s.Count;
        if (hasRaw && typed > 0)
            throw r.Error("TensorProto.raw_data", rawOffset, $"{label} has both raw_data and typed data");
        long available = hasRaw ? raw.Length / elementSize : typed;
        if (hasRaw && raw.Length % elementSize != 0 || available != count)
        {
            string found = hasRaw ? $"{raw.Length} bytes of raw_data" : $"{typed} typed values";
            throw r.Error(hasRaw ? "TensorProto.raw_data" : "TensorProto", hasRaw ? rawOffset : start,
                $"{label} {OnnxTensor.FormatDims(dims)} needs {count} {DataTypeName(dataType)} elements ({count * elementSize} bytes); found {found}");
        }

        long[] dimArray = dims.ToArray();
        if (dataType == DataTypeFloat)
            return new OnnxTensor(name, dataType, dimArray, hasRaw ? DecodeFloats(raw) : floats.ToArray(), null);
        return new OnnxTensor(name, dataType, dimArray, null, hasRaw ? DecodeIntegers(raw, elementSize) : int64s.ToArray());
    }

    /// <summary>raw_data is little-endian whatever the machine.</summary>
    private static float[] DecodeFloats(ReadOnlySpan<byte> raw)
    {
        var result = new float[raw.Length / 4];
        for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * 4, 4));
        return result;
    }

    private static long[] DecodeIntegers(ReadOnlySpan<byte> raw, int size)
    {
        var result = new long[raw.Length / size];
        for (int i = 0; i < result.Length; i++)
            result[i] = size == 4 ? BinaryPrimitives.ReadInt32LittleEndian(raw.Slice(i * 4, 4)) : BinaryPrimitives.ReadInt64LittleEndian(raw.Slice(i * 8, 8));
        return result;
    }

    public static OnnxAttribute ReadAttribute(ProtoReader r)
    {
        int start = r.Position;
        string name = "", s = "";
        int declared = 0;
        OnnxAttributeType present = OnnxAttributeType.Undefined;
        float f = 0;
        long i = 0;
        OnnxTensor? t = null;
        var floats = new List<float>();
        var ints = new List<long>();
        var strings = new List<string>();
        while (r.TryReadTag())
        {
            switch (r.FieldNumber)
            {
                case AttrName: name = r.ReadString(); break;
                case AttrType: declared = r.ReadInt32(); break;
                case AttrF: f = r.ReadFloat(); present = OnnxAttributeType.Float; break;
                case AttrI: i = r.ReadInt64(); present = OnnxAttributeType.Int; break;
                case AttrS: s = r.ReadString(); present = OnnxAttributeType.String; break;
                case AttrT: t = ReadTensor(r.ReadMessage("TensorProto")); present = OnnxAttributeType.Tensor; break;
                case AttrFloats: r.ReadRepeatedFloat(floats); present = OnnxAttributeType.Floats; break;
                case AttrInts: r.ReadRepeatedInt64(ints); present = OnnxAttributeType.Ints; break;
                case AttrStrings: strings.Add(r.ReadString()); present = OnnxAttributeType.Strings; break;
                // Subgraphs and tensor lists are recorded by type only: import has no use for
                // their content, and not reading them keeps the nesting bounded.
                case AttrG: r.SkipField(); present = OnnxAttributeType.Graph; break;
                case AttrTensors: r.SkipField(); present = OnnxAttributeType.Tensors; break;
                case AttrGraphs: r.SkipField(); present = OnnxAttributeType.Graphs; break;
                default: r.SkipField(); break;
            }
        }
        if (name.Length == 0) throw r.Error("AttributeProto.name", start, "an attribute has no name");
        if (declared < 0 || declared > (int)OnnxAttributeType.TypeProtos)
            throw r.Error("AttributeProto.type", start, $"attribute '{name}' has unknown type {declared}");
        // IR version 1 files do not declare the type; the value field present tells it. A
        // declared type with no value field is its default (0, ""), as protobuf reads it;
        // a value field of another type is a contradiction.
        var type = declared != 0 ? (OnnxAttributeType)declared : present;
        if (present != OnnxAttributeType.Undefined && present != type)
            throw r.Error("AttributeProto.type", start, $"attribute '{name}' declares type {type} but holds a {present} value");
        return new OnnxAttribute(name, type, f, i, s, t, floats, ints, strings);
    }
}
