using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>Facts of a layer that every backend and planner reads alike.</summary>
internal static class LayerFacts
{
    /// <summary>Convolution groups: the Groups argument, or C for a depthwise convolution.</summary>
    public static int Groups(Node node, Shape input) => node.Op == OpKind.DepthwiseConv2D ? input.C : node.Args.Groups;

    /// <summary>
    /// Whether the backward pass needs the gradient of node <paramref name="node"/>'s output:
    /// not for the network input, nor for a view (flatten, dropout) of it.
    /// </summary>
    public static bool NeedsGradient(NetworkIR network, int node)
    {
        while (node != 0)
        {
            var op = network.Nodes[node].Op;
            if (op is not (OpKind.Flatten or OpKind.Dropout)) return true;
            node = network.Nodes[node].Inputs[0];
        }
        return false;
    }
}
