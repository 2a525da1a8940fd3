using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// A convolution whose output only a max pool reads (directly, or through one activation
/// node that only the pool reads), run at inference as one step: NetGen.Kernels.Conv2D.ForwardMaxPool
/// computes the convolution's rows a pool row needs into scratch and pools them at once, so
/// the convolution's full output is never stored (its inference slot takes no bytes) and the
/// rows and columns a floor-mode pool drops are never computed. Training runs the layers
/// apart: the pool's backward reads the convolution's output. A Winograd convolution with a 2x2
/// stride-2 pool (<see cref="WinogradConv"/>) runs as Conv2D.ForwardWinogradMaxPool instead, each
/// 2x2 tile one pool window, in the convolution scratch.
/// </summary>
/// <param name="Conv">The convolution (Conv2D or DepthwiseConv2D).</param>
/// <param name="Activation">The activation node between them, or -1 (the convolution's fused activation applies).</param>
/// <param name="Pool">The max pool, whose output the fused step writes.</param>
/// <param name="WorkspaceFloats">Scratch the fused kernel takes in the convolution + pool scratch: C/G + 16 for the convolution, plus R_pool x used columns x K; 0 for a Winograd chain.</param>
/// <param name="Winograd">The chain runs through NetGen.Kernels.Conv2D.ForwardWinogradMaxPool (<see cref="WinogradConv"/>), on the convolution scratch.</param>
internal readonly record struct FusedConvPool(int Conv, int Activation, int Pool, long WorkspaceFloats, bool Winograd = false);

internal static class ConvPoolFusion
{
    /// <summary>Every fused chain of the network, in node order.</summary>
    public static List<FusedConvPool> All(ComputedGraph graph)
    {
        var chains = new List<FusedConvPool>();
        for (int n = 1; n < graph.Network.Nodes.Count; n++)
            if (Of(graph, n) is { } chain) chains.Add(chain);
        return chains;
    }

    /// <summary>The chain that starts at convolution <paramref name="conv"/>, or null when it does not fuse.</summary>
    public static FusedConvPool? Of(ComputedGraph graph, int conv)
    {
        var network = graph.Network;
        var layers = graph.Layers;
        var node = network.Nodes[conv];
        if (node.Op is not (OpKind.Conv2D or OpKind.DepthwiseConv2D) || !layers[conv].Computed) return null;
        // The pooled kernels may apply the activation after the pool, which is only right for a non-decreasing one.
        if (node.Args.Activation == ActivationKind.Softmax || OpNames.NeedsPreActivation(node.Args.Activation)) return null;
        int reader = graph.OnlyReader(conv);
        if (reader < 0) return null;
        int activation = -1;
        if (IsActivation(network.Nodes[reader].Op))
        {
            // One activation: the convolution's own, or the node's (then the convolution has none).
            if (node.Args.Activation != ActivationKind.None) return null;
            activation = reader;
            reader = graph.OnlyReader(activation);
            if (reader < 0) return null;
        }
        var pool = network.Nodes[reader];
        if (pool.Op != OpKind.MaxPool2D) return null;
        var input = layers[activation >= 0 ? activation : conv].Output;
        var output = layers[reader].Output;
        var a = pool.Args;
        var pads = WindowPadding.ForWindow(a, input);
        // The kernel takes windows that lie inside the convolution's output: no top/left
        // padding, no ceil-mode window hanging past the bottom or right.
        long used = (long)(output.W - 1) * a.StrideW + a.KernelW;
        if (pads.Top != 0 || pads.Left != 0) return null;
        if ((long)(output.H - 1) * a.StrideH + a.KernelH > input.H || used > input.W) return null;
        var x = layers[node.Inputs[0]].Output;
        if (WinogradConv.Suits(node, x, input) && WinogradConv.SuitsMaxPool(node, x, a, pads, input, output))
            return new FusedConvPool(conv, activation, reader, 0, Winograd: true);
        int groups = LayerFacts.Groups(node, x);
        long workspace = x.C / groups + 16 + a.KernelH * used * input.C;
        return new FusedConvPool(conv, activation, reader, workspace);
    }

    private static bool IsActivation(OpKind op) =>
        op is OpKind.ReLU or OpKind.LeakyReLU or OpKind.ELU or OpKind.Sigmoid or OpKind.Tanh or OpKind.ReLU6 or OpKind.HardSigmoid;
}
