using System;
using System.Collections.Generic;

namespace NetGen.Cli.Data;

/// <summary>Mini-batches of one part of a dataset: images (N x C x H x W floats) and labels (N).</summary>
internal interface IBatchSource : IDisposable
{
    /// <summary>Batches per epoch.</summary>
    int BatchCount { get; }

    /// <summary>Starts epoch <paramref name="epoch"/> (from 1); its order depends only on the seed and the epoch.</summary>
    void BeginEpoch(int epoch);

    /// <summary>The next batch, valid until the next call; false at the end of the epoch.</summary>
    bool TryNext(out ReadOnlySpan<float> images, out ReadOnlySpan<int> labels);
}

/// <summary>
/// A labelled dataset split into a training part and a validation part, each sample already
/// the network's input size (C x H x W floats).
/// </summary>
internal abstract class LabeledData : IDisposable
{
    protected LabeledData(string description, IReadOnlyList<string> classNames, int channels, int height, int width)
    {
        Description = description;
        ClassNames = classNames;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>Where the data came from and how it was split, for the run's header.</summary>
    public string Description { get; }

    /// <summary>Class names in label order.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }

    /// <summary>Floats per sample.</summary>
    public int SampleSize => Channels * Height * Width;

    /// <summary>"(C, H, W)", as the generator prints shapes.</summary>
    public string ShapeText => $"({Channels}, {Height}, {Width})";

    public abstract int TrainCount { get; }
    public abstract int ValidationCount { get; }

    /// <summary>The training part in shuffled batches (a seeded order per epoch).</summary>
    public abstract IBatchSource OpenTrain(int batchSize, ulong seed);

    /// <summary>The validation part in batches, every sample once per epoch.</summary>
    public abstract IBatchSource OpenValidation(int batchSize);

    public virtual void Dispose()
    {
    }
}
