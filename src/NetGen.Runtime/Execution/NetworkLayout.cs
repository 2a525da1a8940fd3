namespace NetGen.Execution;

/// <summary>
/// What <see cref="CompiledNetwork"/> needs to know about a generated network's plan: names and
/// sizes for its argument checks and messages, and where the parameter, gradient and optimizer
/// blocks sit in its arena (fp32 elements). The generator writes one as a static field of every
/// network class; the numbers are the ones its straight-line code uses.
/// </summary>
public sealed record NetworkLayout
{
    /// <summary>The network's name, as messages give it ("Mnist").</summary>
    public required string Name { get; init; }

    /// <summary>One input sample's shape as text ("(1, 28, 28)").</summary>
    public required string InputShape { get; init; }

    /// <summary>One output sample's shape as text ("(10)").</summary>
    public required string OutputShape { get; init; }

    /// <summary>Floats of one input sample.</summary>
    public required int InputSize { get; init; }

    /// <summary>Floats of one output sample.</summary>
    public required int OutputSize { get; init; }

    /// <summary>The parameter tensors, in the order weight files list them.</summary>
    public required ParameterTensor[] Parameters { get; init; }

    /// <summary>Floats of the parameter block at the arena's start.</summary>
    public required int ParameterFloats { get; init; }

    /// <summary>Floats an inference instance allocates (plan plus kernel buffers); also each extra worker's copy.</summary>
    public required long InferenceFloats { get; init; }

    /// <summary>Floats a training instance allocates, or 0 when the network has no training code.</summary>
    public long TrainingFloats { get; init; }

    /// <summary>Where the batch-1 convolution scratch starts in an inference arena, or -1 when no layer has any.</summary>
    public long BandWorkspaceOffset { get; init; } = -1;

    /// <summary>Floats of that scratch.</summary>
    public int BandWorkspaceFloats { get; init; }

    /// <summary>Samples one training batch holds (the declared batch size).</summary>
    public int MaxBatch { get; init; }

    /// <summary>Labels per sample: 1 for a class-score vector, H x W for per-pixel scores.</summary>
    public int LabelsPerSample { get; init; } = 1;

    /// <summary>With per-pixel labels, the output's pixels as "HxW" ("5x6"), for messages; else null.</summary>
    public string? LabelGrid { get; init; }

    /// <summary>Classes of the softmax the loss takes.</summary>
    public int Classes { get; init; }

    /// <summary>Where the gradient block starts in a training arena.</summary>
    public long GradientOffset { get; init; }

    /// <summary>Floats of the gradient block (the trainable parameters).</summary>
    public int GradientFloats { get; init; }

    /// <summary>Where the optimizer state starts in a training arena.</summary>
    public long OptimizerStateOffset { get; init; }

    /// <summary>Floats of the optimizer state: SGD with momentum 1 x, Adam 2 x the trainable parameters, else 0.</summary>
    public int OptimizerStateFloats { get; init; }

    /// <summary>Whether a Dropout layer draws masks in training (from a stream seeded by the constructor's seed).</summary>
    public bool HasDropout { get; init; }
}
