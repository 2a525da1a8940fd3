using System;
using NetGen.Data;
using NetGen.Onnx;

namespace Samples.ImportOnnx;

/// <summary>
/// MNIST-style 28x28 grey images as the pretrained ResNet-18's inputs: upscaled bilinearly to
/// (3, 224, 224) with the grey value in every channel, 0..255, then the package's preprocessing
/// (RGB to BGR, minus the ImageNet mean image).
/// </summary>
internal static class GreyImages
{
    /// <summary>
    /// The first <paramref name="skip"/> images of each class left out, the next
    /// <paramref name="perClass"/> taken, in file order; (count, 3, side, side) and the labels.
    /// </summary>
    public static (float[] Inputs, int[] Labels) Take(MnistDataset data, int skip, int perClass, MeanImagePreprocess preprocess)
    {
        int classes = MnistDataset.ClassCount, side = preprocess.Height, sample = 3 * side * side;
        var seen = new int[classes];
        var inputs = new float[classes * perClass * sample];
        var labels = new int[classes * perClass];
        var rgb = new float[sample];
        int count = 0;
        for (int i = 0; i < data.Count && count < labels.Length; i++)
        {
            int label = data.Labels[i];
            if (seen[label]++ < skip || seen[label] > skip + perClass) continue;
            Upscale(data.GetImage(i), data.Rows, data.Columns, rgb, side);
            preprocess.Apply(inputs.AsSpan(count * sample, sample), rgb);
            labels[count++] = label;
        }

        if (count < labels.Length)
            throw new DataFormatException("images", $"hold fewer than {skip + perClass} images of some class ({count} of {labels.Length} taken)");
        return (inputs, labels);
    }

    /// <summary>Bilinear (half-pixel centres, edges clamped) from rows x columns in [0, 1] to three equal (side, side) planes in 0..255.</summary>
    private static void Upscale(ReadOnlySpan<float> grey, int rows, int columns, Span<float> rgb, int side)
    {
        int plane = side * side;
        for (int y = 0; y < side; y++)
        {
            float sy = Math.Clamp((y + 0.5f) * rows / side - 0.5f, 0, rows - 1);
            int y0 = (int)sy, y1 = Math.Min(y0 + 1, rows - 1);
            float fy = sy - y0;
            for (int x = 0; x < side; x++)
            {
                float sx = Math.Clamp((x + 0.5f) * columns / side - 0.5f, 0, columns - 1);
                int x0 = (int)sx, x1 = Math.Min(x0 + 1, columns - 1);
                float fx = sx - x0;
                float top = grey[y0 * columns + x0] * (1 - fx) + grey[y0 * columns + x1] * fx;
                float bottom = grey[y1 * columns + x0] * (1 - fx) + grey[y1 * columns + x1] * fx;
                float v = 255f * (top * (1 - fy) + bottom * fy);
                rgb[y * side + x] = v;
                rgb[plane + y * side + x] = v;
                rgb[2 * plane + y * side + x] = v;
            }
        }
    }
}
