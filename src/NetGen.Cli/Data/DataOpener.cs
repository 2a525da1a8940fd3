using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using NetGen.Data;
using NetGen.Generator.Model;
using NetGen.Imaging;

namespace NetGen.Cli.Data;

/// <summary>
/// Opens --data: a folder of MNIST-format IDX files ({prefix}-images-idx3-ubyte and
/// {prefix}-labels-idx1-ubyte, raw or .gz), or an image folder with one subfolder per class.
/// IDX: "train" trains and "t10k" validates when both are there; a folder with one set is split
/// (stratified, seeded). Image folders are split the same way and resized to the network's input.
/// </summary>
internal static class DataOpener
{
    private const string ImagesMarker = "-images";

    /// <param name="folder">The --data folder.</param>
    /// <param name="input">The network's input shape: IDX samples must match it; images are resized to it.</param>
    /// <param name="validationFraction">Share of a single set held out for validation, in (0, 1).</param>
    /// <param name="seed">Seed of the split.</param>
    /// <param name="warnings">Receives one line per unreadable image.</param>
    public static LabeledData Open(string folder, Shape input, double validationFraction, ulong seed, TextWriter warnings)
    {
        string root = Path.GetFullPath(folder);
        if (!Directory.Exists(root)) throw new CliException($"{root}: error: data folder not found", ExitCodes.NotFound);
        var prefixes = IdxPrefixes(root);
        if (prefixes.Count > 0) return OpenIdx(root, prefixes, input, validationFraction, seed);
        if (Directory.EnumerateDirectories(root).Any(d => !Path.GetFileName(d).StartsWith('.')))
            return OpenImages(root, input, validationFraction, seed, warnings);
        throw new CliException($"{root}: error: no data found: expected MNIST IDX files (train-images-idx3-ubyte[.gz] and " +
            "train-labels-idx1-ubyte[.gz]) or one subfolder of images per class");
    }

    /// <summary>The prefixes of the IDX image files in <paramref name="root"/> ("train", "t10k", "mnist-10k").</summary>
    private static List<string> IdxPrefixes(string root) =>
        Directory.EnumerateFiles(root)
            .Select(path => Path.GetFileName(path))
            .Where(name => name.Contains(ImagesMarker + "-idx3-ubyte", StringComparison.Ordinal) || name.Contains(ImagesMarker + ".idx3-ubyte", StringComparison.Ordinal))
            .Select(name => name[..name.IndexOf(ImagesMarker, StringComparison.Ordinal)])
            .Distinct(StringComparer.Ordinal)
            .OrderBy(p => p, StringComparer.Ordinal)
            .ToList();

    private static LabeledData OpenIdx(string root, List<string> prefixes, Shape input, double validationFraction, ulong seed)
    {
        MnistDataset train, validation;
        string description;
        if (prefixes.Contains(MnistDataset.TrainPrefix) && prefixes.Contains(MnistDataset.TestPrefix))
        {
            train = Load(root, MnistDataset.TrainPrefix);
            validation = Load(root, MnistDataset.TestPrefix);
            description = $"{root}: {MnistDataset.TrainPrefix} for training, {MnistDataset.TestPrefix} for validation";
        }
        else
        {
            string prefix = prefixes.Contains(MnistDataset.TrainPrefix) ? MnistDataset.TrainPrefix
                : prefixes.Count == 1 ? prefixes[0]
                : throw new CliException($"{root}: error: several IDX sets ({string.Join(", ", prefixes)}) and none named '{MnistDataset.TrainPrefix}': keep one set, or name them train and t10k");
            var all = Load(root, prefix);
            int held = HeldOut(all.Count, validationFraction, root);
            (train, validation) = all.Split(all.Count - held, held, seed);
            description = string.Create(CultureInfo.InvariantCulture, $"{root}: {prefix} split by seed {seed}");
        }
        CheckShape(root, 1, train.Rows, train.Columns, input);
        return new IdxData(description, train, validation);
    }

    private static MnistDataset Load(string root, string prefix)
    {
        try
        {
            return MnistDataset.Load(root, prefix);
        }
        catch (FileNotFoundException e)
        {
            throw new CliException($"{e.FileName ?? root}: error: file not found (nor with .gz, nor spelled .idx)");
        }
        catch (DataFormatException e)
        {
            throw new CliException($"{e.SourceName}: error: {e.Reason}");
        }
    }

    private static LabeledData OpenImages(string root, Shape input, double validationFraction, ulong seed, TextWriter warnings)
    {
        if (input.IsVector || input.C is not (1 or 3))
            throw new CliException($"{root}: error: an image folder gives (1 or 3, H, W) samples; the network takes {input}");
        try
        {
            var options = new ImageFolderOptions(input.H, input.W, input.C);
            var dataset = ImageFolderDataset.Open(root, options, skipped => warnings.WriteLine($"{skipped.Path}: warning: skipped: {skipped.Reason}"));
            dataset.ValidateHeaders();
            int usable = dataset.Count - dataset.Skipped.Count;
            int held = HeldOut(usable, validationFraction, root);
            var split = dataset.Split(usable - held, held, 0, seed);
            string description = string.Create(CultureInfo.InvariantCulture,
                $"{root}: {dataset.ClassCount} classes, split by seed {seed}, resized to {input.H} x {input.W}");
            return new ImageFolderData(dataset, split, description);
        }
        catch (DataFormatException e)
        {
            throw new CliException($"{e.SourceName}: error: {e.Reason}");
        }
    }

    private static int HeldOut(int count, double fraction, string root)
    {
        int held = (int)Math.Round(count * fraction, MidpointRounding.AwayFromZero);
        if (held < 1 || held >= count)
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"{root}: error: {count} samples cannot be split {fraction:0.##} for validation: both parts need at least one sample"));
        return held;
    }

    /// <summary>IDX samples are used as they are, so their shape must be the network's input.</summary>
    public static void CheckShape(string source, int c, int h, int w, Shape input)
    {
        bool matches = input.IsVector ? input.C == c * h * w : input.C == c && input.H == h && input.W == w;
        if (!matches)
            throw new CliException($"{source}: error: the samples are ({c}, {h}, {w}) but the network's input is {input}");
    }
}
