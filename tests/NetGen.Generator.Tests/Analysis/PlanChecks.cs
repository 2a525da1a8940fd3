using Xunit;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>
/// Properties every arena plan must have, checked from the graph alone (lifetimes recomputed
/// here, independently of the analyzer): tensors alive at the same time never share bytes
/// unless one aliases the other, and the arena holds at least what is alive at once.
/// </summary>
internal static class PlanChecks
{
    /// <summary>Last step reading each node's output: the largest consumer index among computed nodes; the output reads to the end.</summary>
    public static int[] LastUse(NetworkIR network, bool[] computed)
    {
        var last = new int[network.Nodes.Count];
        for (int i = 0; i < network.Nodes.Count; i++)
        {
            if (!computed[i]) continue;
            foreach (int input in network.Nodes[i].Inputs) last[input] = Math.Max(last[input], i);
        }
        last[network.Output] = network.Nodes.Count;
        return last;
    }

    public static bool[] Computed(NetworkAnalysis a) => a.Layers.Select(l => l.Computed).ToArray();

    /// <summary>
    /// Checks a plan whose tensor of node n is alive over [n, lastUse[n]] (inference values and
    /// activation gradients alike): storage owners alive together are disjoint, aliases share
    /// their owner's offset and size, and the arena is at least the largest sum alive at once.
    /// </summary>
    public static void CheckLiveness(NetworkIR network, ArenaPlan plan, int[] lastUse)
    {
        var slots = plan.Slots.ToList();
        var byNode = slots.ToDictionary(s => s.Node);
        var start = new Dictionary<int, int>();
        var end = new Dictionary<int, int>();
        foreach (var s in slots)
        {
            int owner = s.AliasOf < 0 ? s.Node : s.AliasOf;
            if (!byNode.ContainsKey(owner)) continue; // a view of the caller's input
            var o = byNode[owner];
            Assert.True(o.AliasOf < 0, $"slot {s.Node} aliases {owner}, which is itself an alias");
            Assert.Equal(o.Offset, s.Offset);
            Assert.Equal(o.Bytes, s.Bytes);
            start[owner] = Math.Min(start.GetValueOrDefault(owner, int.MaxValue), s.Node);
            end[owner] = Math.Max(end.GetValueOrDefault(owner, -1), lastUse[s.Node]);
        }

        var owners = start.Keys.OrderBy(k => k).ToList();
        foreach (int a in owners)
        {
            var sa = byNode[a];
            Assert.True(sa.Offset >= 0 && sa.Offset + sa.Bytes <= plan.Bytes, $"slot {a} lies outside the arena");
            foreach (int b in owners)
            {
                if (b <= a) continue;
                bool together = start[a] <= end[b] && start[b] <= end[a];
                if (!together) continue;
                var sb = byNode[b];
                bool disjoint = sa.Offset + sa.Bytes <= sb.Offset || sb.Offset + sb.Bytes <= sa.Offset;
                Assert.True(disjoint, $"'{network.Nodes[a].Name}' [{sa.Offset}, {sa.Offset + sa.Bytes}) and " +
                    $"'{network.Nodes[b].Name}' [{sb.Offset}, {sb.Offset + sb.Bytes}) are alive together and overlap");
            }
        }

        long peak = 0;
        for (int t = 0; t <= network.Nodes.Count; t++)
            peak = Math.Max(peak, owners.Where(o => start[o] <= t && t <= end[o]).Sum(o => byNode[o].Bytes));
        Assert.True(plan.Bytes >= peak, $"arena {plan.Bytes} is below the {peak} bytes alive at once");
    }

    /// <summary>
    /// An in-place node overwrites its input's storage, so nothing else may read that storage
    /// after the in-place node runs: no other computed node reads the input or an earlier
    /// tensor of the same storage at a later step.
    /// </summary>
    public static void CheckInPlaceIsSafe(NetworkAnalysis a)
    {
        var network = a.Network;
        var computed = Computed(a);
        foreach (var s in a.InferencePlan.Slots)
        {
            if (s.AliasOf < 0) continue;
            var node = network.Nodes[s.Node];
            if (node.Op is OpKind.Flatten or OpKind.Dropout) continue; // views: nothing is written
            Assert.NotEqual(0, s.AliasOf); // the caller's input is never written
            var sharing = a.InferencePlan.Slots.Where(o => o.Node == s.AliasOf || o.AliasOf == s.AliasOf)
                .Select(o => o.Node).Where(n => n < s.Node).ToHashSet();
            for (int r = s.Node + 1; r < network.Nodes.Count; r++)
            {
                if (!computed[r]) continue;
                foreach (int input in network.Nodes[r].Inputs)
                {
                    if (!sharing.Contains(input)) continue;
                    // Readers of the same storage later than the in-place node must read through it (be it).
                    Assert.Fail($"'{node.Name}' runs in place over '{network.Nodes[input].Name}', which '{network.Nodes[r].Name}' reads later");
                }
            }
        }
    }
}
