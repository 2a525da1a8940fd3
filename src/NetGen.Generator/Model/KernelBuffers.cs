namespace NetGen.Generator.Model;

/// <summary>What a kernel buffer holds.</summary>
public enum KernelBufferKind
{
    /// <summary>A Conv2D/Dense layer's weights in the forward kernel's packed layout.</summary>
    PackedWeights,
    /// <summary>A Conv2D layer's weights in the backward-data kernel's layout (training only).</summary>
    BackwardPackedWeights,
    /// <summary>Conv2D forward scratch: a zero row of C/G for padding taps and a 16-lane tail, shared by all convolutions.</summary>
    ConvWorkspace,
    /// <summary>One input sample turned channels-last (inference only, inputs with more than one channel).</summary>
    InputTranspose,
    /// <summary>Conv2D backward-data scratch of a stride-1 convolution (run as a convolution of dY): K/G + 16, the largest, training only.</summary>
    BackwardDataWorkspace,
    /// <summary>A Dropout layer's mask at the training batch (0 or 1 / (1 - rate) per element), training only.</summary>
    DropoutMask,
    /// <summary>A BatchNorm layer's batch mean and 1/sqrt(var + eps) (2 x C), saved by the training forward for backward, training only.</summary>
    BatchNormStatistics,
    /// <summary>BatchNorm scratch, shared: 2 x C for an inference forward that is not folded, 3 x C in training (backward), the largest.</summary>
    BatchNormWorkspace,
    /// <summary>The bias (K) of a convolution with the following BatchNorm folded in, inference only.</summary>
    FoldedBias,
}

/// <summary>
/// One buffer the kernels need beside the memory plan. Sizes and offsets are fp32 elements;
/// an offset is -1 in a mode that does not have the buffer.
/// </summary>
/// <param name="Node">The layer it belongs to, or -1 for a shared buffer.</param>
/// <param name="InferenceOffset">Offset in the inference kernel region.</param>
/// <param name="TrainingOffset">Offset in the training kernel region.</param>
public sealed record KernelBufferSlot(int Node, KernelBufferKind Kind, long Floats, long InferenceOffset, long TrainingOffset);

/// <summary>
/// Memory the kernels need that the activation plans do not hold: packed weight copies and
/// scratch, laid out back to back per mode. The runtime allocates
/// <c>InferenceBytes + </c><see cref="InferenceBytes"/> for inference and
/// <c>Training.Total + </c><see cref="TrainingBytes"/> for training.
/// </summary>
public sealed record KernelBuffers(long InferenceBytes, long TrainingBytes, EquatableArray<KernelBufferSlot> Slots)
{
    /// <summary>The buffer of a kind for a node (-1 for the shared ones), or null.</summary>
    public KernelBufferSlot? Find(int node, KernelBufferKind kind)
    {
        foreach (var slot in Slots)
            if (slot.Node == node && slot.Kind == kind) return slot;
        return null;
    }
}
