using System;
using System.Collections.Generic;

namespace NetGen.Generator.Analysis;

/// <summary>
/// The buffers <see cref="MemoryPlanner"/> has placed, indexed by lifetime, so that finding the
/// placed buffers alive at the same time as another costs the number it finds (and a logarithm),
/// not a scan of every placed buffer: that scan made a plan quadratic in the network's size.
/// A placed buffer overlaps a query [s, e] when it starts inside [s, e] (found in the buffers
/// ordered by start) or starts before s and is still alive at s (found by a stabbing query in a
/// segment tree over the steps, each placed buffer stored at the O(log steps) tree nodes that
/// cover its lifetime exactly). Steps are compressed to the distinct starts and ends.
/// </summary>
internal sealed class LifetimeIndex
{
    private readonly int[] _start;
    private readonly int[] _end;
    private readonly int[] _byStart;
    private readonly int[] _firstStartingAt;
    private readonly bool[] _placed;
    private readonly List<int>?[] _tree;
    private readonly int _leaves;

    /// <param name="buffers">Every buffer, placed or not yet; each alive over [Start, End] with Start &lt;= End.</param>
    public LifetimeIndex(IReadOnlyList<Buffer> buffers)
    {
        int count = buffers.Count;
        var steps = new int[2 * count];
        for (int i = 0; i < count; i++)
        {
            steps[2 * i] = buffers[i].Start;
            steps[2 * i + 1] = buffers[i].End;
        }
        Array.Sort(steps);
        int distinct = 0;
        for (int i = 0; i < steps.Length; i++)
            if (distinct == 0 || steps[i] != steps[distinct - 1]) steps[distinct++] = steps[i];

        _start = new int[count];
        _end = new int[count];
        _firstStartingAt = new int[distinct + 1];
        for (int i = 0; i < count; i++)
        {
            _start[i] = Array.BinarySearch(steps, 0, distinct, buffers[i].Start);
            _end[i] = Array.BinarySearch(steps, 0, distinct, buffers[i].End);
            _firstStartingAt[_start[i] + 1]++;
        }
        for (int s = 0; s < distinct; s++) _firstStartingAt[s + 1] += _firstStartingAt[s];
        _byStart = new int[count];
        var next = (int[])_firstStartingAt.Clone();
        for (int i = 0; i < count; i++) _byStart[next[_start[i]]++] = i;

        _placed = new bool[count];
        _leaves = 1;
        while (_leaves < distinct) _leaves *= 2;
        _tree = new List<int>?[2 * _leaves];
    }

    /// <summary>Marks buffer <paramref name="buffer"/> placed: later queries find it.</summary>
    public void Add(int buffer)
    {
        _placed[buffer] = true;
        // The canonical cover of [start, end]: the tree nodes whose ranges tile it.
        for (int l = _start[buffer] + _leaves, r = _end[buffer] + _leaves + 1; l < r; l >>= 1, r >>= 1)
        {
            if ((l & 1) == 1) Store(l++, buffer);
            if ((r & 1) == 1) Store(--r, buffer);
        }
    }

    /// <summary>Adds to <paramref name="found"/> every placed buffer alive at a step where <paramref name="buffer"/> is, each once.</summary>
    public void Overlapping(int buffer, List<int> found)
    {
        int start = _start[buffer];
        for (int k = _firstStartingAt[start]; k < _firstStartingAt[_end[buffer] + 1]; k++)
            if (_placed[_byStart[k]]) found.Add(_byStart[k]);
        // Alive at start and started before it: every tree node on the path from start's leaf to
        // the root covers start, and a buffer covering start is stored at exactly one of them.
        for (int node = start + _leaves; node >= 1; node >>= 1)
        {
            if (_tree[node] is not { } stored) continue;
            foreach (int p in stored)
                if (_start[p] < start) found.Add(p);
        }
    }

    private void Store(int node, int buffer) => (_tree[node] ??= new List<int>()).Add(buffer);
}
