using System;
using System.IO;

namespace NetGen.Data;

/// <summary>
/// MNIST-style images and labels in memory: images as float32 in [0, 1] (grey byte / 255),
/// laid out N x Rows x Columns (x 1 channel, so the same buffer is NCHW and NHWC), labels as
/// bytes 0 to 9. Also holds Fashion-MNIST, which uses the same files and names.
/// </summary>
public sealed class MnistDataset
{
    /// <summary>File-name prefix of the 60,000-image training files ("train-images-idx3-ubyte").</summary>
    public const string TrainPrefix = "train";

    /// <summary>File-name prefix of the 10,000-image test files ("t10k-images-idx3-ubyte").</summary>
    public const string TestPrefix = "t10k";

    /// <summary>File-name prefix of the 10,000 digits shipped in samples/Mnist/data.</summary>
    public const string Sample10kPrefix = "mnist-10k";

    /// <summary>Number of classes (digits 0 to 9, or Fashion-MNIST's ten garments).</summary>
    public const int ClassCount = 10;

    private readonly float[] _images;
    private readonly byte[] _labels;

    /// <summary>Wraps <paramref name="images"/> (count x rows x columns, values in [0, 1]) and <paramref name="labels"/>.</summary>
    public MnistDataset(float[] images, byte[] labels, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if ((long)labels.Length * rows * columns != images.Length)
        {
            throw new ArgumentException(
                $"{labels.Length} labels need {(long)labels.Length * rows * columns} pixels of {rows} x {columns}, but there are {images.Length}.", nameof(images));
        }

        int bad = labels.AsSpan().IndexOfAnyInRange((byte)ClassCount, byte.MaxValue);
        if (bad >= 0)
        {
            throw new ArgumentException($"Label {labels[bad]} at index {bad} is not a class 0 to {ClassCount - 1}.", nameof(labels));
        }

        _images = images;
        _labels = labels;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>Number of samples N.</summary>
    public int Count => _labels.Length;

    /// <summary>Image height in pixels (28 for MNIST).</summary>
    public int Rows { get; }

    /// <summary>Image width in pixels (28 for MNIST).</summary>
    public int Columns { get; }

    /// <summary>Floats per image, Rows x Columns.</summary>
    public int ImageSize => Rows * Columns;

    /// <summary>All images, N x Rows x Columns, values in [0, 1].</summary>
    public ReadOnlySpan<float> Images => _images;

    /// <summary>All labels, N, each 0 to 9.</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>Image <paramref name="index"/>, Rows x Columns.</summary>
    public ReadOnlySpan<float> GetImage(int index) => _images.AsSpan(checked(index * ImageSize), ImageSize);

    /// <summary>
    /// Loads the files <c>{prefix}-images-idx3-ubyte</c> and <c>{prefix}-labels-idx1-ubyte</c> from
    /// <paramref name="folder"/>, each raw or with ".gz" (also the "images.idx3-ubyte" spelling some
    /// mirrors use); the raw file is preferred when both exist. Use <see cref="TrainPrefix"/>,
    /// <see cref="TestPrefix"/> or <see cref="Sample10kPrefix"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message lists the names tried.</exception>
    /// <exception cref="DataFormatException">A file is malformed or the two files disagree.</exception>
    public static MnistDataset Load(string folder, string prefix = TrainPrefix)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(prefix);
        string images = Find(folder, prefix, "images", 3);
        string labels = Find(folder, prefix, "labels", 1);
        return LoadFiles(images, labels);
    }

    /// <summary>Loads an image file and a label file (IDX, raw or gzip) that describe the same samples.</summary>
    /// <exception cref="DataFormatException">A file is malformed or the two files disagree.</exception>
    public static MnistDataset LoadFiles(string imagesPath, string labelsPath)
    {
        IdxArray images = IdxReader.ReadImages(imagesPath);
        byte[] labels = IdxReader.ReadLabels(labelsPath, ClassCount);
        ReadOnlySpan<int> dims = images.Dimensions;
        if (dims[0] != labels.Length)
        {
            throw new DataFormatException(labelsPath,
                $"holds {labels.Length} labels, but the image file {imagesPath} holds {dims[0]} images");
        }

        if (dims[1] == 0 || dims[2] == 0)
        {
            throw new DataFormatException(imagesPath, $"images of {dims[1]} x {dims[2]} pixels are empty");
        }

        var pixels = new float[images.Data.Length];
        ReadOnlySpan<byte> source = images.Data;
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = source[i] / 255f;
        }

        return new MnistDataset(pixels, labels, dims[1], dims[2]);
    }

    /// <summary>A new dataset of the samples at <paramref name="indices"/>, in that order (copied).</summary>
    public MnistDataset Select(ReadOnlySpan<int> indices)
    {
        var images = new float[(long)indices.Length * ImageSize];
        var labels = new byte[indices.Length];
        CopyBatch(indices, images, labels);
        return new MnistDataset(images, labels, Rows, Columns);
    }

    /// <summary>
    /// Deterministic stratified split into disjoint train and test sets (copies); see
    /// <see cref="DatasetSplit.Stratified"/> for the exact algorithm. The same seed gives the
    /// same split on every machine.
    /// </summary>
    public (MnistDataset Train, MnistDataset Test) Split(int trainCount, int testCount, ulong seed)
    {
        DatasetSplit split = DatasetSplit.Stratified(_labels, ClassCount, trainCount, testCount, seed);
        return (Select(split.Train), Select(split.Test));
    }

    /// <summary>
    /// Copies the samples at <paramref name="indices"/> into <paramref name="images"/>
    /// (indices.Length x Rows x Columns) and <paramref name="labels"/> (indices.Length).
    /// </summary>
    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> images, Span<int> labels)
    {
        CheckBatch(indices.Length, images.Length, labels.Length);
        for (int b = 0; b < indices.Length; b++)
        {
            GetImage(indices[b]).CopyTo(images.Slice(b * ImageSize, ImageSize));
            labels[b] = _labels[indices[b]];
        }
    }

    /// <inheritdoc cref="CopyBatch(ReadOnlySpan{int}, Span{float}, Span{int})"/>
    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> images, Span<byte> labels)
    {
        CheckBatch(indices.Length, images.Length, labels.Length);
        for (int b = 0; b < indices.Length; b++)
        {
            GetImage(indices[b]).CopyTo(images.Slice(b * ImageSize, ImageSize));
            labels[b] = _labels[indices[b]];
        }
    }

    private void CheckBatch(int count, int imageLength, int labelLength)
    {
        if ((long)imageLength < (long)count * ImageSize || labelLength < count)
        {
            throw new ArgumentException(
                $"A batch of {count} needs {(long)count * ImageSize} image floats and {count} labels; the buffers hold {imageLength} and {labelLength}.");
        }
    }

    private static string Find(string folder, string prefix, string kind, int rank)
    {
        string[] names =
        [
            $"{prefix}-{kind}-idx{rank}-ubyte",
            $"{prefix}-{kind}-idx{rank}-ubyte.gz",
            $"{prefix}-{kind}.idx{rank}-ubyte",
            $"{prefix}-{kind}.idx{rank}-ubyte.gz",
        ];
        foreach (string name in names)
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException(
            $"No MNIST {kind} file in {folder}; looked for {string.Join(", ", names)}.", Path.Combine(folder, names[0]));
    }
}
