using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// The inference arena at batch 1. The input is the caller's span, not in the arena; every
/// other computed node's output has a slot, alive from the step that makes it to its last
/// reader (the output to the end). In place, sharing their input's storage:
/// flatten and dropout always (a view: same elements, nothing computed at inference); an
/// elementwise node (activation, batchnorm) when its input's storage has no other reader and
/// is not the caller's input, so overwriting it cannot change what another node reads.
/// A convolution run together with the max pool that reads it (<see cref="ConvPoolFusion"/>)
/// stores no output (its slot, and its activation node's, take 0 bytes), and the pool's output
/// is alive from the convolution's step, where the fused kernel writes it while still reading
/// the convolution's input.
/// </summary>
internal static class InferencePlanner
{
    public static ArenaPlan Plan(NetworkIR network, IReadOnlyList<LayerInfo> layers, Liveness live)
    {
        var nodes = network.Nodes;
        var aliasOf = new int[nodes.Count];
        var tensors = new List<PlannedTensor>();
        var fused = ConvPoolFusion.All(network, layers);
        for (int n = 1; n < nodes.Count; n++)
        {
            aliasOf[n] = -1;
            if (!live.Computed[n]) continue;
            var op = nodes[n].Op;
            int input = nodes[n].Inputs[0];
            if (OpNames.IsInferenceView(op) || OpNames.IsElementwise(op) && OnlyReader(input, aliasOf, live))
                aliasOf[n] = input;
            long bytes = layers[n].Output.Bytes;
            int start = n;
            foreach (var chain in fused)
            {
                if (n == chain.Conv || n == chain.Activation) bytes = 0;
                if (n == chain.Pool) start = chain.Conv;
            }
            tensors.Add(new PlannedTensor(n, bytes, start, live.LastUse(n), aliasOf[n]));
        }
        return ArenaBuilder.Build(tensors);
    }

    /// <summary>
    /// True when the storage behind <paramref name="node"/>'s output is read by one node only:
    /// each tensor on the way to the storage's owner has a single reader, and the owner is not
    /// the caller's input.
    /// </summary>
    private static bool OnlyReader(int node, int[] aliasOf, Liveness live)
    {
        for (int t = node; ; t = aliasOf[t])
        {
            if (t == 0 || live.Consumers(t) != 1) return false;
            if (aliasOf[t] < 0) return true;
        }
    }
}
