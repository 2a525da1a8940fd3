using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// The kernel buffers of a network (see <see cref="KernelBuffers"/>), sized by the formulas
/// the runtime kernels use (NetGen.Kernels.Conv2D and Dense; a test holds the two equal):
/// <list type="bullet">
/// <item>Conv2D forward packing: G * ceil(K/G / 16) * R * S * C/G * 16 floats.</item>
/// <item>Conv2D backward-data packing: G * ceil(C/G / 16) * R * S * K/G * 16 floats, for a
/// convolution whose input needs a gradient (not the network input).</item>
/// <item>Dense forward packing: ceil(K / 16) * C * 16 floats (its backward reads the canonical weights).</item>
/// <item>Conv2D workspace: the largest C/G + 16 over the convolutions, shared.</item>
/// <item>Conv2D backward-data workspace (training): the largest K/G + 16 over the stride-1
/// convolutions whose input needs a gradient (their dX runs as a convolution).</item>
/// <item>Dropout mask (training): batch x the layer's elements, what its backward multiplies by.</item>
/// <item>Saved pre-activation (training): batch x the layer's output elements, per Conv2D/Dense-family layer with a
/// fused hardswish, silu, gelu or mish (their backward reads it).</item>
/// <item>Input transpose: C * H * W of one sample when C &gt; 1, inference only (training
/// turns its batch channels-last into the plan's Inputs figure).</item>
/// <item>BatchNorm statistics (training): the batch mean and 1/sqrt(var + eps) the backward
/// reads, 2 * C per layer.</item>
/// <item>BatchNorm workspace, shared: inference the largest 2 * C over the batch norms not
/// folded (<see cref="BatchNormFolding"/>), training the largest 3 * C (the backward's).</item>
/// <item>Folded bias (inference): K per convolution with a batch norm folded in (its packed
/// weights are the folded ones).</item>
/// <item>Convolution + max pool workspace (inference), shared: the largest C/G + 16 +
/// R_pool x used columns x K over the convolutions run with their pool (<see cref="ConvPoolFusion"/>).</item>
/// <item>Winograd F(2x2, 3x3) (<see cref="WinogradConv"/>): per suitable Conv2D 16 x C x K floats of
/// transformed weights (training, and inference unless it runs there only in a direct-kernel
/// chain with its pool), and in training another 16 x C x K for its input gradient where
/// that runs through Winograd; the convolution scratch (and the backward-data scratch for those
/// gradients) at least 16 x 32 x (C + K).</item>
/// <item>Sample slices (training, <see cref="TrainingSlices"/>): per slice a copy of both
/// convolution scratches and of the batch-norm scratch, per slice after the first a block of
/// weight gradients, and with batch norms one buffer of their partials.</item>
/// </list>
/// Depthwise convolutions (multiplier 1) pack R * S * ceil(C / 16) * 16 floats both ways.
/// Inference holds the forward packings, the workspace and the input transpose; training
/// holds the forward and backward packings and both workspaces.
/// </summary>
public static partial class KernelBufferPlanner
{
    private const int Block = 16;

