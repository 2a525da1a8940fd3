using System;
using System.Linq;
using NetGen.Imaging;

namespace Samples.TransferLearning;

/// <summary>One split held in memory: preprocessed (3, Size, Size) network inputs and labels.</summary>
internal sealed record SplitData(float[] Inputs, int[] Labels)
{
    public int Count => Labels.Length;
}

/// <summary>
/// Reads an image folder (one subfolder per class) through <see cref="ImageFolderDataset"/> at
/// size x size RGB in 0..255, splits it stratified and seeded, and applies the network's
/// preprocessing to every image once.
/// </summary>
internal static class ImageSet
{
    public static (ImageFolderDataset Dataset, SplitData Train, SplitData Validation, SplitData Test) Load(
        string folder, Preprocess preprocess, double validationFraction, double testFraction, ulong seed)
    {
        int size = preprocess.Size;
        // Std 1/255 undoes the decoder's division by 255: values are the pixels, 0..255.
        var options = new ImageFolderOptions(size, size, 3)
        {
            Resize = ResizeMode.Stretch,
            Std = [1f / 255f, 1f / 255f, 1f / 255f],
        };
        var dataset = ImageFolderDataset.Open(folder, options);
        dataset.ValidateHeaders();
        ImageSplit split = dataset.Split(validationFraction, testFraction, seed);
        using var decoder = new ImageDecoder(options);
        return (dataset, Read(dataset, decoder, preprocess, split.Train), Read(dataset, decoder, preprocess, split.Validation),
            Read(dataset, decoder, preprocess, split.Test));
    }

    private static SplitData Read(ImageFolderDataset dataset, ImageDecoder decoder, Preprocess preprocess, int[] indices)
    {
        int sample = dataset.SampleSize;
        var image = new float[sample];
        var inputs = new float[indices.Length * sample];
        var labels = new int[indices.Length];
        int kept = 0;
        foreach (int index in indices)
        {
            // An image unreadable now is reported through dataset.Skipped and left out.
            if (!dataset.TryLoad(index, image, decoder))
            {
                continue;
            }

            preprocess.Apply(inputs.AsSpan(kept * sample, sample), image);
            labels[kept++] = dataset.GetLabel(index);
        }

        return kept == indices.Length
            ? new SplitData(inputs, labels)
            : new SplitData(inputs[..(kept * sample)], labels[..kept]);
    }
}
