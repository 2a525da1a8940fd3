using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>A buffer to place: its bytes and the steps [Start, End] (inclusive) it is alive.</summary>
internal readonly record struct Buffer(int Id, long Bytes, int Start, int End)
{
    public bool OverlapsInTime(Buffer other) => Start <= other.End && other.Start <= End;
}

/// <summary>
/// Greedy-by-size offset assignment (the heuristic of TensorFlow Lite's and tinygrad's
/// planners): buffers sorted by size, largest first, each placed at the lowest offset that
/// overlaps no already-placed buffer alive at the same time. Not always optimal, but never
/// below the largest set of buffers alive at once, and deterministic.
/// </summary>
internal static class MemoryPlanner
{
    /// <summary>Offsets in the order of <paramref name="buffers"/>, and the arena size (the largest end).</summary>
    public static (long[] Offsets, long Bytes) Place(IReadOnlyList<Buffer> buffers)
    {
        var order = new List<int>(buffers.Count);
        for (int i = 0; i < buffers.Count; i++) order.Add(i);
        // Ties by start time then position, so the plan does not depend on the sort's stability.
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
                if (buffers[p].OverlapsInTime(buffers[i])) conflicts.Add(p);
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
