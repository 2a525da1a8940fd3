using System;
using NetGen.Data;
using Samples.Mnist;

namespace Samples.FashionMnist;

/// <summary>
/// The training batches the <see cref="NetGen.Training.Trainer"/> reads: a seeded shuffle per epoch
/// (<see cref="BatchIterator"/>), each batch copied into a buffer allocated once and then flipped and
/// shifted in place (<see cref="Augment"/>). Implementing <see cref="IBatchSource"/> is all a data
/// pipeline needs to train through the library.
/// </summary>
internal sealed class AugmentedBatches : IBatchSource
{
    private readonly MnistDataset _data;
    private readonly BatchIterator _iterator;
    private readonly Augment _augment;
    private readonly float[] _images;
    private readonly int[] _labels;

    public AugmentedBatches(MnistDataset data, int batchSize, ulong seed, Augment augment)
    {
        _data = data;
        _iterator = new BatchIterator(data.Count, batchSize, seed);
        _augment = augment;
        _images = new float[batchSize * data.ImageSize];
        _labels = new int[batchSize];
    }

    public int BatchCount => _iterator.BatchCount;

    public void BeginEpoch(int epoch) => _iterator.BeginEpoch(epoch);

    public bool TryNext(out ReadOnlySpan<float> inputs, out ReadOnlySpan<int> labels)
    {
        int n = _iterator.Next(_data, _images, _labels);
        _augment.Apply(_images, n);
        inputs = _images.AsSpan(0, n * _data.ImageSize);
        labels = _labels.AsSpan(0, n);
        return n > 0;
    }

    public void Dispose()
    {
    }
}
