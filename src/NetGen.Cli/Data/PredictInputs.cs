using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using NetGen.Data;
using NetGen.Generator.Model;
using NetGen.Imaging;

namespace NetGen.Cli.Data;

/// <summary>One sample to predict: a name to print, its pixels (the network's input layout) and its label when known.</summary>
internal sealed record PredictSample(string Name, float[] Pixels, int? Label);

/// <summary>
/// Samples for `netgen predict`: an image file (PNG or JPEG, decoded and resized to the network's
/// input as image-folder training does) or an MNIST IDX image file, whose first samples are
/// taken with their labels when the matching label file lies beside it. Pixels are scaled to
/// [0, 1], as both training paths do.
/// </summary>
internal static class PredictInputs
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg"];

    public static IReadOnlyList<PredictSample> Read(string path, Shape input, int count)
    {
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new CliException($"{full}: error: file not found", ExitCodes.NotFound);
        string extension = Path.GetExtension(full).ToLowerInvariant();
        if (Array.IndexOf(ImageExtensions, extension) >= 0) return [Image(full, input)];
        if (full.Contains("idx3-ubyte", StringComparison.Ordinal)) return Idx(full, input, count);
        throw new CliException($"{full}: error: expected a .png or .jpg image, or an IDX image file (*-images-idx3-ubyte[.gz])");
    }

    private static PredictSample Image(string path, Shape input)
    {
        if (input.IsVector || input.C is not (1 or 3))
            throw new CliException($"{path}: error: an image gives (1 or 3, H, W) samples; the network's input is {input}");
        using var decoder = new ImageDecoder(new ImageFolderOptions(input.H, input.W, input.C));
        var pixels = new float[input.Elements];
        if (!decoder.TryDecode(path, pixels, out string? error))
            throw new CliException($"{path}: error: {error}");
        return new PredictSample(Path.GetFileName(path), pixels, null);
    }

    private static IReadOnlyList<PredictSample> Idx(string path, Shape input, int count)
    {
        IdxArray images;
        byte[]? labels = null;
        try
        {
            images = IdxReader.ReadImages(path);
            string labelPath = path.Replace("images-idx3", "labels-idx1", StringComparison.Ordinal).Replace("images.idx3", "labels.idx1", StringComparison.Ordinal);
            if (labelPath != path && File.Exists(labelPath)) labels = IdxReader.ReadLabels(labelPath, MnistDataset.ClassCount);
        }
        catch (DataFormatException e)
        {
            throw new CliException($"{e.SourceName}: error: {e.Reason}");
        }
        var dims = images.Dimensions;
        DataOpener.CheckShape(path, 1, dims[1], dims[2], input);
        int size = dims[1] * dims[2];
        int n = Math.Min(count, dims[0]);
        var samples = new List<PredictSample>(n);
        for (int i = 0; i < n; i++)
        {
            var pixels = new float[size];
            for (int p = 0; p < size; p++) pixels[p] = images.Data[i * size + p] / 255f;
            samples.Add(new PredictSample(string.Create(CultureInfo.InvariantCulture, $"#{i}"), pixels, labels?[i]));
        }
        return samples;
    }
}
