using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// Sample slices of the training passes. The training forward and backward run the batch as
/// <see cref="TrainingSlices"/> contiguous slices of samples (a worker each when a pool is set), every slice through the same kernels at N =
/// its samples. Each slice needs its own convolution scratch, and every slice after the first
/// its own weight-gradient block, summed into the gradient block in slice order, and the batch
/// norms one buffer of partials for their combines across the slices: the split is
/// fixed by the network, not by the pool, so training gives the same bits with or without one.
/// </summary>
public static partial class KernelBufferPlanner
{
    /// <summary>Slices of a batch when the network can be split (two: the target machines' cores).</summary>
    public const int SliceCount = 2;

    /// <summary>
    /// How many sample slices the training passes use: <see cref="SliceCount"/>, or 1 (one pass
    /// over the batch) for a batch of one. Every layer slices: a batch norm reduces its batch
    /// statistics (and its backward sums) across the slices in slice order, a dropout draws each
    /// slice's masks from its own stream, the rest treat each sample on its own.
    /// </summary>
    public static int TrainingSlices(NetworkIR network, IReadOnlyList<LayerInfo> layers) =>
        network.Batch < SliceCount ? 1 : SliceCount;

    /// <summary>
    /// Floats of the batch-norm partials of sliced training (<see cref="KernelBufferKind.BatchNormSlicePartials"/>):
    /// (2 x slices + 3) x the widest trained batch norm's C, or 0 when none trains with batch statistics.
    /// </summary>
    public static long BatchNormSlicePartialFloats(NetworkIR network, IReadOnlyList<LayerInfo> layers, int slices)
    {
        long widest = 0;
        for (int n = 1; n < network.Nodes.Count; n++)
            if (layers[n].Computed && network.Nodes[n].Op == OpKind.BatchNorm && !network.Nodes[n].Frozen)
                widest = System.Math.Max(widest, layers[n].Output.C);
        return (2L * slices + 3) * widest;
    }

    /// <summary>Trainable floats over the computed layers: the gradient block's size.</summary>
    public static long TrainableFloats(NetworkIR network, IReadOnlyList<LayerInfo> layers)
    {
        long total = 0;
        for (int n = 1; n < network.Nodes.Count; n++)
            if (layers[n].Computed) total += layers[n].Trainable;
        return total;
    }

    /// <summary>Adds the slices' scratch, gradient blocks and batch-norm partials (training only) when the passes are split.</summary>
    private static void PlanSlices(NetworkIR network, IReadOnlyList<LayerInfo> layers, long workspace, long backwardWorkspace,
        long normWorkspace, List<KernelBufferSlot> slots, ref long training)
    {
        int slices = TrainingSlices(network, layers);
        if (slices == 1) return;
        long scratch = slices * (workspace + backwardWorkspace + normWorkspace);
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
        long partials = BatchNormSlicePartialFloats(network, layers, slices);
        if (partials > 0)
        {
            slots.Add(new KernelBufferSlot(-1, KernelBufferKind.BatchNormSlicePartials, partials, -1, training));
            training += partials;
        }
    }
}
