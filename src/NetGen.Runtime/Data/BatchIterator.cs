using System;
using NetGen.Training;

namespace NetGen.Data;

/// <summary>
/// Walks a dataset in shuffled mini-batches. Each epoch's order is a permutation drawn from
/// the seed and the epoch number alone, so epoch 7 has the same order whether or not epochs
/// 0 to 6 ran in this process (training can resume). Nothing is allocated per batch.
/// </summary>
public sealed class BatchIterator
{
    private readonly int[] _order;
    private readonly ulong _seed;
    private int _position;

    /// <summary>
    /// Iterates <paramref name="sampleCount"/> samples in batches of <paramref name="batchSize"/>;
    /// with <paramref name="dropLast"/> a final partial batch is skipped. Call
    /// <see cref="BeginEpoch"/> before the first batch.
    /// </summary>
    public BatchIterator(int sampleCount, int batchSize, ulong seed, bool dropLast = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _order = new int[sampleCount];
        _seed = seed;
        BatchSize = batchSize;
        DropLast = dropLast;
        Epoch = -1;
        _position = sampleCount;
    }

    /// <summary>Samples per full batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether a final partial batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>Number of samples iterated over.</summary>
    public int SampleCount => _order.Length;

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => DropLast ? SampleCount / BatchSize : (SampleCount + BatchSize - 1) / BatchSize;

    /// <summary>The current epoch, or -1 before the first <see cref="BeginEpoch"/>.</summary>
    public int Epoch { get; private set; }

    /// <summary>The current epoch's sample order (a permutation of 0 .. SampleCount - 1).</summary>
    public ReadOnlySpan<int> Order => _order;

    /// <summary>
    /// Starts <paramref name="epoch"/>: the order becomes the identity shuffled by a
    /// <see cref="SeededRandom"/> seeded with splitmix64 of (seed + epoch * 0x9E3779B97F4A7C15).
    /// </summary>
    public void BeginEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ulong state = unchecked(_seed + (ulong)epoch * 0x9E3779B97F4A7C15UL);
        var rng = new SeededRandom(SeededRandom.SplitMix64(ref state));
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        rng.Shuffle(_order.AsSpan());
        Epoch = epoch;
        _position = 0;
    }

    /// <summary>
    /// The next batch's sample indices (a slice of <see cref="Order"/>, valid until the next
    /// <see cref="BeginEpoch"/>); false when the epoch is done.
    /// </summary>
    public bool TryNext(out ReadOnlySpan<int> indices)
    {
        int remaining = _order.Length - _position;
        if (remaining <= 0 || (DropLast && remaining < BatchSize))
        {
            indices = default;
            return false;
        }

        int count = Math.Min(BatchSize, remaining);
        indices = _order.AsSpan(_position, count);
        _position += count;
        return true;
    }

    /// <summary>
    /// Copies the next batch of <paramref name="data"/> into the caller's buffers
    /// (<paramref name="images"/>: BatchSize x Rows x Columns floats, <paramref name="labels"/>:
    /// BatchSize) and returns its size, 0 when the epoch is done.
    /// </summary>
    public int Next(MnistDataset data, Span<float> images, Span<int> labels)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count != SampleCount)
        {
            throw new ArgumentException($"The dataset has {data.Count} samples; this iterator was made for {SampleCount}.", nameof(data));
        }

        if (!TryNext(out ReadOnlySpan<int> indices))
        {
            return 0;
        }

        data.CopyBatch(indices, images, labels);
        return indices.Length;
    }
}
