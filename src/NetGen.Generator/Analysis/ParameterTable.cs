using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// The parameter table of a network: every parameter tensor, named and shaped as PyTorch's
/// state_dict and in its order, at offsets (fp32 elements) from the memory's start; trainable
/// ones also at an offset in the gradient region. Parameters come first in both modes, so their
/// offsets are shared.
/// </summary>
internal sealed partial class ParameterTable
{
    private readonly NetworkIR _network;
    private readonly IReadOnlyList<LayerInfo> _layers;
    private readonly ComputedGraph _graph;
    private long _offset, _gradient;

    public List<ParameterEntry> Entries { get; } = new();

    /// <summary>Floats of all parameters (and statistics).</summary>
    public long Floats => _offset;

    /// <summary>Floats of the trainable parameters: the gradient region's size.</summary>
    public long TrainableFloats => _gradient;

    public ParameterTable(NetworkIR network, IReadOnlyList<LayerInfo> layers, ComputedGraph graph)
    {
        _network = network;
        _layers = layers;
        _graph = graph;
        var nodes = network.Nodes;
        for (int n = 1; n < nodes.Count; n++)
        {
            if (!layers[n].Computed) continue;
            var node = nodes[n];
            if (node.Op == OpKind.BatchNorm) AddBatchNorm(n);
            if (AddSpatialParameters(n)) continue;
            if (node.Op is not (OpKind.Conv2D or OpKind.DepthwiseConv2D or OpKind.Dense)) continue;
            var input = InputShape(n);
            var output = layers[n].Output;
            int[] shape;
            int fanIn, fanOut;
            int[]? flattened = null;
            if (node.Op == OpKind.Dense)
            {
                shape = new[] { output.C, (int)input.Elements };
                fanIn = (int)input.Elements;
                fanOut = output.C;
                // Through dropouts (views) back to a Flatten, whose channels-last order the weights follow.
                int sourceNode = node.Inputs[0];
                while (nodes[sourceNode].Op == OpKind.Dropout) sourceNode = nodes[sourceNode].Inputs[0];
                if (nodes[sourceNode].Op == OpKind.Flatten)
                {
                    var before = InputShape(sourceNode);
                    if (!before.IsVector && before.C > 1 && before.H * before.W > 1) flattened = new[] { before.C, before.H, before.W };
                }
            }
            else
            {
                int groups = LayerFacts.Groups(node, input);
                int taps = node.Args.KernelH * node.Args.KernelW;
                shape = new[] { output.C, input.C / groups, node.Args.KernelH, node.Args.KernelW };
                fanIn = input.C / groups * taps;
                fanOut = output.C / groups * taps;
            }
            string init = FeedsReLU(n) ? "He" : "Glorot";
            var weight = Add(n, ParameterRole.Weight, node.Name + ".weight", shape, init, fanIn, fanOut, flattened);
            if (node.Args.Bias) Add(n, ParameterRole.Bias, node.Name + ".bias", new[] { output.C }, "Zeros", weight.FanIn, weight.FanOut, null);
        }
    }

    private Shape InputShape(int node) => _layers[_network.Nodes[node].Inputs[0]].Output;

    private Shape OutputShape(int node) => _layers[node].Output;

    /// <summary>He initialisation when a ReLU (fused or the only reader) follows the layer's output.</summary>
    private bool FeedsReLU(int n)
    {
        var node = _network.Nodes[n];
        if (node.Args.Activation is ActivationKind.ReLU or ActivationKind.LeakyReLU) return true;
        if (node.Args.Activation != ActivationKind.None) return false;
        int reader = _graph.OnlyReader(n);
        return reader >= 0 && _network.Nodes[reader].Op is OpKind.ReLU or OpKind.LeakyReLU;
    }

    private ParameterEntry Add(int node, ParameterRole role, string name, int[] shape, string init, int fanIn, int fanOut, int[]? flattened)
    {
        long length = 1;
        foreach (int d in shape) length *= d;
        bool trainable = !_network.Nodes[node].Frozen;
        var entry = new ParameterEntry(node, role, name, (int)_offset, (int)length, shape.ToEquatableArray(), trainable ? (int)_gradient : -1,
            init, fanIn, fanOut, flattened is null ? EquatableArray<int>.Empty : flattened.ToEquatableArray());
        Entries.Add(entry);
        _offset += length;
        if (trainable) _gradient += length;
        return entry;
    }
}
