using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using NetGen.Data;

namespace NetGen.Imaging;

/// <summary>
/// Labelled images laid out as <c>root/&lt;class&gt;/&lt;image&gt;</c>, one subfolder per class.
/// Class names are the subfolder names sorted ordinally (by UTF-16 code unit, the same on every
/// machine and culture), and a class's label is its index in that order. Files within a class
/// are sorted ordinally too, so sample indices are stable. Only the list of files is held in
/// memory; images are decoded on demand by <see cref="TryLoad"/>.
/// </summary>
/// <remarks>
/// An unreadable or corrupt image is reported once (in <see cref="Skipped"/> and through the
/// callback given to <see cref="Open"/>) and from then on left out; it never stops an epoch.
/// Thread-safe for concurrent <see cref="TryLoad"/> calls with different decoders.
/// </remarks>
public sealed class ImageFolderDataset
{
    private readonly string[] _paths;
    private readonly int[] _labels;
    private readonly bool[] _skipped;
    private readonly List<SkippedImage> _skippedList = [];
    private readonly Action<SkippedImage>? _onSkipped;

    private ImageFolderDataset(string root, ImageFolderOptions options, string[] classNames, string[] paths, int[] labels, Action<SkippedImage>? onSkipped)
    {
        Root = root;
        Options = options;
        ClassNames = classNames;
        _paths = paths;
        _labels = labels;
        _skipped = new bool[paths.Length];
        _onSkipped = onSkipped;
    }

    /// <summary>The root folder's full path.</summary>
    public string Root { get; }

    /// <summary>Sample shape and normalisation.</summary>
    public ImageFolderOptions Options { get; }

    /// <summary>Class names (subfolder names) in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount => ClassNames.Count;

    /// <summary>Number of image files found (including any skipped later).</summary>
    public int Count => _paths.Length;

    /// <summary>Every sample's label, in dataset order.</summary>
    public ReadOnlySpan<int> Labels => _labels;

    /// <summary>Floats per sample, C x H x W.</summary>
    public int SampleSize => Options.SampleSize;

    /// <summary>The images skipped so far, in the order they were found bad (a snapshot).</summary>
    public IReadOnlyList<SkippedImage> Skipped
    {
        get
        {
            lock (_skippedList)
            {
                return _skippedList.ToArray();
            }
        }
    }

    /// <summary>Full path of sample <paramref name="index"/>.</summary>
    public string GetPath(int index) => _paths[index];

    /// <summary>Label of sample <paramref name="index"/>.</summary>
    public int GetLabel(int index) => _labels[index];

    /// <summary>Whether sample <paramref name="index"/> was found unreadable and is left out.</summary>
    public bool IsSkipped(int index) => Volatile.Read(ref _skipped[index]);

    /// <summary>
    /// Lists the images under <paramref name="root"/>: each subfolder is a class, each file in it
    /// with one of <see cref="ImageFolderOptions.Extensions"/> an image (subfolders below a class
    /// folder are not searched; names starting with '.' are ignored). <paramref name="onSkipped"/>, if given, is called (on the thread
    /// that decoded it) for each image found unreadable.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The root folder does not exist.</exception>
    /// <exception cref="DataFormatException">The root has no class folders, or a class folder has no images; the message names it.</exception>
    public static ImageFolderDataset Open(string root, ImageFolderOptions options, Action<SkippedImage>? onSkipped = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        string fullRoot = Path.GetFullPath(root);
        if (!Directory.Exists(fullRoot))
        {
            throw new DirectoryNotFoundException($"The image folder {fullRoot} does not exist.");
        }

        string[] classFolders = Directory.GetDirectories(fullRoot).Where(d => !IsHidden(d)).ToArray();
        Array.Sort(classFolders, StringComparer.Ordinal);
        if (classFolders.Length == 0)
        {
            throw new DataFormatException(fullRoot, "holds no class subfolders; expected root/<class>/<image> with one subfolder per class");
        }

        if (classFolders.Length > 256)
        {
            throw new DataFormatException(fullRoot, $"holds {classFolders.Length} class subfolders; at most 256 classes are supported");
        }

        var extensions = new HashSet<string>(options.Extensions, StringComparer.OrdinalIgnoreCase);
        var paths = new List<string>();
        var labels = new List<int>();
        for (int label = 0; label < classFolders.Length; label++)
        {
            string[] files = Directory.GetFiles(classFolders[label])
                .Where(f => !IsHidden(f) && extensions.Contains(Path.GetExtension(f)))
                .ToArray();
            if (files.Length == 0)
            {
                throw new DataFormatException(classFolders[label],
                    $"class folder '{Path.GetFileName(classFolders[label])}' holds no images with extension {string.Join(", ", options.Extensions)}");
            }

            Array.Sort(files, StringComparer.Ordinal);
            paths.AddRange(files);
            labels.AddRange(Enumerable.Repeat(label, files.Length));
        }

        string[] names = classFolders.Select(Path.GetFileName).Select(n => n!).ToArray();
        return new ImageFolderDataset(fullRoot, options, names, paths.ToArray(), labels.ToArray(), onSkipped);
    }

