using System;
using NetGen.Data;
using Samples.Mnist;

namespace Samples.InferenceApp;

/// <summary>The images (as the network's floats, grey byte / 255, like <see cref="MnistDataset"/>) and their labels, if any.</summary>
internal static class Inputs
{
    /// <exception cref="DataFormatException">A file is not IDX, holds images of another size, or its labels do not match.</exception>
    public static (float[] Images, byte[]? Labels, int Count) Load(Options options)
    {
        IdxArray idx = IdxReader.ReadImages(options.ImagesPath);
        ReadOnlySpan<int> dims = idx.Dimensions;
        if (dims[1] != MnistCnn.InputHeight || dims[2] != MnistCnn.InputWidth)
        {
            throw new DataFormatException(options.ImagesPath,
                $"holds images of {dims[1]} x {dims[2]} pixels; the network takes {MnistCnn.InputHeight} x {MnistCnn.InputWidth}");
        }
        int count = Math.Min(dims[0], options.Count);
        byte[]? labels = null;
        if (options.LabelsPath is not null)
        {
            labels = IdxReader.ReadLabels(options.LabelsPath, MnistDataset.ClassCount);
            if (labels.Length != dims[0])
            {
                throw new DataFormatException(options.LabelsPath,
                    $"holds {labels.Length} labels, but the image file {options.ImagesPath} holds {dims[0]} images");
            }
        }
        var images = new float[count * dims[1] * dims[2]];
        ReadOnlySpan<byte> pixels = idx.Data;
        for (int i = 0; i < images.Length; i++) images[i] = pixels[i] / 255f;
        return (images, labels, count);
    }
}
