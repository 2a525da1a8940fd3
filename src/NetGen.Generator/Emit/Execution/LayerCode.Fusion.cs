using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// Inference steps that run a convolution together with the max pool that reads it
/// (<see cref="ConvPoolFusion"/>): the convolution's step writes the pool's output, and the
/// activation and pool steps have nothing left to do. Training runs them apart.
/// </summary>
internal sealed partial class LayerCode
{
    /// <summary>Per node, the fused chain it is part of, or null: the network's chains found once (each search walks the graph).</summary>
    private FusedConvPool?[]? _convPoolChainOf;

    /// <summary>At inference: writes node n's part of a fused convolution + max pool and returns true, or false when n is in no such chain.</summary>
    private bool ConvPoolForward(IndentedWriter w, int n)
    {
        _convPoolChainOf ??= ChainsByNode();
        if (_convPoolChainOf[n] is not { } chain) return false;
        if (n != chain.Conv)
        {
            w.Line($"// Computed by {Network.Nodes[chain.Conv].Name}'s step, fused with {Network.Nodes[chain.Pool].Name}.");
            return true;
        }
        var conv = Network.Nodes[n];
        string activation, alpha;
        if (chain.Activation >= 0)
        {
            var node = Network.Nodes[chain.Activation];
            activation = Activation(ActivationOf(node.Op));
            alpha = Alpha(node);
        }
        else
        {
            activation = FusedKind(conv);
            alpha = Alpha(conv);
        }
        if (chain.Winograd)
        {
            WinogradPoolForward(w, chain, activation, alpha);
            return true;
        }
        w.Line($"// Fused with {Network.Nodes[chain.Pool].Name}: the convolution's rows each pool row reads are computed into scratch and pooled, never stored whole.");
        w.Line($"{Kernels}Conv2D.ForwardMaxPool({Out(chain.Pool, false)}, {In(conv.Inputs[0], false)}, {Kernel(n, KernelBufferKind.PackedWeights, false)}, " +
               $"{BiasSpan(n)}, {Kernel(-1, KernelBufferKind.ConvPoolWorkspace, false)}, in {Dims(n)}, in {Dims(chain.Pool)}, {activation}, {alpha});");
        return true;
    }

    private FusedConvPool?[] ChainsByNode()
    {
        var chainOf = new FusedConvPool?[Network.Nodes.Count];
        // In node order, the first chain a node is part of, as a search of the list finds.
        foreach (var chain in ConvPoolFusion.All(_layout.Graph))
        {
            foreach (int n in new[] { chain.Conv, chain.Activation, chain.Pool })
                if (n >= 0 && chainOf[n] is null) chainOf[n] = chain;
        }
        return chainOf;
    }
}
