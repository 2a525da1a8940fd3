using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// An analysed network's computed nodes and, per node, the computed nodes that read its output
/// (each once, however many of its inputs name the node). Built once in one pass over the
/// inputs, so "the only reader" and "the last reader" are lookups: asking them by scanning every
/// later node made each question O(nodes) and the analysis and emit quadratic in the network's size.
/// </summary>
internal sealed class ComputedGraph
{
    private readonly int[] _readerCount;
    private readonly int[] _lastReader;

    public NetworkIR Network { get; }

    /// <summary>One per node; <see cref="LayerInfo.Computed"/> says which nodes run.</summary>
    public IReadOnlyList<LayerInfo> Layers { get; }

    public ComputedGraph(NetworkIR network, IReadOnlyList<LayerInfo> layers)
    {
        Network = network;
        Layers = layers;
        var nodes = network.Nodes;
        _readerCount = new int[nodes.Count];
        _lastReader = new int[nodes.Count];
        for (int n = 0; n < nodes.Count; n++) _lastReader[n] = -1;
        for (int i = 1; i < nodes.Count; i++)
        {
            if (!layers[i].Computed) continue;
            var inputs = nodes[i].Inputs;
            for (int j = 0; j < inputs.Count; j++)
            {
                int input = inputs[j];
                // Only earlier nodes (the IR's order), and a node listed twice (add(x, x)) reads it once.
                if (input < 0 || input >= i || _lastReader[input] == i) continue;
                _lastReader[input] = i;
                _readerCount[input]++;
            }
        }
    }

    /// <summary>The one computed node that reads <paramref name="node"/>'s output, or -1 (none or several).</summary>
    public int OnlyReader(int node) => _readerCount[node] == 1 ? _lastReader[node] : -1;

    /// <summary>The last computed node that reads <paramref name="node"/>'s output (the first met going backward), or -1.</summary>
    public int LastReader(int node) => _lastReader[node];
}
