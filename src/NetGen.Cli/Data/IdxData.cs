using System;
using System.Globalization;
using NetGen.Data;

namespace NetGen.Cli.Data;

/// <summary>MNIST-format IDX data held in memory: a training set and a validation set.</summary>
internal sealed class IdxData : LabeledData
{
    private readonly MnistDataset _train;
    private readonly MnistDataset _validation;

    public IdxData(string description, MnistDataset train, MnistDataset validation)
        : base(description, ClassNamesOf(MnistDataset.ClassCount), 1, train.Rows, train.Columns)
    {
        _train = train;
        _validation = validation;
    }

    public override int TrainCount => _train.Count;
    public override int ValidationCount => _validation.Count;

    public override IBatchSource OpenTrain(int batchSize, ulong seed) => new Shuffled(_train, batchSize, seed);

    public override IBatchSource OpenValidation(int batchSize) => new InOrder(_validation, batchSize);

    private static string[] ClassNamesOf(int count)
    {
        var names = new string[count];
        for (int i = 0; i < count; i++) names[i] = i.ToString(CultureInfo.InvariantCulture);
        return names;
    }

    private static int[] Labels(MnistDataset data) => Array.ConvertAll(data.Labels.ToArray(), b => (int)b);

    /// <summary>Seeded shuffled batches copied into buffers allocated once.</summary>
    private sealed class Shuffled : IBatchSource
    {
        private readonly MnistDataset _data;
        private readonly BatchIterator _iterator;
        private readonly float[] _images;
        private readonly int[] _labels;

        public Shuffled(MnistDataset data, int batchSize, ulong seed)
        {
            _data = data;
            _iterator = new BatchIterator(data.Count, batchSize, seed);
            _images = new float[batchSize * data.ImageSize];
            _labels = new int[batchSize];
        }

        public int BatchCount => _iterator.BatchCount;

        public void BeginEpoch(int epoch) => _iterator.BeginEpoch(epoch);

        public bool TryNext(out ReadOnlySpan<float> images, out ReadOnlySpan<int> labels)
        {
            int n = _iterator.Next(_data, _images, _labels);
            images = _images.AsSpan(0, n * _data.ImageSize);
            labels = _labels.AsSpan(0, n);
            return n > 0;
        }

        public void Dispose()
        {
        }
    }

    /// <summary>Consecutive slices of the data itself: nothing is copied.</summary>
    private sealed class InOrder : IBatchSource
    {
        private readonly MnistDataset _data;
        private readonly int[] _labels;
        private readonly int _batchSize;
        private int _next;

        public InOrder(MnistDataset data, int batchSize)
        {
            _data = data;
            _labels = Labels(data);
            _batchSize = batchSize;
            _next = data.Count;
        }

        public int BatchCount => (_data.Count + _batchSize - 1) / _batchSize;

        public void BeginEpoch(int epoch) => _next = 0;

        public bool TryNext(out ReadOnlySpan<float> images, out ReadOnlySpan<int> labels)
        {
            int n = Math.Min(_batchSize, _data.Count - _next);
            images = _data.Images.Slice(_next * _data.ImageSize, n * _data.ImageSize);
            labels = _labels.AsSpan(_next, n);
            _next += n;
            return n > 0;
        }

        public void Dispose()
        {
        }
    }
}
