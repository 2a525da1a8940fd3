using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// Which batch norms inference folds into the convolution before them: a BatchNorm whose input
/// is a Conv2D or DepthwiseConv2D with no fused activation, read by that BatchNorm alone. The
/// folded convolution computes gamma * (conv(x) + b - mean) / sqrt(var + eps) + beta directly
/// (scaled packed weights, a folded bias), and the BatchNorm, which runs in place on the
/// convolution's output (<see cref="InferencePlanner"/>), has nothing left to do. Training
/// never folds: it needs the convolution's own output and batch statistics.
/// </summary>
internal static class BatchNormFolding
{
    /// <summary>The convolution BatchNorm node <paramref name="bn"/> folds into at inference, or -1.</summary>
    public static int Target(ComputedGraph graph, int bn)
    {
        var nodes = graph.Network.Nodes;
        var node = nodes[bn];
        if (node.Op != OpKind.BatchNorm || !graph.Layers[bn].Computed) return -1;
        int conv = node.Inputs[0];
        var source = nodes[conv];
        if (conv == 0 || source.Op is not (OpKind.Conv2D or OpKind.DepthwiseConv2D)) return -1;
        if (source.Args.Activation != ActivationKind.None) return -1;
        return graph.OnlyReader(conv) == bn ? conv : -1;
    }

    /// <summary>The BatchNorm folded into convolution <paramref name="conv"/> at inference, or -1.</summary>
    public static int FoldedInto(ComputedGraph graph, int conv)
    {
        int reader = graph.OnlyReader(conv);
        return reader >= 0 && Target(graph, reader) == conv ? reader : -1;
    }
}
