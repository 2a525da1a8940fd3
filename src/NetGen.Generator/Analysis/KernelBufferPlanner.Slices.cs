using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// Sample slices of the training passes. When every layer treats each sample on its own, the
/// training forward and backward run the batch as <see cref="TrainingSlices"/> contiguous slices
/// of samples (a worker each when a pool is set), every slice through the same kernels at N =
/// its samples. Each slice needs its own convolution scratch, and every slice after the first
/// its own weight-gradient block, summed into the gradient block in slice order: the split is
/// fixed by the network, not by the pool, so training gives the same bits with or without one.
/// </summary>
public static partial class KernelBufferPlanner
{
    /// <summary>Slices of a batch when the network can be split (two: the target machines' cores).</summary>
    public const int SliceCount = 2;

    /// <summary>
    /// How many sample slices the training passes use: <see cref="SliceCount"/>, or 1 (one pass
    /// over the batch) for a batch of one or a layer that mixes samples or draws from a stream:
    /// BatchNorm (batch statistics), Dropout (one mask stream in sample order), and the layers
    /// whose training kernels share one buffer across the batch (transposed, separable
    /// convolutions; local response normalisation).
    /// </summary>
    public static int TrainingSlices(NetworkIR network, IReadOnlyList<LayerInfo> layers)
    {
        if (network.Batch < SliceCount) return 1;
        for (int n = 1; n < network.Nodes.Count; n++)
        {
            if (!layers[n].Computed) continue;
            if (network.Nodes[n].Op is OpKind.BatchNorm or OpKind.Dropout or OpKind.Conv2DTranspose
                or OpKind.SeparableConv2D or OpKind.LocalResponseNorm) return 1;
        }
        return SliceCount;
    }

    /// <summary>Trainable floats over the computed layers: the gradient block's size.</summary>
    public static long TrainableFloats(NetworkIR network, IReadOnlyList<LayerInfo> layers)
    {
        long total = 0;
        for (int n = 1; n < network.Nodes.Count; n++)
            if (layers[n].Computed) total += layers[n].Trainable;
        return total;
    }

    /// <summary>Adds the slices' scratch and gradient blocks (training only) when the passes are split.</summary>
    private static void PlanSlices(NetworkIR network, IReadOnlyList<LayerInfo> layers, long workspace, long backwardWorkspace,
        List<KernelBufferSlot> slots, ref long training)
    {
        int slices = TrainingSlices(network, layers);
        if (slices == 1) return;
        long scratch = slices * (workspace + backwardWorkspace);
        if (scratch > 0)
        {
            slots.Add(new KernelBufferSlot(-1, KernelBufferKind.SliceWorkspace, scratch, -1, training));
            training += scratch;
        }
        long gradients = (slices - 1) * TrainableFloats(network, layers);
        if (gradients > 0)
        {
            slots.Add(new KernelBufferSlot(-1, KernelBufferKind.SliceGradients, gradients, -1, training));
            training += gradients;
        }
    }
}
