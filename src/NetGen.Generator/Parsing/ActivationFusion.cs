using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>
/// Fuses an activation node into the convolution or dense layer it reads, as <c>activation:</c>
/// does, so that <c>conv1 = conv2d(8, 3) -> relu</c> and <c>[Conv2D(8, 3, Activation = ReLU,
/// Name = "conv1")]</c> are the same graph: the same weight names, code and memory. It fuses when
/// the layer has no activation of its own, the activation node is its only reader (and the layer
/// is not the output), and the function is one <c>activation:</c> takes (every activation
/// node but clip). Both front ends run it on the graph they build.
/// </summary>
/// <remarks>
/// The fused node takes the layer's name when the user wrote it (<c>conv1: conv2d(...) -> relu</c>,
/// as torchvision names weights), else the activation's when the user wrote that
/// (<c>conv1 = conv2d(...) -> relu</c>): the name of a chain belongs to the layer that has weights.
/// References to the activation node refer to the fused node.
/// </remarks>
internal static class ActivationFusion
{
    /// <param name="named">Per node of <paramref name="network"/>: the user wrote its name (not <c>{kind}_{n}</c>).</param>
    public static NetworkIR Fuse(NetworkIR network, IReadOnlyList<bool> named)
    {
        var nodes = network.Nodes;
        var readers = new int[nodes.Count];
        foreach (var node in nodes)
        {
            foreach (int i in node.Inputs) readers[i]++;
        }
        readers[network.Output]++;

        var current = new Node[nodes.Count];
        var into = new int[nodes.Count];
        bool any = false;
        for (int n = 0; n < nodes.Count; n++)
        {
            current[n] = nodes[n];
            into[n] = n;
            var node = nodes[n];
            if (node.Inputs.Count != 1 || FusedForm(node) is not { } fused) continue;
            int layer = node.Inputs[0];
            var target = current[layer];
            if (!TakesActivation(target.Op) || target.Args.Activation != ActivationKind.None || readers[layer] != 1) continue;
            string name = named[layer] || !named[n] ? target.Name : node.Name;
            current[layer] = target with { Name = name, Args = target.Args with { Activation = fused.Kind, Alpha = fused.Alpha } };
            into[n] = layer;
            any = true;
        }
        if (!any) return network;

        var index = new int[nodes.Count];
        var kept = new List<Node>(nodes.Count);
        for (int n = 0; n < nodes.Count; n++)
        {
            if (into[n] != n) { index[n] = index[into[n]]; continue; }
            index[n] = kept.Count;
            var node = current[n];
            var inputs = new int[node.Inputs.Count];
            for (int k = 0; k < inputs.Length; k++) inputs[k] = index[node.Inputs[k]];
            kept.Add(node with { Inputs = inputs.ToEquatableArray() });
        }
        return network with { Nodes = kept.ToEquatableArray(), Output = index[network.Output] };
    }

    /// <summary>The layers with an <c>activation:</c> argument.</summary>
    public static bool TakesActivation(OpKind op) => op is OpKind.Conv2D or OpKind.DepthwiseConv2D or OpKind.SeparableConv2D
        or OpKind.Conv2DTranspose or OpKind.Dense;

    /// <summary>The activation node as a fused activation, or null when <c>activation:</c> has no such value.</summary>
    private static (ActivationKind Kind, double Alpha)? FusedForm(Node node) => node.Op switch
    {
        OpKind.ReLU => (ActivationKind.ReLU, 0),
        // A fused leaky ReLU with alpha 0 would read as "not given" (0.01): it is a ReLU.
        OpKind.LeakyReLU => node.Args.Alpha > 0 ? (ActivationKind.LeakyReLU, node.Args.Alpha) : (ActivationKind.ReLU, 0),
        OpKind.ELU => (ActivationKind.ELU, node.Args.Alpha),
        OpKind.Sigmoid => (ActivationKind.Sigmoid, 0),
        OpKind.Tanh => (ActivationKind.Tanh, 0),
        OpKind.Softmax => (ActivationKind.Softmax, 0),
        OpKind.ReLU6 => (ActivationKind.ReLU6, 0),
        OpKind.HardSigmoid => (ActivationKind.HardSigmoid, 0),
        // These keep their pre-activation in training (OpNames.NeedsPreActivation), as a fused layer then does.
        OpKind.HardSwish => (ActivationKind.HardSwish, 0),
        OpKind.SiLU => (ActivationKind.SiLU, 0),
        OpKind.GELU => (node.Args.Activation, 0),
        OpKind.Mish => (ActivationKind.Mish, 0),
        _ => null,
    };
}
