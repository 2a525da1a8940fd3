using System;

namespace NetGen.Imaging;

/// <summary>
/// One batch from an <see cref="ImageBatchLoader"/>: a slot of its ring, preallocated and reused.
/// Valid until the next <see cref="ImageBatchLoader.TryNext"/> or <see cref="ImageBatchLoader.BeginEpoch"/>.
/// </summary>
public sealed class ImageBatch
{
    private readonly float[] _images;
    private readonly int[] _labels;
    private readonly int[] _indices;
    private readonly int _sampleSize;

    internal ImageBatch(int batchSize, int sampleSize)
    {
        _images = new float[checked(batchSize * sampleSize)];
        _labels = new int[batchSize];
        _indices = new int[batchSize];
        _sampleSize = sampleSize;
    }

    /// <summary>Samples in this batch: the batch size, less at the end of an epoch or where images were skipped.</summary>
    public int Count { get; private set; }

    /// <summary>The epoch this batch belongs to.</summary>
    public int Epoch { get; private set; }

    /// <summary>The batch's position in its epoch, from 0.</summary>
    public int Number { get; private set; }

    /// <summary>The samples, Count x C x H x W floats (NCHW).</summary>
    public ReadOnlySpan<float> Images => _images.AsSpan(0, Count * _sampleSize);

    /// <summary>The labels, Count.</summary>
    public ReadOnlySpan<int> Labels => _labels.AsSpan(0, Count);

    /// <summary>The dataset index of each sample, Count.</summary>
    public ReadOnlySpan<int> Indices => _indices.AsSpan(0, Count);

    // Set by the loader thread; read by the consumer after the ready semaphore orders them.
    internal bool IsEndOfEpoch { get; private set; }

    internal ImageLoadException? Error { get; private set; }

    internal void Begin(int epoch, int number)
    {
        Count = 0;
        Epoch = epoch;
        Number = number;
        IsEndOfEpoch = false;
        Error = null;
    }

    internal Span<float> NextSample() => _images.AsSpan(Count * _sampleSize, _sampleSize);

    internal void Commit(int index, int label)
    {
        _indices[Count] = index;
        _labels[Count] = label;
        Count++;
    }

    internal void MarkEnd(int epoch)
    {
        Begin(epoch, -1);
        IsEndOfEpoch = true;
    }

    internal void MarkFailed(ImageLoadException error)
    {
        Count = 0;
        Error = error;
    }
}
