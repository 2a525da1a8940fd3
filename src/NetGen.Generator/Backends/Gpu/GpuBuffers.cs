using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Gpu;

/// <summary>What a GPU kernel buffer holds.</summary>
public enum GpuBufferKind
{
    /// <summary>Inference: the device copy of one input sample, channels-last (uploaded from pinned memory each Predict).</summary>
    InputCopy,
    /// <summary>
    /// A convolution's weights in the GPU layout (G, R, S, C/G, K/G), both modes (GpuConv2D.PackWeights): a
    /// transposed convolution's as the convolution it is the gradient of, a separable one's depthwise half.
    /// </summary>
    PackedWeights,
    /// <summary>A separable convolution's pointwise (1x1) weights in the GPU layout, both modes.</summary>
    PointwisePackedWeights,
    /// <summary>Inference: a separable convolution's depthwise result for one sample, shared by those layers (the largest).</summary>
    DepthwiseOutput,
    /// <summary>Training: a separable convolution's depthwise results over the batch, saved for the pointwise weight gradient.</summary>
    SavedDepthwiseOutput,
    /// <summary>Training: the gradient of a separable convolution's depthwise results over the batch, shared by those layers (the largest).</summary>
    DepthwiseOutputGradient,
    /// <summary>Training: the batch's labels as int32, batch x labels per sample.</summary>
    Labels,
    /// <summary>Training: the loss's four totals (loss, counted, correct, out of range): all that comes back per step.</summary>
    LossTotals,
    /// <summary>Training: the loss's per-row partial sums, 4 per label.</summary>
    LossWorkspace,
    /// <summary>Training: a batch norm's batch mean (C), saved for its backward.</summary>
    BatchNormMean,
    /// <summary>Training: a batch norm's 1 / sqrt(var + eps) (C), saved for its backward.</summary>
    BatchNormInvStd,
    /// <summary>Training: the batch norms' shared reduction scratch, the largest of their (2 x row splits + 3) x C.</summary>
    BatchNormWorkspace,
    /// <summary>Training: the pre-activation over the batch of a convolution or Dense whose fused activation's backward reads its input (HardSwish, SiLU, GELU, Mish).</summary>
    PreActivation,
    /// <summary>Training: a dropout's mask over the batch (batch x its output), written by its forward, read by its backward.</summary>
    DropoutMask,
}

/// <summary>One GPU kernel buffer: floats [offset, offset + Floats) from its mode's kernel-buffer region (-1: not in that mode).</summary>
public sealed record GpuBufferSlot(int Node, GpuBufferKind Kind, long InferenceOffset, long TrainingOffset, long Floats);

