using System;
using System.Collections.Generic;
using NetGen.Weights;

namespace NetGen.GpuBench;

/// <summary>
/// The fixed training batches of one network: <see cref="Count"/> batches of uniform inputs in [-1, 1)
/// and uniform labels, drawn from a seed with SplitMix64 (written here, so the numbers do not depend on
/// the .NET version). Step s trains on batch s mod Count; torch_bench.py reads the same file.
/// </summary>
internal sealed class SyntheticBatches
{
    private readonly float[] _inputs;   // (Count, N, C, H, W)
    private readonly int[] _labels;     // (Count, N)

    public SyntheticBatches(BenchNetwork network, int batch, int count, ulong seed)
    {
        Batch = batch;
        Count = count;
        SampleSize = network.SampleSize;
        _inputs = new float[count * batch * SampleSize];
        _labels = new int[count * batch];
        ulong state = seed;
        for (int i = 0; i < _inputs.Length; i++) _inputs[i] = (float)(2.0 * Unit(ref state) - 1.0);
        for (int i = 0; i < _labels.Length; i++) _labels[i] = (int)(Unit(ref state) * network.Classes);
    }

    public int Batch { get; }

    public int Count { get; }

    public int SampleSize { get; }

    /// <summary>Batch <paramref name="index"/>'s inputs, channels first: N x C x H x W.</summary>
    public ReadOnlySpan<float> Inputs(int index) => _inputs.AsSpan(index * Batch * SampleSize, Batch * SampleSize);

    /// <summary>Batch <paramref name="index"/>'s labels (N).</summary>
    public ReadOnlySpan<int> Labels(int index) => _labels.AsSpan(index * Batch, Batch);

    /// <summary>
    /// Writes the batches as safetensors: "inputs" (Count, N, C, H, W) and "labels" (Count, N), both float32
    /// (labels are small integers, exact in float32; NetGen's writer holds float tensors).
    /// </summary>
    public void Save(string path, int[] sampleShape)
    {
        var labels = new float[_labels.Length];
        for (int i = 0; i < labels.Length; i++) labels[i] = _labels[i];
        Safetensors.Write(path, new List<NamedTensor>
        {
            new("inputs", [Count, Batch, .. sampleShape], _inputs),
            new("labels", [Count, Batch], labels),
        });
    }

    /// <summary>A uniform double in [0, 1) from SplitMix64.</summary>
    private static double Unit(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (z >> 11) * (1.0 / (1UL << 53));
    }
}
