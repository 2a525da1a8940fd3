using NetGen.Generator.Analysis;
using Buffer = NetGen.Generator.Analysis.Buffer;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>
/// The greedy-by-size planner as it was before <see cref="LifetimeIndex"/>: every placement scans
/// every placed buffer for one alive at the same time (O(buffers^2)). The reference that
/// <see cref="MemoryPlannerTests"/> holds <see cref="MemoryPlanner"/> to, decision for decision.
/// </summary>
internal static class ScanningMemoryPlanner
{
    public static (long[] Offsets, long Bytes) Place(IReadOnlyList<Buffer> buffers)
    {
        var order = new List<int>(buffers.Count);
        for (int i = 0; i < buffers.Count; i++) order.Add(i);
        order.Sort((x, y) =>
        {
            int c = buffers[y].Bytes.CompareTo(buffers[x].Bytes);
            if (c != 0) return c;
            c = buffers[x].Start.CompareTo(buffers[y].Start);
            return c != 0 ? c : x.CompareTo(y);
        });

        var offsets = new long[buffers.Count];
        var placed = new List<int>(buffers.Count);
        long arena = 0;
        foreach (int i in order)
        {
            var conflicts = new List<int>();
            foreach (int p in placed)
                if (buffers[p].Start <= buffers[i].End && buffers[i].Start <= buffers[p].End) conflicts.Add(p);
            conflicts.Sort((x, y) => offsets[x].CompareTo(offsets[y]));

            long offset = 0;
            foreach (int p in conflicts)
            {
                if (offset + buffers[i].Bytes <= offsets[p]) break;
                long end = offsets[p] + buffers[p].Bytes;
                if (end > offset) offset = end;
            }
            offsets[i] = offset;
            placed.Add(i);
            long top = checked(offset + buffers[i].Bytes);
            if (top > arena) arena = top;
        }
        return (offsets, arena);
    }
}
