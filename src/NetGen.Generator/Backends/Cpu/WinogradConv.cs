using NetGen.Generator.Analysis;
using NetGen.Generator.Model;
using NetGen.Kernels;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// The convolutions the generated code runs through Winograd F(2x2, 3x3), by the kernel-choice table
/// the runtime reads too (<see cref="ConvKernelChoice"/>, one file compiled into both):
/// <list type="bullet">
/// <item>forward: a Conv2D, 3x3, stride 1, no dilation, no groups, C and K multiples of 16 (any
/// padding), at inference and in training; its transformed weights take 16 x C x K floats
/// (<see cref="KernelBufferKind.WinogradWeights"/>; not at inference when it runs there only
/// inside a direct-kernel chain with a pool that does not suit Winograd) and its scratch
/// 16 x 32 x (C + K) floats, in the shared convolution scratch;</item>
/// <item>with the max pool that reads it (<see cref="ConvPoolFusion"/>) when the pool is 2x2,
/// stride 2, without padding, floor mode: the same weights and scratch;</item>
/// <item>input gradient (training): when the layer's dX runs as a convolution (stride 1, top/left
/// padding at most 2) and the layer is the last reader of its input, so its dX is the first
/// written into that gradient: the Winograd kernel overwrites dX instead of adding to it. Its
/// transformed backward weights take another 16 x C x K floats
/// (<see cref="KernelBufferKind.WinogradBackwardWeights"/>) and its scratch 16 x 32 x (C + K) in
/// the shared backward-data scratch.</item>
/// </list>
/// </summary>
public static class WinogradConv
{
    /// <summary>Whether convolution node n (input <paramref name="input"/>, output <paramref name="output"/>) runs through Winograd.</summary>
    public static bool Suits(Node node, Shape input, Shape output) =>
        node.Op == OpKind.Conv2D && ConvKernelChoice.Winograd(ConvShapes.Of(node, input, output));

    /// <summary>Transformed weights: 16 x C x K floats.</summary>
    public static long WeightFloats(Node node, Shape input, Shape output) => ConvKernelChoice.WinogradWeightFloats(ConvShapes.Of(node, input, output));

    /// <summary>Scratch: one block of transformed inputs and products, 16 x 32 x (C + K) floats.</summary>
    public static long WorkspaceFloats(Node node, Shape input, Shape output) => ConvKernelChoice.WinogradWorkspaceFloats(ConvShapes.Of(node, input, output));

    /// <summary>Whether a max pool over a Winograd convolution's output runs fused in the Winograd kernel.</summary>
    public static bool SuitsMaxPool(Node conv, Shape convInput, LayerArgs pool, WindowPadding pads, Shape convOutput, Shape poolOutput) =>
        ConvKernelChoice.ForwardPooled(ConvShapes.Of(conv, convInput, convOutput), pool.KernelH, pool.KernelW, pool.StrideH, pool.StrideW,
            pads.Top, pads.Left, poolOutput.H, poolOutput.W) == ConvPoolKernel.Winograd;

    /// <summary>
    /// Whether convolution node n's input gradient runs through Winograd: it <see cref="Suits"/>, its input
    /// needs a gradient, its dX is a convolution of dY (top/left padding at most 2) and it is the
    /// last layer reading its input (the backward's first to write that gradient).
    /// </summary>
    internal static bool SuitsBackwardData(ComputedGraph graph, int n)
    {
        var network = graph.Network;
        var layers = graph.Layers;
        var node = network.Nodes[n];
        int input = node.Inputs[0];
        var x = layers[input].Output;
        if (!Suits(node, x, layers[n].Output) || !LayerFacts.NeedsGradient(network, input)) return false;
        var pads = WindowPadding.ForWindow(node.Args, x);
        return pads.Top <= 2 && pads.Left <= 2 && graph.LastReader(input) == n;
    }
}
