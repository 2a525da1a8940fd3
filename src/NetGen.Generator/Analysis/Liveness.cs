using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// Which nodes are computed and when each value is last read. Time is the node index (nodes
/// are in topological order and run in that order); a value made by node n is alive over
/// [n, <see cref="LastUse"/>(n)], both ends included. The backward pass runs the same steps in
/// reverse, so an activation gradient is alive over the same interval.
/// </summary>
internal sealed class Liveness
{
    private readonly int[] _lastUse;
    private readonly int[] _consumers;

    /// <summary>Nodes the output depends on (the output included). Others are not computed (NG0008).</summary>
    public bool[] Computed { get; }

    /// <summary>One past the last node: the time the output stays alive until.</summary>
    public int End { get; }

    public Liveness(NetworkIR network)
    {
        var nodes = network.Nodes;
        End = nodes.Count;
        Computed = new bool[nodes.Count];
        _lastUse = new int[nodes.Count];
        _consumers = new int[nodes.Count];

        Computed[network.Output] = true;
        _lastUse[network.Output] = End;
        for (int i = network.Output; i >= 0; i--)
        {
            if (!Computed[i]) continue;
            var inputs = nodes[i].Inputs;
            for (int j = 0; j < inputs.Count; j++)
            {
                int input = inputs[j];
                // A node listing an input twice (add(x, x)) reads it in one step: one consumer.
                if (inputs.AsImmutableArray().IndexOf(input) < j) continue;
                _consumers[input]++;
                Computed[input] = true;
                // Steps run backwards here, so the first consumer met is the last to read.
                if (_lastUse[input] < i) _lastUse[input] = i;
            }
        }
    }

    /// <summary>The last step that reads node n's output (<see cref="End"/> for the output).</summary>
    public int LastUse(int node) => _lastUse[node];

    /// <summary>How many computed nodes read node n's output.</summary>
    public int Consumers(int node) => _consumers[node];
}
