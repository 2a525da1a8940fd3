using System;

namespace NetGen.Data;

/// <summary>
/// The contents of an IDX file of unsigned bytes: its dimensions (outermost first, as stored)
/// and its elements in row-major order. For an MNIST image file the dimensions are
/// (N, 28, 28); for a label file, (N).
/// </summary>
public sealed class IdxArray
{
    internal IdxArray(string source, int[] dimensions, byte[] data)
    {
        Source = source;
        _dimensions = dimensions;
        Data = data;
    }

    private readonly int[] _dimensions;

    /// <summary>The path or stream name the array was read from.</summary>
    public string Source { get; }

    /// <summary>Dimension sizes, outermost first.</summary>
    public ReadOnlySpan<int> Dimensions => _dimensions;

    /// <summary>All elements, row-major; length is the product of <see cref="Dimensions"/>.</summary>
    public byte[] Data { get; }
}
