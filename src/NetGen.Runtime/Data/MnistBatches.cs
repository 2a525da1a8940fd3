using System;

namespace NetGen.Data;

/// <summary>
/// An <see cref="MnistDataset"/> in seeded shuffled batches (<see cref="BatchIterator"/>'s order:
/// epoch e's permutation depends on the seed and e alone), copied into buffers allocated once.
/// </summary>
public sealed class ShuffledBatches : IBatchSource
{
    private readonly MnistDataset _data;
    private readonly BatchIterator _iterator;
    private readonly float[] _images;
    private readonly int[] _labels;

    /// <summary>Batches of <paramref name="batchSize"/> samples of <paramref name="data"/>, shuffled by <paramref name="seed"/>.</summary>
    public ShuffledBatches(MnistDataset data, int batchSize, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _data = data;
        _iterator = new BatchIterator(data.Count, batchSize, seed);
        _images = new float[batchSize * data.ImageSize];
        _labels = new int[batchSize];
    }

    /// <inheritdoc/>
    public int BatchCount => _iterator.BatchCount;

    /// <inheritdoc/>
    public void BeginEpoch(int epoch) => _iterator.BeginEpoch(epoch);

    /// <inheritdoc/>
    public bool TryNext(out ReadOnlySpan<float> inputs, out ReadOnlySpan<int> labels)
    {
        int n = _iterator.Next(_data, _images, _labels);
        inputs = _images.AsSpan(0, n * _data.ImageSize);
        labels = _labels.AsSpan(0, n);
        return n > 0;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}

/// <summary>An <see cref="MnistDataset"/> in consecutive batches, every sample once per epoch: slices of the data itself, nothing copied.</summary>
public sealed class OrderedBatches : IBatchSource
{
    private readonly MnistDataset _data;
    private readonly int[] _labels;
    private readonly int _batchSize;
    private int _next;

    /// <summary>Batches of <paramref name="batchSize"/> samples of <paramref name="data"/>, in order.</summary>
    public OrderedBatches(MnistDataset data, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _data = data;
        _labels = Array.ConvertAll(data.Labels.ToArray(), b => (int)b);
        _batchSize = batchSize;
        _next = data.Count;
    }

    /// <inheritdoc/>
    public int BatchCount => (_data.Count + _batchSize - 1) / _batchSize;

    /// <inheritdoc/>
    public void BeginEpoch(int epoch) => _next = 0;

    /// <inheritdoc/>
    public bool TryNext(out ReadOnlySpan<float> inputs, out ReadOnlySpan<int> labels)
    {
        int n = Math.Min(_batchSize, _data.Count - _next);
        inputs = _data.Images.Slice(_next * _data.ImageSize, n * _data.ImageSize);
        labels = _labels.AsSpan(_next, n);
        _next += n;
        return n > 0;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
