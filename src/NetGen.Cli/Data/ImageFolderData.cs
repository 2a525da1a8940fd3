using System;
using NetGen.Data;
using NetGen.Imaging;

namespace NetGen.Cli.Data;

/// <summary>
/// An image folder (one subfolder per class) decoded and resized to the network's input by
/// NetGen.Imaging, split into training and validation parts by a seeded stratified split.
/// Images are decoded on a background thread while the network trains.
/// </summary>
internal sealed class ImageFolderData : LabeledData
{
    private readonly ImageFolderDataset _dataset;
    private readonly ImageSplit _split;

    public ImageFolderData(ImageFolderDataset dataset, ImageSplit split, string description)
        : base(description, dataset.ClassNames, dataset.Options.Channels, dataset.Options.Height, dataset.Options.Width)
    {
        _dataset = dataset;
        _split = split;
    }

    public override int TrainCount => _split.Train.Length;
    public override int ValidationCount => _split.Validation.Length;

    public override IBatchSource OpenTrain(int batchSize, ulong seed) =>
        new Loader(new ImageBatchLoader(_dataset, _split.Train, batchSize, seed));

    public override IBatchSource OpenValidation(int batchSize) =>
        new Loader(new ImageBatchLoader(_dataset, _split.Validation, batchSize, seed: 0, shuffle: false));

    private sealed class Loader : IBatchSource
    {
        private readonly ImageBatchLoader _loader;

        public Loader(ImageBatchLoader loader) => _loader = loader;

        public int BatchCount => _loader.BatchCount;

        public void BeginEpoch(int epoch) => _loader.BeginEpoch(epoch);

        public bool TryNext(out ReadOnlySpan<float> inputs, out ReadOnlySpan<int> labels)
        {
            if (_loader.TryNext(out ImageBatch batch))
            {
                inputs = batch.Images;
                labels = batch.Labels;
                return true;
            }
            inputs = default;
            labels = default;
            return false;
        }

        public void Dispose() => _loader.Dispose();
    }
}
