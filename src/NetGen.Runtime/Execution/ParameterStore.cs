using System;
using System.Collections.Generic;
using NetGen.Kernels;
using NetGen.Training;

namespace NetGen.Execution;

/// <summary>
/// Operations on a generated network's parameter block (and its gradient block) through the
/// network's table of <see cref="ParameterTensor"/>s: seeded initialisation, and copies in and
/// out in PyTorch layout. The generated class calls these; nothing here allocates except the
/// error paths.
/// </summary>
public static class ParameterStore
{
    /// <summary>
    /// Fills every tensor by its <see cref="ParameterTensor.Init"/>, in table order, from one
    /// <see cref="SeededRandom"/>: the same seed gives the same weights on every machine.
    /// </summary>
    /// <param name="parameters">The parameter block.</param>
    /// <param name="table">The network's tensors.</param>
    /// <param name="seed">Seed of the random stream.</param>
    public static void Initialize(Span<float> parameters, ReadOnlySpan<ParameterTensor> table, ulong seed)
    {
        var random = new SeededRandom(seed);
        foreach (var tensor in table)
        {
            var values = parameters.Slice(tensor.Offset, tensor.Length);
            switch (tensor.Init)
            {
                case ParameterInit.Zeros:
                    values.Clear();
                    break;
                case ParameterInit.Ones:
                    values.Fill(1f);
                    break;
                case ParameterInit.He:
                    Initializers.Uniform(values, Math.Sqrt(6.0 / tensor.FanIn), random);
                    break;
                case ParameterInit.Glorot:
                    Initializers.Uniform(values, Math.Sqrt(6.0 / (tensor.FanIn + tensor.FanOut)), random);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(table), tensor.Init, $"Unknown initialiser for {tensor.Name}.");
            }
        }
    }

    /// <summary>The tensor named <paramref name="name"/>; the exception lists the names there are.</summary>
    public static ParameterTensor Find(ReadOnlySpan<ParameterTensor> table, string name)
    {
        foreach (var tensor in table)
            if (tensor.Name == name) return tensor;
        var names = new List<string>();
        foreach (var tensor in table) names.Add(tensor.Name);
        throw new KeyNotFoundException($"No parameter tensor '{name}'; the network has: {string.Join(", ", names)}.");
    }

    /// <summary>Copies a tensor out of <paramref name="block"/> (starting at <paramref name="offset"/>) in PyTorch layout.</summary>
    /// <param name="destination">Exactly <see cref="ParameterTensor.Length"/> floats.</param>
    /// <param name="block">The parameter or gradient block.</param>
    /// <param name="offset">The tensor's offset in that block.</param>
    /// <param name="tensor">Which tensor.</param>
    public static void CopyOut(Span<float> destination, ReadOnlySpan<float> block, int offset, ParameterTensor tensor)
    {
        CheckLength(destination.Length, tensor, nameof(destination));
        var stored = block.Slice(offset, tensor.Length);
        if (tensor.FlattenedFrom is { } f)
        {
            Layout.DenseWeightsToNchwFlatten(destination, stored, tensor.Shape[0], f[0], f[1], f[2]);
        }
        else
        {
            stored.CopyTo(destination);
        }
    }

    /// <summary>Copies a tensor given in PyTorch layout into <paramref name="block"/> at <paramref name="offset"/>.</summary>
    /// <param name="block">The parameter block.</param>
    /// <param name="offset">The tensor's offset in it.</param>
    /// <param name="source">Exactly <see cref="ParameterTensor.Length"/> floats.</param>
    /// <param name="tensor">Which tensor.</param>
    public static void CopyIn(Span<float> block, int offset, ReadOnlySpan<float> source, ParameterTensor tensor)
    {
        CheckLength(source.Length, tensor, nameof(source));
        var stored = block.Slice(offset, tensor.Length);
        if (tensor.FlattenedFrom is { } f)
        {
            Layout.DenseWeightsFromNchwFlatten(stored, source, tensor.Shape[0], f[0], f[1], f[2]);
        }
        else
        {
            source.CopyTo(stored);
        }
    }

    /// <summary>
    /// <see cref="CopyIn"/> for every tensor named in <paramref name="values"/> (name -> PyTorch layout).
    /// Checks every name and length first, so an unknown name or a wrong length changes nothing.
    /// </summary>
    public static void CopyAllIn(Span<float> block, ReadOnlySpan<ParameterTensor> table, IReadOnlyDictionary<string, float[]> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var pair in values) CheckLength(pair.Value.Length, Find(table, pair.Key), nameof(values));
        foreach (var pair in values)
        {
            var tensor = Find(table, pair.Key);
            CopyIn(block, tensor.Offset, pair.Value, tensor);
        }
    }

    private static void CheckLength(int length, ParameterTensor tensor, string argument)
    {
        if (length != tensor.Length)
        {
            throw new ArgumentException(
                $"{tensor.Name} {tensor.ShapeText} has {tensor.Length} elements; the span has {length}.", argument);
        }
    }
}
