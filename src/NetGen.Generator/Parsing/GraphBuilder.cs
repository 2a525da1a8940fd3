using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>A reference to a node by name, with where the name was written.</summary>
public sealed record InputRef(string Name, LocationInfo? Location);

/// <summary>A node as a front end declares it: inputs still by name, possibly forward.</summary>
/// <param name="Named">The user wrote the name (false for a generated <c>{kind}_{n}</c>): see <see cref="ActivationFusion"/>.</param>
public sealed record DeclaredNode(
    string Name,
    OpKind Op,
    LayerArgs Args,
    bool Frozen,
    LocationInfo? Location,
    EquatableArray<InputRef> Inputs,
    bool Named = true);

/// <summary>Everything a front end knows about a network before the graph is assembled.</summary>
/// <param name="InputShape">Null when the network declares none (NG0009).</param>
/// <param name="InputLocation">Where the input shape was declared; also the location of the "input" node.</param>
/// <param name="Nodes">In declaration order; the input node is implicit and named <see cref="GraphBuilder.InputName"/>.</param>
/// <param name="Output">The node the network returns; null for the last declared node.</param>
/// <param name="Location">The network's name, where network-wide diagnostics point.</param>
public sealed record GraphSpec(
    string Name,
    TargetClass Target,
    Shape? InputShape,
    LocationInfo? InputLocation,
    EquatableArray<DeclaredNode> Nodes,
    InputRef? Output,
    int Batch,
    OptimizerKind Optimizer,
    Budgets Budgets,
    LocationInfo? Location);

/// <summary>
/// Assembles the graph both front ends share: resolves names (NG0005 unknown, NG0006
/// duplicate), rejects cycles (NG0007), drops nodes that do not reach the output with a
/// warning (NG0008), lists the rest in topological order after the input node, and fuses
/// activation nodes into the layers they follow (<see cref="ActivationFusion"/>).
/// Iterative throughout, so a 100,000-node chain needs no deep stack.
/// </summary>
public static class GraphBuilder
{
    /// <summary>The name of node 0, the network's input.</summary>
    public const string InputName = "input";

    /// <summary>Cycles reported per network at most; past that they are the same mistake repeated.</summary>
    private const int MaxCyclesReported = 10;

    private const int InputIndex = -1;

    public static Result<NetworkIR> Build(GraphSpec spec)
    {
        var diagnostics = new DiagnosticBag();
        var nodes = spec.Nodes;
        if (spec.InputShape is null)
            diagnostics.Add(DiagnosticIds.MissingInput, spec.Location, spec.Name);
        if (nodes.Count == 0)
            diagnostics.Add(DiagnosticIds.NoLayers, spec.Location, spec.Name);

        var index = new Dictionary<string, int> { [InputName] = InputIndex };
        for (int i = 0; i < nodes.Count; i++)
        {
            var node = nodes[i];
            if (index.TryGetValue(node.Name, out int first))
            {
                var firstLocation = first == InputIndex ? spec.InputLocation : nodes[first].Location;
                diagnostics.Add(DiagnosticIds.DuplicateNode, node.Location, node.Name, firstLocation?.ToDisplayString() ?? "(the network's input)");
            }
            else index.Add(node.Name, i);
        }

        var inputs = new int[nodes.Count][];
        for (int i = 0; i < nodes.Count; i++)
        {
            var refs = nodes[i].Inputs;
            var resolved = new List<int>(refs.Count);
            foreach (var r in refs)
            {
                if (index.TryGetValue(r.Name, out int target)) resolved.Add(target);
                else diagnostics.Add(DiagnosticIds.UnknownNode, r.Location, r.Name, nodes[i].Name);
            }
            inputs[i] = resolved.ToArray();
        }

        int output = nodes.Count - 1;
        if (spec.Output is not null)
        {
            if (!index.TryGetValue(spec.Output.Name, out output))
            {
                diagnostics.Add(DiagnosticIds.UnknownNode, spec.Output.Location, spec.Output.Name, "output");
                output = -1;
            }
            else if (output == InputIndex)
            {
                diagnostics.Add(DiagnosticIds.InvalidArgument, spec.Output.Location, "output", spec.Name, "the input", "a layer's node");
                output = -1;
            }
        }

        ReportCycles(nodes, inputs, diagnostics);
        if (diagnostics.ErrorCount > 0 || output < 0 || spec.InputShape is null)
            return new Result<NetworkIR>(null, diagnostics.Items.ToEquatableArray());

        var order = TopologicalOrder(inputs, output);
        var keep = new bool[nodes.Count];
        foreach (int i in order) keep[i] = true;
        // One warning per declaration: a block's unused node is the same line in every instance.
        var warnedAt = new HashSet<LocationInfo>();
        for (int i = 0; i < nodes.Count; i++)
        {
            if (!keep[i] && (nodes[i].Location is null || warnedAt.Add(nodes[i].Location!))) diagnostics.Add(DiagnosticIds.UnusedNode, nodes[i].Location, nodes[i].Name, nodes[output].Name);
        }

        var newIndex = new int[nodes.Count];
        var irNodes = new List<Node>(order.Count + 1)
        {
            new(InputName, OpKind.Input, EquatableArray<int>.Empty, new LayerArgs(), false, spec.InputLocation),
        };
        var named = new List<bool>(order.Count + 1) { true };
        foreach (int i in order)
        {
            newIndex[i] = irNodes.Count;
            var node = nodes[i];
            var mapped = new int[inputs[i].Length];
            for (int k = 0; k < mapped.Length; k++) mapped[k] = inputs[i][k] == InputIndex ? 0 : newIndex[inputs[i][k]];
            irNodes.Add(new Node(node.Name, node.Op, mapped.ToEquatableArray(), node.Args, node.Frozen, node.Location));
            named.Add(node.Named);
        }

        var network = new NetworkIR(spec.Name, spec.Target, spec.InputShape.Value, irNodes.ToEquatableArray(), newIndex[output],
            spec.Batch, spec.Optimizer, spec.Budgets, spec.Location);
        network = ActivationFusion.Fuse(network, named);
        return new Result<NetworkIR>(network, diagnostics.Items.ToEquatableArray());
    }

