using System.Collections.Generic;
using System.Globalization;

namespace NetGen.Onnx;

/// <summary>
/// A tensor stored in an ONNX file (an initializer or a tensor attribute), decoded. Floats
/// are in <see cref="FloatData"/>; INT32/INT64 tensors (shape constants such as Reshape's)
/// are widened into <see cref="Int64Data"/>. Elements are in row-major order of
/// <see cref="Dims"/>, as ONNX stores them.
/// </summary>
public sealed class OnnxTensor
{
    internal OnnxTensor(string name, int dataType, long[] dims, float[]? floatData, long[]? int64Data)
    {
        Name = name;
        DataType = dataType;
        Dims = dims;
        FloatData = floatData;
        Int64Data = int64Data;
    }

    /// <summary>The tensor's name (initializers are referred to by it).</summary>
    public string Name { get; }

    /// <summary>TensorProto.DataType: 1 FLOAT, 6 INT32, 7 INT64.</summary>
    public int DataType { get; }

    /// <summary>The shape; empty for a scalar.</summary>
    public IReadOnlyList<long> Dims { get; }

    /// <summary>The elements of a FLOAT tensor; null for other types.</summary>
    public float[]? FloatData { get; }

    /// <summary>The elements of an INT32 or INT64 tensor; null for FLOAT.</summary>
    public long[]? Int64Data { get; }

    /// <summary>Product of the dimensions (1 for a scalar).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (long d in Dims) n *= d;
            return n;
        }
    }

    /// <summary>"FLOAT [64, 3, 7, 7]".</summary>
    public override string ToString() => $"{OnnxSchema.DataTypeName(DataType)} {FormatDims(Dims)}";

    internal static string FormatDims(IReadOnlyList<long> dims)
    {
        var parts = new string[dims.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = dims[i].ToString(CultureInfo.InvariantCulture);
        return "[" + string.Join(", ", parts) + "]";
    }
}
