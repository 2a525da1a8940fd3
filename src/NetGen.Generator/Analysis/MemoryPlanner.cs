using System.Collections.Generic;

namespace NetGen.Generator.Analysis;

/// <summary>A buffer to place: its bytes and the steps [Start, End] (inclusive, Start &lt;= End) it is alive.</summary>
internal readonly record struct Buffer(int Id, long Bytes, int Start, int End);

/// <summary>
/// Greedy-by-size offset assignment (the heuristic of TensorFlow Lite's and tinygrad's
/// planners): buffers sorted by size, largest first, each placed at the lowest offset that
/// overlaps no already-placed buffer alive at the same time. Not always optimal, but never
/// below the largest set of buffers alive at once, and deterministic. Only the placed buffers
/// alive at the same time are looked at (<see cref="LifetimeIndex"/>), so a plan costs about the
/// number of buffer pairs whose lifetimes overlap, not the square of the buffer count.
/// </summary>
internal static class MemoryPlanner
{
    /// <summary>Offsets in the order of <paramref name="buffers"/>, and the arena size (the largest end).</summary>
    public static (long[] Offsets, long Bytes) Place(IReadOnlyList<Buffer> buffers)
    {
        var order = new int[buffers.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        // Ties by start time then position, so the plan does not depend on the sort's stability.
        System.Array.Sort(order, (x, y) =>
        {
            int c = buffers[y].Bytes.CompareTo(buffers[x].Bytes);
            if (c != 0) return c;
            c = buffers[x].Start.CompareTo(buffers[y].Start);
            return c != 0 ? c : x.CompareTo(y);
        });

        var offsets = new long[buffers.Count];
        var placed = new LifetimeIndex(buffers);
        var conflicts = new List<int>();
        var byOffset = new List<(long Offset, long End)>();
        long arena = 0;
        foreach (int i in order)
        {
            conflicts.Clear();
            placed.Overlapping(i, conflicts);
            byOffset.Clear();
            foreach (int p in conflicts) byOffset.Add((offsets[p], offsets[p] + buffers[p].Bytes));
            // Conflicts at the same offset may come in any order: each either leaves the gap below
            // them to the buffer or raises the candidate to their largest end, whatever the order.
            byOffset.Sort(static (x, y) => x.Offset.CompareTo(y.Offset));

            long bytes = buffers[i].Bytes;
            long offset = 0;
            foreach (var (start, end) in byOffset)
            {
                if (offset + bytes <= start) break;
                if (end > offset) offset = end;
            }
            offsets[i] = offset;
            placed.Add(i);
            long top = checked(offset + bytes);
            if (top > arena) arena = top;
        }
        return (offsets, arena);
    }
}