/// <summary>The GPU backend's kernel buffers (the schedule's kernel-buffer regions), value-equatable.</summary>
public sealed record GpuBuffers(long InferenceBytes, long TrainingBytes, EquatableArray<GpuBufferSlot> Slots)
    : BackendBuffers(InferenceBytes, TrainingBytes)
{
    /// <summary>The GPU reductions split rows into at most this many parts (NetGen.Gpu.GpuReduce.MaxSplits): the bound the batch-norm scratch is sized by.</summary>
    public const int MaxRowSplits = 256;

    /// <summary>The dropout kernel's random streams per sample (NetGen.Gpu.GpuElementwise.StreamsPerSample): each layer's stream range is batch x this.</summary>
    public const int StreamsPerSample = 256;

    public override Dictionary<int, long> PackedFloats(bool training)
    {
        var floats = new Dictionary<int, long>();
        foreach (var slot in Slots)
            if (slot.Kind is GpuBufferKind.PackedWeights or GpuBufferKind.PointwisePackedWeights)
                floats[slot.Node] = (floats.TryGetValue(slot.Node, out long before) ? before : 0) + slot.Floats;
        return floats;
    }

    /// <summary>The slot of a kind for a node (-1 for the shared ones), or null.</summary>
    public GpuBufferSlot? Find(int node, GpuBufferKind kind)
    {
        foreach (var slot in Slots)
            if (slot.Node == node && slot.Kind == kind) return slot;
        return null;
    }

    /// <summary>
    /// Lays the buffers out: inference holds the input copy, the packed convolution weights and the separable
    /// convolutions' depthwise result; training the packed weights, the separable convolutions' saved depthwise
    /// results and their gradient, the labels, the loss's totals and scratch, and the batch norms' saved
    /// statistics and scratch.
    /// </summary>
    public static GpuBuffers Plan(NetworkIR network, IReadOnlyList<LayerInfo> layers)
    {
        var slots = new List<GpuBufferSlot>();
        long inference = 0, training = 0;
        void Add(int node, GpuBufferKind kind, long floats, bool inInference, bool inTraining)
        {
            if (floats <= 0) return;
            slots.Add(new GpuBufferSlot(node, kind, inInference ? inference : -1, inTraining ? training : -1, floats));
            if (inInference) inference += floats;
            if (inTraining) training += floats;
        }

        Add(-1, GpuBufferKind.InputCopy, network.InputShape.Elements, true, false);
        long batchNormScratch = 0, between = 0, betweenGradient = 0;
        for (int n = 1; n < network.Nodes.Count; n++)
        {
            if (!layers[n].Computed) continue;
            var node = network.Nodes[n];
            var x = layers[node.Inputs[0]].Output;
            var y = layers[n].Output;
            if (node.Op is OpKind.Conv2D or OpKind.DepthwiseConv2D or OpKind.Conv2DTranspose or OpKind.SeparableConv2D or OpKind.Dense
                && GpuBackend.NeedsInput(node.Args.Activation))
                Add(n, GpuBufferKind.PreActivation, (long)network.Batch * y.Elements, false, true);
            if (node.Op is OpKind.Conv2D or OpKind.DepthwiseConv2D)
            {
                long weights = (long)y.C * (x.C / LayerFacts.Groups(node, x)) * node.Args.KernelH * node.Args.KernelW;
                Add(n, GpuBufferKind.PackedWeights, weights, true, true);
            }
            else if (node.Op == OpKind.Conv2DTranspose)
            {
                // (C, K, R, S): the weights of the convolution from its output to its input.
                Add(n, GpuBufferKind.PackedWeights, (long)x.C * y.C * node.Args.KernelH * node.Args.KernelW, true, true);
            }
            else if (node.Op == OpKind.SeparableConv2D)
            {
                long cm = (long)x.C * node.Args.DepthMultiplier, perSample = (long)y.H * y.W * cm;
                Add(n, GpuBufferKind.PackedWeights, cm * node.Args.KernelH * node.Args.KernelW, true, true);
                Add(n, GpuBufferKind.PointwisePackedWeights, cm * y.C, true, true);
                Add(n, GpuBufferKind.SavedDepthwiseOutput, network.Batch * perSample, false, true);
                between = System.Math.Max(between, perSample);
                if (Cpu.KernelBufferPlanner.SeparableNeedsDepthwiseGradient(network, n)) betweenGradient = System.Math.Max(betweenGradient, network.Batch * perSample);
            }
            else if (node.Op == OpKind.BatchNorm && !node.Frozen)
            {
                Add(n, GpuBufferKind.BatchNormMean, y.C, false, true);
                Add(n, GpuBufferKind.BatchNormInvStd, y.C, false, true);
                long rows = (long)network.Batch * (y.Elements / y.C);
                long splits = System.Math.Min(rows, MaxRowSplits);
                batchNormScratch = System.Math.Max(batchNormScratch, (2 * splits + 3) * y.C);
            }
            else if (node.Op == OpKind.Dropout)
            {
                Add(n, GpuBufferKind.DropoutMask, (long)network.Batch * y.Elements, false, true);
            }
        }
        Add(-1, GpuBufferKind.BatchNormWorkspace, batchNormScratch, false, true);
        Add(-1, GpuBufferKind.DepthwiseOutput, between, true, false);
        Add(-1, GpuBufferKind.DepthwiseOutputGradient, betweenGradient, false, true);
        var output = layers[network.Output].Output;
        long labels = (long)network.Batch * (output.IsVector ? 1 : (long)output.H * output.W);
        Add(-1, GpuBufferKind.Labels, labels, false, true);
        Add(-1, GpuBufferKind.LossTotals, 4, false, true);
        Add(-1, GpuBufferKind.LossWorkspace, 4 * labels, false, true);
        return new GpuBuffers(inference * 4, training * 4, slots.ToEquatableArray());
    }
}
