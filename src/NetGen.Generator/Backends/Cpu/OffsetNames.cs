using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Execution;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// Named offsets for the step code: each layer's output slices at a constant of the generated
/// <c>NetgenOffsets</c> class (floats from the memory's start) instead of a bare number, so a reviewer
/// reads <c>m.Slice(NetgenOffsets.Saved_conv1 + s * 5408, n * 5408)</c> and finds conv1's place in one
/// table. Out_ is a node's output at inference (batch 1), Saved_ its batch of outputs saved by the
/// training forward (Saved_input: the inputs region), Gradient_ its batch of output gradients when
/// the passes are not sliced. Names are the node names made identifiers, unique per kind.
/// </summary>
internal sealed class OffsetNames
{
    private const string Class = "NetgenOffsets";
    private readonly ExecutionLayout _layout;
    private readonly string[] _ids;
    private readonly SortedDictionary<string, (long Offset, string Comment)> _used = new(System.StringComparer.Ordinal);

    public OffsetNames(ExecutionLayout layout)
    {
        _layout = layout;
        var nodes = layout.Network.Nodes;
        _ids = new string[nodes.Count];
        var seen = new HashSet<string>();
        for (int n = 0; n < nodes.Count; n++)
        {
            string id = IdentifierPart(nodes[n].Name);
            if (!seen.Add(id))
            {
                id += "_" + Number(n);
                seen.Add(id);
            }
            _ids[n] = id;
        }
    }

    /// <summary>Node n's output at inference.</summary>
    public string Output(int n) => Use("Out_", n, _layout.InferenceOffset(n), "output at inference");

    /// <summary>Node n's batch of outputs saved by the training forward.</summary>
    public string Saved(int n) => Use("Saved_", n, _layout.ActivationOffset(n), "batch of outputs saved for the backward");

    /// <summary>Node n's batch of output gradients (passes not sliced).</summary>
    public string Gradient(int n) => Use("Gradient_", n, _layout.GradientOffset(n), "batch of output gradients");

    private string Use(string kind, int n, long offset, string what)
    {
        string name = kind + _ids[n];
        var node = _layout.Network.Nodes[n];
        _used[name] = (offset, node.Name + " " + _layout.Analysis.Layers[n].Output + ": " + what);
        return Class + "." + name;
    }

    /// <summary>The <c>NetgenOffsets</c> class of every name the step code used; written after that code.</summary>
    public void Write(IndentedWriter w)
    {
        if (_used.Count == 0) return;
        w.Line();
        w.Line("/// <summary>Where each layer's tensors start in the instance's memory, in floats: Out_ at inference, Saved_ and Gradient_ in training.</summary>");
        w.Open($"private static class {Class}");
        foreach (var pair in _used)
            w.Line($"public const int {pair.Key} = {Number(pair.Value.Offset)}; // {pair.Value.Comment}");
        w.Close();
    }
}
