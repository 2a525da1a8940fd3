using System.Collections.Generic;
using System.Linq;
using NetGen.Onnx;

namespace NetGen.Onnx.Import;

/// <summary>What an ONNX value name stands for while the graph is converted.</summary>
internal abstract record ImportValue;

/// <summary>The output of a .cnn node.</summary>
internal sealed record NodeValue(CnnNode Node) : ImportValue;

/// <summary>A stored tensor (an initializer or a Constant node's value); floats or integers, row-major.</summary>
internal sealed record ConstantValue(long[] Dims, float[]? Floats, long[]? Ints) : ImportValue
{
    public static ConstantValue From(OnnxTensor t) => new(t.Dims.ToArray(), t.FloatData, t.Int64Data);

    public long Count => Dims.Aggregate(1L, (a, d) => a * d);

    /// <summary>The elements as floats (integers converted).</summary>
    public float[] AsFloats() => Floats ?? Ints!.Select(v => (float)v).ToArray();

    /// <summary>The elements as integers; null when the tensor holds floats.</summary>
    public long[]? AsInts() => Ints;

    /// <summary>The dimensions without leading ones ([1, 64, 1, 1] is [64, 1, 1]).</summary>
    public long[] Trimmed()
    {
        int i = 0;
        while (i < Dims.Length && Dims[i] == 1) i++;
        return Dims[i..];
    }

    public override string ToString() => "[" + string.Join(", ", Dims) + "]";
}

/// <summary>
/// A node's output padded by a Pad node, not yet written: the padding folds into the
/// convolution that reads it (the .cnn has no pad layer).
/// </summary>
internal sealed record PaddedValue(CnnNode Node, int Top, int Left, int Bottom, int Right, string PadNode) : ImportValue;

/// <summary>The output of a node that had an error: nodes reading it report nothing more.</summary>
internal sealed record FailedValue : ImportValue
{
    public static readonly FailedValue Instance = new();
}

/// <summary>A node the importer cannot convert: why, and the op text to show when more than its type ("Clip min 0 max 6").</summary>
internal sealed class NodeError(string why, string? opText = null) : System.Exception(why)
{
    public string? OpText { get; } = opText;
}