    public static KernelBuffers Plan(NetworkIR network, IReadOnlyList<LayerInfo> layers)
    {
        var nodes = network.Nodes;
        var graph = new ComputedGraph(network, layers);
        var forward = new List<(int Node, long Floats)>();
        var backward = new List<(int Node, long Floats)>();
        var masks = new List<(int Node, long Floats)>();
        var preActivations = new List<(int Node, long Floats)>();
        var statistics = new List<(int Node, long Floats)>();
        var folded = new List<(int Node, long Floats)>();
        var winogradForward = new List<(int Node, long Floats)>();
        var winogradBackward = new List<(int Node, long Floats)>();
        long workspace = 0, backwardWorkspace = 0, normInference = 0, normTraining = 0;
        var spatial = new List<SpatialBuffer>();
        for (int n = 1; n < nodes.Count; n++)
        {
            if (!layers[n].Computed) continue;
            var node = nodes[n];
            var input = layers[node.Inputs[0]].Output;
            var output = layers[n].Output;
            if (OpNames.NeedsPreActivation(node.Args.Activation) && Parsing.ActivationFusion.TakesActivation(node.Op))
                preActivations.Add((n, (long)network.Batch * output.Elements));
            if (PlanSpatial(network, n, input, output, forward, backward, spatial, ref workspace, ref backwardWorkspace)) continue;
            if (node.Op is OpKind.Conv2D or OpKind.DepthwiseConv2D)
            {
                long groups = LayerFacts.Groups(node, input);
                long cg = input.C / groups, kg = output.C / groups;
                long taps = (long)node.Args.KernelH * node.Args.KernelW;
                // The kernels' depthwise path (one channel per group, multiplier 1) packs (R, S, ceil(C/16) * 16) both ways.
                bool depthwise = groups > 1 && groups == input.C && output.C == input.C;
                forward.Add((n, depthwise ? taps * Blocks(input.C) * Block : groups * Blocks(kg) * taps * cg * Block));
                bool winograd = WinogradConv.Suits(node, input, output);
                long winogradScratch = winograd ? WinogradConv.WorkspaceFloats(node, input, output) : 0;
                if (winograd) winogradForward.Add((n, WinogradConv.WeightFloats(node, input, output)));
                if (LayerFacts.NeedsGradient(network, node.Inputs[0]))
                {
                    backward.Add((n, depthwise ? taps * Blocks(input.C) * Block : groups * Blocks(cg) * taps * kg * Block));
                    if (WinogradConv.SuitsBackwardData(graph, n))
                    {
                        winogradBackward.Add((n, WinogradConv.WeightFloats(node, input, output)));
                        backwardWorkspace = System.Math.Max(backwardWorkspace, winogradScratch);
                    }
                    else if (!depthwise && BackwardAsConvolution(node, input, output) && kg + Block > backwardWorkspace) backwardWorkspace = kg + Block;
                }
                workspace = System.Math.Max(workspace, System.Math.Max(cg + Block, winogradScratch));
            }
            else if (node.Op == OpKind.Dense)
            {
                forward.Add((n, Blocks(output.C) * input.Elements * Block));
            }
            else if (node.Op == OpKind.Dropout)
            {
                masks.Add((n, (long)network.Batch * output.Elements));
            }
            else if (node.Op == OpKind.BatchNorm)
            {
                statistics.Add((n, 2L * output.C));
                int conv = BatchNormFolding.Target(graph, n);
                if (conv >= 0) folded.Add((conv, output.C));
                else if (2L * output.C > normInference) normInference = 2L * output.C;
                if (3L * output.C > normTraining) normTraining = 3L * output.C;
            }
        }

        var slots = new List<KernelBufferSlot>();
        long inference = 0, training = 0;
        foreach (var (node, floats) in forward)
        {
            slots.Add(new KernelBufferSlot(node, KernelBufferKind.PackedWeights, floats, inference, training));
            inference += floats;
            training += floats;
        }
        var chains = ConvPoolFusion.All(graph);
        var directChains = new HashSet<int>();
        foreach (var chain in chains)
            if (!chain.Winograd) directChains.Add(chain.Conv);
        foreach (var (node, floats) in winogradForward)
        {
            // A convolution that inference runs only inside a direct-kernel chain with its pool needs no transform there.
            bool inInference = !directChains.Contains(node);
            slots.Add(new KernelBufferSlot(node, KernelBufferKind.WinogradWeights, floats, inInference ? inference : -1, training));
            if (inInference) inference += floats;
            training += floats;
        }
        foreach (var (node, floats) in backward)
        {
            slots.Add(new KernelBufferSlot(node, KernelBufferKind.BackwardPackedWeights, floats, -1, training));
            training += floats;
        }
        foreach (var (node, floats) in winogradBackward)
        {
            slots.Add(new KernelBufferSlot(node, KernelBufferKind.WinogradBackwardWeights, floats, -1, training));
            training += floats;
        }
        foreach (var (node, floats) in masks)
        {
            slots.Add(new KernelBufferSlot(node, KernelBufferKind.DropoutMask, floats, -1, training));
            training += floats;
        }
        foreach (var (node, floats) in preActivations)
        {
            slots.Add(new KernelBufferSlot(node, KernelBufferKind.SavedPreActivation, floats, -1, training));
            training += floats;
        }
        foreach (var buffer in Shared(spatial))
        {
            slots.Add(new KernelBufferSlot(buffer.Node, buffer.Kind, buffer.Floats, buffer.Inference ? inference : -1, buffer.Training ? training : -1));
            if (buffer.Inference) inference += buffer.Floats;
            if (buffer.Training) training += buffer.Floats;
        }
        if (workspace > 0)
        {
            slots.Add(new KernelBufferSlot(-1, KernelBufferKind.ConvWorkspace, workspace, inference, training));
            inference += workspace;
            training += workspace;
        }
        foreach (var (node, floats) in statistics)
        {
            slots.Add(new KernelBufferSlot(node, KernelBufferKind.BatchNormStatistics, floats, -1, training));
            training += floats;
        }
        foreach (var (node, floats) in folded)
        {
            slots.Add(new KernelBufferSlot(node, KernelBufferKind.FoldedBias, floats, inference, -1));
            inference += floats;
        }
        if (normInference > 0 || normTraining > 0)
        {
            // Floats is the training size; inference reserves only its 2 * C (never more) and callers slice what a layer needs.
            slots.Add(new KernelBufferSlot(-1, KernelBufferKind.BatchNormWorkspace, normTraining,
                normInference > 0 ? inference : -1, training));
            inference += normInference;
            training += normTraining;
        }
        long poolWorkspace = 0;
        // A Winograd chain runs in the convolution scratch (its WorkspaceFloats is 0).
        foreach (var chain in chains)
            poolWorkspace = System.Math.Max(poolWorkspace, chain.WorkspaceFloats);
        if (poolWorkspace > 0)
        {
            slots.Add(new KernelBufferSlot(-1, KernelBufferKind.ConvPoolWorkspace, poolWorkspace, inference, -1));
            inference += poolWorkspace;
        }
        if (backwardWorkspace > 0)
        {
            slots.Add(new KernelBufferSlot(-1, KernelBufferKind.BackwardDataWorkspace, backwardWorkspace, -1, training));
            training += backwardWorkspace;
        }
        PlanSlices(network, layers, workspace, backwardWorkspace, normTraining, slots, ref training);
        var sample = network.InputShape;
        if (!sample.IsVector && sample.C > 1)
        {
            slots.Add(new KernelBufferSlot(-1, KernelBufferKind.InputTranspose, sample.Elements, inference, -1));
            inference += sample.Elements;
        }
        return new KernelBuffers(inference * 4, training * 4, slots.ToEquatableArray());
    }

    /// <summary>
    /// Whether the kernels compute this convolution's input gradient as a convolution of dY
    /// (stride 1, top/left padding within the dilated kernel's reach), which needs scratch.
    /// </summary>
    private static bool BackwardAsConvolution(Node node, Shape input, Shape output) =>
        NetGen.Kernels.ConvKernelChoice.BackwardAsConvolution(Backends.Cpu.ConvShapes.Of(node, input, output));

    private static long Blocks(long count) => (count + Block - 1) / Block;
}
