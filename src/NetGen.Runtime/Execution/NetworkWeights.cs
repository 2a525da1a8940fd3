using System;
using System.Collections.Generic;
using NetGen.Weights;

namespace NetGen.Execution;

/// <summary>
/// A generated network's parameters as a safetensors file: one F32 tensor per parameter,
/// named by layer ("conv1.weight", "dense_1.bias") in PyTorch layout (conv (K, C/G, R, S),
/// dense (out, in), a Dense after a Flatten in PyTorch's channels-first flatten order), so
/// the file loads into the same network written in PyTorch.
/// </summary>
public static class NetworkWeights
{
    /// <summary>
    /// Writes every parameter of <paramref name="network"/> to <paramref name="path"/> atomically
    /// (<see cref="Safetensors.Write"/>: a failure leaves the old file as it was), with
    /// <paramref name="metadata"/> beside the format's own entries.
    /// </summary>
    public static void Save(INetwork network, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var tensors = new List<NamedTensor>();
        foreach (var tensor in network.ParameterTable)
        {
            var values = new float[tensor.Length];
            network.CopyParameter(tensor.Name, values);
            tensors.Add(new NamedTensor(tensor.Name, tensor.ShapeArray(), values));
        }
        var entries = new Dictionary<string, string> { ["format"] = "pt", ["producer"] = "NetGen" };
        if (metadata is not null)
        {
            foreach (var entry in metadata) entries[entry.Key] = entry.Value;
        }

        Safetensors.Write(path, tensors, entries);
    }

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="network"/>. The file must hold exactly
    /// the network's tensors with their shapes, all values finite; otherwise nothing is changed and
    /// the <see cref="WeightMismatchException"/> lists every missing, unexpected or misshapen
    /// tensor, or the <see cref="NonFiniteWeightException"/> names the first tensor with a NaN or
    /// an infinity and the value's index.
    /// </summary>
    public static void Load(INetwork network, string path) => Load(network, path, allowNonFinite: false);

    /// <summary>
    /// As <see cref="Load(INetwork, string)"/>; with <paramref name="allowNonFinite"/> NaN and
    /// infinite values load too (to inspect a diverged run's weights).
    /// </summary>
    public static void Load(INetwork network, string path, bool allowNonFinite)
    {
        ArgumentNullException.ThrowIfNull(network);
        var expected = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var tensor in network.ParameterTable) expected.Add(tensor.Name, tensor.ShapeArray());
        var loaded = Safetensors.Load(path, expected);
        if (!allowNonFinite)
        {
            foreach (var tensor in network.ParameterTable) NonFiniteWeightException.ThrowIfAny(path, tensor.Name, loaded[tensor.Name]);
        }
        network.SetParameters(loaded);
    }
}
