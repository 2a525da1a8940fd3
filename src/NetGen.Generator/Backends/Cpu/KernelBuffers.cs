using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>What a kernel buffer holds.</summary>
public enum KernelBufferKind
{
    /// <summary>A Conv2D/Dense layer's weights in the forward kernel's packed layout.</summary>
    PackedWeights,
    /// <summary>A Conv2D layer's weights in the backward-data kernel's layout (training only).</summary>
    BackwardPackedWeights,
    /// <summary>
    /// Forward scratch shared by all convolutions: Conv2D's zero row of C/G for padding taps and a 16-lane
    /// tail; a stride-1 Conv2DTranspose's C/G + 16 (its forward runs as a convolution).
    /// </summary>
    ConvWorkspace,
    /// <summary>One input sample turned channels-last (inference only, inputs with more than one channel).</summary>
    InputTranspose,
    /// <summary>
    /// Backward scratch shared by the layers, one at a time (training only), the largest of: a stride-1
    /// Conv2D's backward data (run as a convolution of dY), K/G + 16; a Conv2DTranspose's backward data
    /// (a convolution), K/G + 16; LocalResponseNorm's 2C.
    /// </summary>
    BackwardDataWorkspace,
    /// <summary>A Dropout layer's mask at the training batch (0 or 1 / (1 - rate) per element), training only.</summary>
    DropoutMask,
    /// <summary>A BatchNorm layer's batch mean and 1/sqrt(var + eps) (2 x C), saved by the training forward for backward, training only.</summary>
    BatchNormStatistics,
    /// <summary>BatchNorm scratch, shared: 2 x C for an inference forward that is not folded, 3 x C in training (backward), the largest.</summary>
    BatchNormWorkspace,
    /// <summary>The bias (K) of a convolution with the following BatchNorm folded in, inference only.</summary>
    FoldedBias,
    /// <summary>A SeparableConv2D layer's pointwise (1x1) weights in the forward kernel's layout.</summary>
    PointwisePackedWeights,
    /// <summary>A SeparableConv2D layer's pointwise weights in the backward-data kernel's layout (training only).</summary>
    PointwiseBackwardPackedWeights,
    /// <summary>A SeparableConv2D layer's depthwise result, one sample, shared by those layers (inference only).</summary>
    DepthwiseOutput,
    /// <summary>A SeparableConv2D layer's depthwise results at the training batch, saved for the pointwise weight gradient (training only).</summary>
    SavedDepthwiseOutput,
    /// <summary>The gradient of a SeparableConv2D layer's depthwise results at the training batch, shared by those layers (training only).</summary>
    DepthwiseOutputGradient,
    /// <summary>
    /// Scratch of a convolution run together with its max pool (inference only), shared, the largest:
    /// C/G + 16 for the convolution and the pool window's rows of the convolution's output, R_pool x used columns x K.
    /// </summary>
    ConvPoolWorkspace,
    /// <summary>
    /// Training forward and backward split into sample slices: each slice's own copy of the
    /// convolution scratch (forward, then backward data) and of the batch-norm scratch, slices x
    /// (forward + backward + batch norm) floats.
    /// </summary>
    SliceWorkspace,
    /// <summary>
    /// Training backward split into sample slices: the weight and bias gradients of every slice
    /// after the first, (slices - 1) x trainable floats, added into the gradient block in slice order.
    /// </summary>
    SliceGradients,
    /// <summary>
    /// Training split into sample slices with batch norms: each slice's partials of the layer at hand
    /// (2 x C: mean and M2 forward, sum dY and sum dY (x - mean) backward), then the figures the combine
    /// writes for the slices to apply (3 x C: the forward's scale and shift, or the backward's dX
    /// coefficients), (2 x slices + 3) x C for the widest batch norm, shared by the layers one at a time.
    /// </summary>
    BatchNormSlicePartials,
    /// <summary>
    /// A Conv2D layer's weights transformed for Winograd F(2x2, 3x3), 16 x C x K floats, packed from its forward
    /// packing (folded at inference when a batch norm folds into it); in training, and at inference unless the layer runs
    /// there only fused with a pool through the direct kernel (<see cref="WinogradConv"/>).
    /// </summary>
    WinogradWeights,
    /// <summary>
    /// A Conv2D layer's weights transformed for its input gradient through Winograd F(2x2, 3x3), 16 x C x K floats,
    /// packed from its backward packing, training only (<see cref="WinogradConv"/>).
    /// </summary>
    WinogradBackwardWeights,
    /// <summary>
    /// A Conv2D/Dense-family layer's pre-activation at the training batch (its output's elements x batch), training
    /// only, for a fused activation whose backward needs its input (hardswish, silu, gelu, mish): the forward writes
    /// the layer's result here, then the activation of it into the layer's output.
    /// </summary>
    SavedPreActivation,
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
    : BackendBuffers(InferenceBytes, TrainingBytes)
{
    /// <summary>The buffers a layer's packing writes.</summary>
    private static readonly KernelBufferKind[] PackedKinds =
    {
        KernelBufferKind.PackedWeights, KernelBufferKind.BackwardPackedWeights,
        KernelBufferKind.WinogradWeights, KernelBufferKind.WinogradBackwardWeights,
    };

    public override Dictionary<int, long> PackedFloats(bool training)
    {
        var floats = new Dictionary<int, long>();
        var seen = new HashSet<(int, KernelBufferKind)>();
        foreach (var slot in Slots)
        {
            // The first slot of a (node, kind), as Find gives it.
            if (System.Array.IndexOf(PackedKinds, slot.Kind) < 0 || !seen.Add((slot.Node, slot.Kind))) continue;
            if ((training ? slot.TrainingOffset : slot.InferenceOffset) < 0) continue;
            floats[slot.Node] = (floats.TryGetValue(slot.Node, out long f) ? f : 0) + slot.Floats;
        }
        return floats;
    }

    /// <summary>The buffer of a kind for a node (-1 for the shared ones), or null.</summary>
    public KernelBufferSlot? Find(int node, KernelBufferKind kind)
    {
        foreach (var slot in Slots)
            if (slot.Node == node && slot.Kind == kind) return slot;
        return null;
    }
}