    /// <summary>
    /// Depth-first search over input edges; a back edge closes a cycle. The cycle is reported
    /// at a reference to a node declared at or after the referrer (a forward or self
    /// reference: every cycle has one), and shown in data-flow order from that referrer.
    /// </summary>
    private static void ReportCycles(EquatableArray<DeclaredNode> nodes, int[][] inputs, DiagnosticBag diagnostics)
    {
        const byte White = 0, Gray = 1, Black = 2;
        var color = new byte[nodes.Count];
        var path = new List<int>();
        var next = new List<int>();
        int reported = 0;
        for (int root = 0; root < nodes.Count && reported < MaxCyclesReported; root++)
        {
            if (color[root] != White) continue;
            path.Add(root);
            next.Add(0);
            color[root] = Gray;
            while (path.Count > 0)
            {
                int top = path.Count - 1, u = path[top];
                if (next[top] == inputs[u].Length)
                {
                    color[u] = Black;
                    path.RemoveAt(top);
                    next.RemoveAt(top);
                    continue;
                }
                int v = inputs[u][next[top]++];
                if (v == InputIndex || color[v] == Black) continue;
                if (color[v] == Gray)
                {
                    if (reported++ < MaxCyclesReported) ReportCycle(nodes, path, path.LastIndexOf(v), diagnostics);
                    continue;
                }
                color[v] = Gray;
                path.Add(v);
                next.Add(0);
            }
        }
    }

    /// <param name="cycle">path[from..] is the cycle, each node referring to the next, the last referring to path[from].</param>
    private static void ReportCycle(EquatableArray<DeclaredNode> nodes, List<int> cycle, int from, DiagnosticBag diagnostics)
    {
        int length = cycle.Count - from;
        int start = 0;
        for (int k = 0; k < length; k++)
        {
            int referrer = cycle[from + k], target = cycle[from + (k + 1) % length];
            if (target >= referrer) { start = k; break; }
        }
        int r = cycle[from + start], t = cycle[from + (start + 1) % length];
        LocationInfo? at = nodes[r].Location;
        foreach (var input in nodes[r].Inputs)
        {
            if (input.Name == nodes[t].Name) { at = input.Location ?? at; break; }
        }
        // Data flows against the references: from r to the node that refers to r, and so on back to r.
        var names = new List<string> { nodes[r].Name };
        for (int k = length - 1; k >= 1; k--) names.Add(nodes[cycle[from + (start + k) % length]].Name);
        names.Add(nodes[r].Name);
        diagnostics.Add(DiagnosticIds.Cycle, at, string.Join(" -> ", names));
    }

    /// <summary>The nodes the output depends on, inputs before users, otherwise in declaration order.</summary>
    private static List<int> TopologicalOrder(int[][] inputs, int output)
    {
        var needed = new bool[inputs.Length];
        var stack = new Stack<int>();
        needed[output] = true;
        stack.Push(output);
        while (stack.Count > 0)
        {
            foreach (int v in inputs[stack.Pop()])
            {
                if (v != InputIndex && !needed[v]) { needed[v] = true; stack.Push(v); }
            }
        }
        var order = new List<int>();
        var done = new bool[inputs.Length];
        var path = new List<int>();
        var next = new List<int>();
        for (int root = 0; root < inputs.Length; root++)
        {
            if (!needed[root] || done[root]) continue;
            path.Add(root);
            next.Add(0);
            while (path.Count > 0)
            {
                int top = path.Count - 1, u = path[top];
                if (next[top] == inputs[u].Length)
                {
                    done[u] = true;
                    order.Add(u);
                    path.RemoveAt(top);
                    next.RemoveAt(top);
                    continue;
                }
                int v = inputs[u][next[top]++];
                if (v == InputIndex || done[v]) continue;
                path.Add(v);
                next.Add(0);
            }
        }
        return order;
    }
}
