using System;
using System.Globalization;

namespace NetGen.Weights;

/// <summary>
/// One tensor's entry in a safetensors header: its dtype as the format spells it ("F32",
/// "F16", "BF16", "I64", ...), its shape (outermost first; empty for a scalar) and its byte
/// range [<see cref="Begin"/>, <see cref="End"/>) relative to the start of the data region.
/// </summary>
public sealed class TensorInfo
{
    internal TensorInfo(string name, string dtype, int[] shape, long elementCount, long begin, long end)
    {
        Name = name;
        DType = dtype;
        _shape = shape;
        ElementCount = elementCount;
        Begin = begin;
        End = end;
    }

    private readonly int[] _shape;

    /// <summary>The tensor's name (e.g. "conv1.weight").</summary>
    public string Name { get; }

    /// <summary>The element type as written in the header, e.g. "F32".</summary>
    public string DType { get; }

    /// <summary>Dimension sizes, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Product of the dimensions (1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>First byte of the tensor's data, relative to the data region.</summary>
    public long Begin { get; }

    /// <summary>One past the last byte of the tensor's data, relative to the data region.</summary>
    public long End { get; }

    /// <summary>The shape as "[a, b, c]".</summary>
    public string ShapeText => FormatShape(_shape);

    internal static string FormatShape(ReadOnlySpan<int> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }
}
