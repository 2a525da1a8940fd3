using System.Collections.Generic;
using NetGen.Generator.Backends;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// The inference arena at batch 1. The input is the caller's span, not in the arena; every
/// other computed node's output has a slot, alive from the step that makes it to its last
/// reader (the output to the end). In place, sharing their input's storage:
/// flatten and dropout always (a view: same elements, nothing computed at inference); an
/// elementwise node (activation, batchnorm) when its input's storage has no other reader and
/// is not the caller's input, so overwriting it cannot change what another node reads.
/// A convolution run together with the max pool that reads it (the backend's <see cref="IBackend.FusedPools"/>)
/// stores no output (its slot, and its activation node's, take 0 bytes), and the pool's output
/// is alive from the convolution's step, where the fused kernel writes it while still reading
/// the convolution's input.
/// </summary>
internal static class InferencePlanner
{
    public static ArenaPlan Plan(NetworkIR network, IReadOnlyList<LayerInfo> layers, Liveness live, IBackend backend)
    {
        var nodes = network.Nodes;
        var aliasOf = new int[nodes.Count];
        var tensors = new List<PlannedTensor>();
        // Per node, from the fused chains: stores nothing, or (a pool) is alive from its convolution's step.
        var storesNothing = new bool[nodes.Count];
        var aliveFrom = new int[nodes.Count];
        for (int n = 0; n < nodes.Count; n++) aliveFrom[n] = n;
        foreach (var chain in backend.FusedPools(new ComputedGraph(network, layers)))
        {
            storesNothing[chain.Conv] = true;
            if (chain.Activation >= 0) storesNothing[chain.Activation] = true;
            aliveFrom[chain.Pool] = chain.Conv;
        }
        // Per node: the storage behind its output is read by one node only: each tensor on the way
        // to the storage's owner has a single reader, and the owner is not the caller's input. Kept
        // per node, as an alias chain (relu -> relu -> ...) would otherwise be walked from every link.
        var soleReader = new bool[nodes.Count];
        for (int n = 1; n < nodes.Count; n++)
        {
            aliasOf[n] = -1;
            if (live.Computed[n])
            {
                var op = nodes[n].Op;
                int input = nodes[n].Inputs[0];
                if (OpNames.IsInferenceView(op) || OpNames.IsElementwise(op) && soleReader[input])
                    aliasOf[n] = input;
                long bytes = storesNothing[n] ? 0 : layers[n].Output.Bytes;
                tensors.Add(new PlannedTensor(n, bytes, aliveFrom[n], live.LastUse(n), aliasOf[n]));
            }
            soleReader[n] = live.Consumers(n) == 1 && (aliasOf[n] < 0 || soleReader[aliasOf[n]]);
        }
        return ArenaBuilder.Build(tensors);
    }
}