    /// <summary>
    /// Decodes sample <paramref name="index"/> into <paramref name="chw"/> (C x H x W floats) with
    /// <paramref name="decoder"/> (made with this dataset's <see cref="Options"/>). Returns false,
    /// without decoding, for an image already skipped; returns false and reports it when the
    /// image turns out unreadable now.
    /// </summary>
    public bool TryLoad(int index, Span<float> chw, ImageDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        if (!ReferenceEquals(decoder.Options, Options) && decoder.Options != Options)
        {
            throw new ArgumentException("The decoder was made with options other than this dataset's.", nameof(decoder));
        }

        if (IsSkipped(index))
        {
            return false;
        }

        if (decoder.TryDecode(_paths[index], chw, out string? error))
        {
            return true;
        }

        Skip(index, error!);
        return false;
    }

    /// <summary>
    /// Checks every image's header (not its pixels) and skips those that are not PNG or JPEG
    /// files, so a split can leave them out; returns how many were skipped. A truncated image
    /// body is only found when decoded.
    /// </summary>
    public int ValidateHeaders()
    {
        int before = Skipped.Count;
        for (int i = 0; i < _paths.Length; i++)
        {
            if (IsSkipped(i))
            {
                continue;
            }

            string? error = null;
            try
            {
                using var codec = SkiaSharp.SKCodec.Create(_paths[i]);
                if (codec is null)
                {
                    error = "not a PNG or JPEG image, or its header is corrupt";
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"could not be read: {e.Message}";
            }

            if (error is not null)
            {
                Skip(i, error);
            }
        }

        return Skipped.Count - before;
    }

    /// <summary>
    /// Splits the images not yet skipped into disjoint, stratified train, validation and test sets.
    /// Algorithm: <see cref="DatasetSplit.Stratified"/> over the labels of those images, seeded
    /// with <paramref name="seed"/>, orders them so every prefix holds each class in proportion;
    /// the first <paramref name="testCount"/> are the test set, the next
    /// <paramref name="validationCount"/> the validation set, the next <paramref name="trainCount"/>
    /// the training set. The same files, counts and seed give the same split on every machine, and
    /// the test set does not depend on the other two counts.
    /// </summary>
    public ImageSplit Split(int trainCount, int validationCount, int testCount, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(validationCount);
        ArgumentOutOfRangeException.ThrowIfNegative(testCount);
        int[] usable = Enumerable.Range(0, Count).Where(i => !IsSkipped(i)).ToArray();
        var labels = new byte[usable.Length];
        for (int i = 0; i < usable.Length; i++)
        {
            labels[i] = (byte)_labels[usable[i]];
        }

        DatasetSplit split = DatasetSplit.Stratified(labels, ClassCount, trainCount, checked(validationCount + testCount), seed);
        int[] test = split.Test[..testCount].Select(i => usable[i]).ToArray();
        int[] validation = split.Test[testCount..].Select(i => usable[i]).ToArray();
        int[] train = split.Train.Select(i => usable[i]).ToArray();
        return new ImageSplit(train, validation, test);
    }

    /// <summary>
    /// <see cref="Split(int, int, int, ulong)"/> with counts from fractions of the usable images:
    /// test = round(n x testFraction), validation = round(n x validationFraction), train = the rest.
    /// </summary>
    public ImageSplit Split(double validationFraction, double testFraction, ulong seed)
    {
        if (!(validationFraction >= 0) || !(testFraction >= 0) || validationFraction + testFraction > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction),
                $"Fractions must be non-negative and sum to at most 1; got validation {validationFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)} and test {testFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }

        int n = Enumerable.Range(0, Count).Count(i => !IsSkipped(i));
        int test = (int)Math.Round(n * testFraction, MidpointRounding.AwayFromZero);
        int validation = Math.Min(n - test, (int)Math.Round(n * validationFraction, MidpointRounding.AwayFromZero));
        return Split(n - test - validation, validation, test, seed);
    }

    // Names starting with '.' are tool droppings (.ipynb_checkpoints, macOS's "._photo.jpg"
    // resource forks, which are not images), never classes or samples.
    private static bool IsHidden(string path) => Path.GetFileName(path).StartsWith('.');

    private void Skip(int index, string reason)
    {
        var skipped = new SkippedImage(_paths[index], reason);
        lock (_skippedList)
        {
            if (_skipped[index])
            {
                return;
            }

            Volatile.Write(ref _skipped[index], true);
            _skippedList.Add(skipped);
        }

        _onSkipped?.Invoke(skipped);
    }
}
