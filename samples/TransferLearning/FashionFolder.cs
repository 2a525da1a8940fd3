using System;
using System.Globalization;
using System.IO;
using NetGen.Data;
using NetGen.Imaging;

namespace Samples.TransferLearning;

/// <summary>
/// The default image folder: the first <c>perClass</c> images of each class of Fashion-MNIST's
/// training set, in file order, upscaled from 28x28 to size x size (bilinear) and written as
/// grey PNG files, one subfolder per class ("0-t-shirt", ..., "9-ankle-boot": the prefix keeps
/// the folders' ordinal order equal to Fashion-MNIST's labels). The program then reads them back
/// through <see cref="ImageFolderDataset"/> like any user's folder.
/// </summary>
internal static class FashionFolder
{
    private static readonly string[] ClassNames =
        ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"];

    /// <summary>
    /// Returns <paramref name="folder"/>, writing it first when absent (into a temporary sibling
    /// then renamed, so an interrupted run never leaves a half-written folder behind).
    /// </summary>
    public static string Ensure(string fashionMnist, string folder, int perClass, int size)
    {
        if (Directory.Exists(folder))
        {
            return folder;
        }

        MnistDataset train = MnistDataset.Load(fashionMnist, MnistDataset.TrainPrefix);
        string partial = folder + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        for (int c = 0; c < ClassNames.Length; c++)
        {
            Directory.CreateDirectory(Path.Combine(partial, ClassFolder(c)));
        }

        var written = new int[ClassNames.Length];
        var pixels = new byte[size * size];
        for (int i = 0; i < train.Count; i++)
        {
            int label = train.Labels[i];
            if (written[label] == perClass)
            {
                continue;
            }

            Upscale(train.GetImage(i), train.Rows, train.Columns, pixels, size);
            string name = string.Create(CultureInfo.InvariantCulture, $"{written[label]:D4}.png");
            PngWriter.Save(Path.Combine(partial, ClassFolder(label), name), pixels, size, size, channels: 1);
            written[label]++;
        }

        for (int c = 0; c < written.Length; c++)
        {
            if (written[c] < perClass)
            {
                throw new DataFormatException(fashionMnist, $"class {c} has only {written[c]} training images; {perClass} are needed");
            }
        }

        Directory.Move(partial, folder);
        return folder;
    }

    private static string ClassFolder(int label) =>
        string.Create(CultureInfo.InvariantCulture, $"{label}-{ClassNames[label]}");

    /// <summary>
    /// Bilinear resize of a (rows, columns) image with values 0..1 to (size, size) bytes 0..255,
    /// sampling at pixel centres (PyTorch's align_corners=false), edges clamped.
    /// </summary>
    private static void Upscale(ReadOnlySpan<float> source, int rows, int columns, Span<byte> destination, int size)
    {
        for (int y = 0; y < size; y++)
        {
            (int y0, int y1, float fy) = Taps(y, rows, size);
            for (int x = 0; x < size; x++)
            {
                (int x0, int x1, float fx) = Taps(x, columns, size);
                float top = source[y0 * columns + x0] + fx * (source[y0 * columns + x1] - source[y0 * columns + x0]);
                float bottom = source[y1 * columns + x0] + fx * (source[y1 * columns + x1] - source[y1 * columns + x0]);
                float value = top + fy * (bottom - top);
                destination[y * size + x] = (byte)Math.Clamp(MathF.Round(value * 255f), 0f, 255f);
            }
        }
    }

    /// <summary>The two source pixels around output pixel <paramref name="i"/>'s centre and the weight of the second.</summary>
    private static (int Low, int High, float Fraction) Taps(int i, int sourceSize, int size)
    {
        float position = Math.Max(0f, (i + 0.5f) * sourceSize / size - 0.5f);
        int low = Math.Min((int)position, sourceSize - 1);
        int high = Math.Min(low + 1, sourceSize - 1);
        return (low, high, position - low);
    }
}
