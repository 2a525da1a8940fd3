using System;

namespace NetGen.Data;

/// <summary>
/// Mini-batches of one part of a dataset, as <see cref="Training.Trainer"/> reads them: inputs
/// (N x C x H x W floats, channels first) and labels (N, or N x H x W for per-pixel scores). A
/// source for training shuffles by its own seed; one for validation gives every sample once.
/// </summary>
public interface IBatchSource : IDisposable
{
    /// <summary>Batches per epoch.</summary>
    int BatchCount { get; }

    /// <summary>Starts epoch <paramref name="epoch"/> (from 1); its order depends only on the source's seed and the epoch.</summary>
    void BeginEpoch(int epoch);

    /// <summary>The next batch, valid until the next call; false at the end of the epoch. Allocates nothing.</summary>
    bool TryNext(out ReadOnlySpan<float> inputs, out ReadOnlySpan<int> labels);
}
