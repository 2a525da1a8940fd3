namespace NetGen.Execution;

/// <summary>
/// What <see cref="CompiledNetwork"/> and <see cref="CompiledTrainableNetwork"/> need to know about a
/// generated network's plan: names and sizes for their argument checks and messages; where the
/// parameter, gradient, optimizer, inputs, logits and logits-gradient blocks sit in its arena (fp32
/// elements); and the figures of the training passes they run (optimizer, sample slices, phases, the
/// slices' scratch and gradient blocks). The generator writes one as a static field of every network
/// class; the numbers are the ones its straight-line code uses.
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

    /// <summary>The declared optimizer: its update rule and the default <see cref="TrainingSettings"/> (Adam 1e-3; SGD 1e-2; none: SGD 1e-2 without momentum).</summary>
    public OptimizerType Optimizer { get; init; }

    /// <summary>Where the training inputs region starts (a batch of samples, channels-last when <see cref="InputChannels"/> &gt; 1).</summary>
    public long InputsOffset { get; init; }

    /// <summary>Channels of an image input (then <see cref="InputHeight"/>, <see cref="InputWidth"/>); 0 for a vector. Inputs of several channels load transposed to channels-last.</summary>
    public int InputChannels { get; init; }

    /// <summary>Height of an image input, else 0.</summary>
    public int InputHeight { get; init; }

    /// <summary>Width of an image input, else 0.</summary>
    public int InputWidth { get; init; }

    /// <summary>Height of a (C, H, W) score map output, else 0 (a score vector). Predict on a training instance transposes such a map back to channels-first.</summary>
    public int OutputHeight { get; init; }

    /// <summary>Width of a (C, H, W) score map output, else 0.</summary>
    public int OutputWidth { get; init; }

    /// <summary>Where the training forward saves the batch's logits (<see cref="OutputSize"/> floats per sample, channels-last).</summary>
    public long LogitsOffset { get; init; }

    /// <summary>Whether the network ends in a softmax, which the loss takes with the logits and Predict applies to them.</summary>
    public bool FinalSoftmax { get; init; }

    /// <summary>
    /// Where the loss writes the logits' gradient for samples [s, s + count): <see cref="LogitsGradientOffset"/>
    /// + s x <see cref="LogitsGradientSampleStride"/> + count x <see cref="LogitsGradientCountStride"/> (each slice's
    /// own share of the backward workspace; both strides 0 when the passes are not sliced).
    /// </summary>
    public long LogitsGradientOffset { get; init; }

    /// <summary>Floats of the backward workspace per sample of a slice (see <see cref="LogitsGradientOffset"/>).</summary>
    public long LogitsGradientSampleStride { get; init; }

    /// <summary>Floats per sample before the logits' gradient inside a slice's workspace (see <see cref="LogitsGradientOffset"/>).</summary>
    public long LogitsGradientCountStride { get; init; }

    /// <summary>Sample slices of the training passes (1: not split, the generated class runs its own forward and backward).</summary>
    public int Slices { get; init; } = 1;

    /// <summary>Phases of the sliced forward: one, plus one after each batch norm that trains (its moments combined in between).</summary>
    public int ForwardPhases { get; init; } = 1;

    /// <summary>Phases of the sliced backward (as <see cref="ForwardPhases"/>).</summary>
    public int BackwardPhases { get; init; } = 1;

    /// <summary>Where slice 0's scratch starts; slice k's is <see cref="SliceScratchFloats"/> x k further on.</summary>
    public long SliceScratchOffset { get; init; }

    /// <summary>Floats of one slice's scratch.</summary>
    public long SliceScratchFloats { get; init; }

    /// <summary>Where slice 1's parameter-gradient block starts (slice 0 uses the gradient block; slice k's is <see cref="GradientFloats"/> x (k - 1) further on).</summary>
    public long SliceGradientsOffset { get; init; }
}
