using NetGen.Execution;

namespace NetGen.Gpu.Execution;

/// <summary>
/// What <see cref="GpuNetwork"/> and <see cref="GpuTrainableNetwork"/> need to know about a generated
/// network's GPU plan: the <see cref="NetworkLayout"/> of the schedule computed for the GPU backend (the
/// same regions as the CPU's, sized without sample slices; the same parameter table, so weight files move
/// between devices) and where the GPU's kernel buffers sit in the device arena (fp32 elements). The
/// generator writes one as a static field of every network's nested <c>Gpu</c> class.
/// </summary>
public sealed record GpuLayout
{
    /// <summary>The plan's figures: names, sizes, the parameter table, the training blocks (its float counts are the device arena's).</summary>
    public required NetworkLayout Network { get; init; }

    /// <summary>Inference: where the device copy of one input sample (channels-last) starts.</summary>
    public required long InputOffset { get; init; }

    /// <summary>Inference: where the output sample (channels-last) is left by the forward.</summary>
    public required long OutputOffset { get; init; }

    /// <summary>Training: where the batch's labels (int32, <see cref="NetworkLayout.MaxBatch"/> x labels per sample) start.</summary>
    public long LabelsOffset { get; init; }

    /// <summary>Training: where the loss writes its four totals (loss, counted, correct, out of range).</summary>
    public long TotalsOffset { get; init; }

    /// <summary>Training: where the loss's per-row scratch (4 floats per label) starts.</summary>
    public long LossWorkspaceOffset { get; init; }
}
