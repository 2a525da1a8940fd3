using System;
using System.Globalization;

namespace NetGen.Weights;

/// <summary>
/// A weight file holds a NaN or infinite value: a network would run on it and give NaN
/// scores. The message names the tensor, the first bad value's index (flat, in the file's
/// row-major layout) and how many there are.
/// </summary>
public sealed class NonFiniteWeightException : WeightFileException
{
    private NonFiniteWeightException(string source, string tensorName, long index, float value, long count)
        : base(source, tensorName, string.Create(CultureInfo.InvariantCulture,
            $"{value} at index {index}{(count > 1 ? $" (the first of {count} non-finite values)" : "")}; a network cannot run on it (load with allowNonFinite: true to accept it)"))
    {
        Index = index;
        Value = value;
        Count = count;
    }

    /// <summary>The first non-finite value's index in the tensor (row-major, as stored).</summary>
    public long Index { get; }

    /// <summary>That value: NaN, +infinity or -infinity.</summary>
    public float Value { get; }

    /// <summary>How many values of the tensor are not finite.</summary>
    public long Count { get; }

    /// <summary>Throws when <paramref name="values"/> (tensor <paramref name="tensorName"/> of <paramref name="source"/>) holds a NaN or an infinity.</summary>
    /// <exception cref="NonFiniteWeightException">It does.</exception>
    public static void ThrowIfAny(string source, string tensorName, ReadOnlySpan<float> values)
    {
        int first = IndexOfNonFinite(values);
        if (first < 0) return;
        long count = 0;
        foreach (float v in values[first..])
            if (!float.IsFinite(v)) count++;
        throw new NonFiniteWeightException(source, tensorName, first, values[first], count);
    }

    /// <summary>The index of the first NaN or infinity, or -1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
