using System.Collections.Generic;
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
    public static int Target(NetworkIR network, IReadOnlyList<LayerInfo> layers, int bn)
    {
        var node = network.Nodes[bn];
        if (node.Op != OpKind.BatchNorm || !layers[bn].Computed) return -1;
        int conv = node.Inputs[0];
        var source = network.Nodes[conv];
        if (conv == 0 || source.Op is not (OpKind.Conv2D or OpKind.DepthwiseConv2D)) return -1;
        if (source.Args.Activation != ActivationKind.None) return -1;
        return OnlyReader(network, layers, conv) == bn ? conv : -1;
    }

    /// <summary>The BatchNorm folded into convolution <paramref name="conv"/> at inference, or -1.</summary>
    public static int FoldedInto(NetworkIR network, IReadOnlyList<LayerInfo> layers, int conv)
    {
        int reader = OnlyReader(network, layers, conv);
        return reader >= 0 && Target(network, layers, reader) == conv ? reader : -1;
    }

    /// <summary>The one computed node that reads <paramref name="node"/>'s output, or -1 (none or several).</summary>
    public static int OnlyReader(NetworkIR network, IReadOnlyList<LayerInfo> layers, int node)
    {
        int reader = -1;
        for (int i = node + 1; i < network.Nodes.Count; i++)
        {
            if (!layers[i].Computed || !network.Nodes[i].Inputs.AsImmutableArray().Contains(node)) continue;
            if (reader >= 0) return -1;
            reader = i;
        }
        return reader;
    }
}
