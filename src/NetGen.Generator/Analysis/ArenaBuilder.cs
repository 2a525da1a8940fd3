using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// A tensor to place in an arena: the value (or gradient) of <paramref name="Node"/>, alive over
/// steps [Start, End], stored in place of <paramref name="AliasOf"/>'s tensor when that is not -1.
/// </summary>
internal readonly record struct PlannedTensor(int Node, long Bytes, int Start, int End, int AliasOf = -1);

/// <summary>
/// Turns tensors with lifetimes and in-place aliases into an <see cref="ArenaPlan"/>: tensors
/// sharing storage are merged into one buffer alive over the union of their lifetimes, the
/// buffers are placed by <see cref="MemoryPlanner"/>, and each tensor gets its storage's offset.
/// An alias of a node that has no tensor here (the network input, which is the caller's
/// memory) points at that node, at offset 0, and takes no arena bytes.
/// </summary>
internal static class ArenaBuilder
{
    public static ArenaPlan Build(IReadOnlyList<PlannedTensor> tensors)
    {
        var index = new Dictionary<int, int>(tensors.Count);
        for (int i = 0; i < tensors.Count; i++) index[tensors[i].Node] = i;

        var owner = Owners(tensors, index);

        // One buffer per owner, alive from the first to the last step any of its tensors is.
        var bufferOf = new Dictionary<int, int>();
        var buffers = new List<Buffer>();
        for (int i = 0; i < tensors.Count; i++)
        {
            if (!index.TryGetValue(owner[i], out int o)) continue;
            var t = tensors[i];
            if (!bufferOf.TryGetValue(owner[i], out int b))
            {
                bufferOf[owner[i]] = buffers.Count;
                buffers.Add(new Buffer(owner[i], tensors[o].Bytes, t.Start, t.End));
                continue;
            }
            var buffer = buffers[b];
            buffers[b] = buffer with
            {
                Start = System.Math.Min(buffer.Start, t.Start),
                End = System.Math.Max(buffer.End, t.End),
            };
        }

        var (offsets, bytes) = MemoryPlanner.Place(buffers);
        var slots = new TensorSlot[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            bool owns = owner[i] == t.Node;
            long offset = bufferOf.TryGetValue(owner[i], out int b) ? offsets[b] : 0;
            slots[i] = new TensorSlot(t.Node, offset, t.Bytes, owns ? -1 : owner[i]);
        }
        return new ArenaPlan(bytes, slots.ToEquatableArray());
    }

    /// <summary>
    /// Storage owner of each tensor: follow aliases until a tensor that owns its bytes (or a node
    /// without a tensor here). Every tensor on a walk gets the owner found, so each alias is
    /// followed once, however long the chain (relu -> relu -> ... in place).
    /// </summary>
    private static int[] Owners(IReadOnlyList<PlannedTensor> tensors, Dictionary<int, int> index)
    {
        var owner = new int[tensors.Count];
        var known = new bool[tensors.Count];
        var walk = new List<int>();
        for (int i = 0; i < tensors.Count; i++)
        {
            walk.Clear();
            int t = i, found;
            while (true)
            {
                if (known[t])
                {
                    found = owner[t];
                    break;
                }
                walk.Add(t);
                int alias = tensors[t].AliasOf;
                if (alias < 0)
                {
                    found = tensors[t].Node;
                    break;
                }
                if (!index.TryGetValue(alias, out t))
                {
                    found = alias;
                    break;
                }
            }
            foreach (int w in walk)
            {
                owner[w] = found;
                known[w] = true;
            }
        }
        return owner;
    }
}
