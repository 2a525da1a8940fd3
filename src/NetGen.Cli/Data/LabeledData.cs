using System;
using System.Collections.Generic;
using NetGen.Data;

namespace NetGen.Cli.Data;

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
