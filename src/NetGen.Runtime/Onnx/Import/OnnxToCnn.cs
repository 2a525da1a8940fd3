using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using NetGen.Onnx;
using NetGen.Weights;

namespace NetGen.Onnx.Import;

/// <summary>
/// Converts an ONNX CNN graph into a .cnn network and its weights: node by node through
/// <see cref="OnnxOpTable"/>, with shapes tracked per sample (the batch dimension dropped), so
/// every layer's arguments and every weight's layout are known before anything is written. Every
/// node that cannot be converted is one error naming it, its op and why; nodes that read its
/// output add none. Any error means no result (never a partial file).
/// </summary>
internal sealed partial class OnnxToCnn
{
    private readonly OnnxModel _model;
    private readonly string _file;
    private readonly Dictionary<string, ImportValue> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _uses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxNode> _producers = new(StringComparer.Ordinal);
    private readonly List<CnnNode> _nodes = new();
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly List<string> _errors = new();
    private OnnxNode _current = null!;

    private OnnxToCnn(OnnxModel model)
    {
        _model = model;
        _file = model.SourceName;
    }

    /// <summary>The default ONNX operator set the model imports (1 when it names none).</summary>
    internal long Opset => _model.DefaultOpsetVersion ?? 1;

    /// <summary>Converts <paramref name="model"/>; <paramref name="input"/> fixes the input shape (needed when the graph's is symbolic).</summary>
    /// <exception cref="OnnxImportException">Anything that cannot be converted, every error at once.</exception>
    public static ImportedNetwork Convert(OnnxModel model, string name, Shape? input)
    {
        var converter = new OnnxToCnn(model);
        var result = converter.Run(name, input);
        if (converter._errors.Count > 0) throw new OnnxImportException(converter._errors);
        return result!;
    }

    private ImportedNetwork? Run(string name, Shape? inputShape)
    {
        var graph = _model.Graph;
        foreach (var t in graph.InitializerList) _values[t.Name] = ConstantValue.From(t);
        foreach (var node in graph.Nodes)
        {
            foreach (var i in node.Inputs) if (i.Length > 0) _uses[i] = _uses.GetValueOrDefault(i) + 1;
            foreach (var o in node.Outputs) if (o.Length > 0) _producers[o] = node;
        }
        foreach (var o in graph.Outputs) _uses[o.Name] = _uses.GetValueOrDefault(o.Name) + 1;

        var input = BindInput(graph, inputShape);
        if (input is null) return null;

        var patterns = OnnxPatterns.Find(_model, _producers, _uses);
        var absorbed = OnnxPatterns.Absorbed(patterns.Values);
        foreach (var node in graph.Nodes)
        {
            _current = node;
            // A pattern's inner nodes are written as nothing: its root writes the one layer.
            if (absorbed.Contains(node)) continue;
            if (patterns.TryGetValue(node, out var pattern))
            {
                EmitPattern(node, pattern);
                continue;
            }
            if (node.Domain.Length > 0 && node.Domain != "ai.onnx")
            {
                Fail(node, $"operator domain '{node.Domain}' is not the default ONNX domain");
                continue;
            }
            if (node.Inputs.Any(i => i.Length > 0 && _values.TryGetValue(i, out var v) && v is FailedValue))
            {
                MarkFailed(node);
                continue;
            }
            try
            {
                var missing = node.Inputs.FirstOrDefault(i => i.Length > 0 && !_values.ContainsKey(i));
                if (missing is not null) throw new NodeError($"input '{missing}' is computed by no node before it and is not an initializer");
                OnnxOpTable.Convert(this, node);
            }
            catch (NodeError e)
            {
                Fail(node, e.Message, e.OpText);
            }
        }
        if (_errors.Count > 0) return null;

        if (graph.Outputs.Count != 1)
        {
            _errors.Add($"{_file}: error: the graph has {graph.Outputs.Count} outputs ({string.Join(", ", graph.Outputs.Select(o => o.Name))}); a .cnn network has one");
            return null;
        }
        var outputName = graph.Outputs[0].Name;
        if (!_values.TryGetValue(outputName, out var outValue) || outValue is not NodeValue { Node: var output } || output.IsInput)
        {
            _errors.Add($"{_file}: error: the graph's output '{outputName}' is not computed by a layer");
            return null;
        }
        return CnnWriter.Write(_model, name, input, output, _nodes, graph.RuntimeInputs[0]);
    }

    /// <summary>The one layer of an activation written as several nodes, named after the node computing its output.</summary>
    private void EmitPattern(OnnxNode node, PatternMatch pattern)
    {
        switch (_values.GetValueOrDefault(pattern.Input))
        {
            case FailedValue:
                MarkFailed(node);
                return;
            case NodeValue { Node: var x }:
                var n = Emit(node, pattern.Layer, x.Shape, x);
                n.Named.AddRange(pattern.Named);
                n.Comment += $" ({pattern.Layer}: {pattern.Formula})";
                return;
            default:
                Fail(node, $"the {pattern.Layer} pattern {pattern.Formula} reads '{pattern.Input}', which is not a layer's output", $"{node.OpType} -> {pattern.Layer}");
                return;
        }
    }

    /// <summary>The network's input from the graph's one runtime input: (N, C, H, W) or (N, F), the batch dimension any.</summary>
    private CnnNode? BindInput(OnnxGraph graph, Shape? given)
    {
        var inputs = graph.RuntimeInputs;
        if (inputs.Count != 1)
        {
            _errors.Add($"{_file}: error: the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); a .cnn network has one");
            return null;
        }
        var info = inputs[0];
        if (info.ElementType != OnnxSchema.DataTypeFloat)
        {
            _errors.Add($"{_file}: error: input '{info.Name}' is {OnnxSchema.DataTypeName(info.ElementType)}; NetGen networks read FLOAT");
            return null;
        }
        Shape shape;
        if (info.Shape is null || info.Shape.Count is not (2 or 4))
        {
            if (given is null || info.Shape is not null)
            {
                _errors.Add($"{_file}: error: input '{info.Name}' has shape {(info.Shape is null ? "(none)" : string.Join("x", info.Shape))}; expected (N, C, H, W) or (N, F){(info.Shape is null ? ", or --input CxHxW" : "")}");
                return null;
            }
            shape = given.Value;
        }
        else
        {
            var dims = info.Shape.Skip(1).ToArray();
            if (given is { } g)
            {
                var want = g.IsVector ? new long[] { g.C } : new long[] { g.C, g.H, g.W };
                if (want.Length != dims.Length || dims.Where((d, i) => d.Value is { } v && v != want[i]).Any())
                {
                    _errors.Add($"{_file}: error: --input {Text(g)} does not fit input '{info.Name}' of shape {string.Join("x", info.Shape)}");
                    return null;
                }
                shape = g;
            }
            else if (dims.Any(d => d.Value is null or <= 0))
            {
                _errors.Add($"{_file}: error: input '{info.Name}' has the dynamic shape {string.Join("x", info.Shape)}; fix the dimensions after the batch with --input {(dims.Length == 1 ? "F" : "CxHxW")}");
                return null;
            }
            else
            {
                shape = dims.Length == 1 ? Shape.Vector((int)dims[0].Value!.Value)
                    : Shape.Chw((int)dims[0].Value!.Value, (int)dims[1].Value!.Value, (int)dims[2].Value!.Value);
            }
        }
        var node = new CnnNode("input", "input", shape, $"ONNX input '{info.Name}'");
        _names.Add("input");
        _values[info.Name] = new NodeValue(node);
        return node;
    }

    /// <summary>"3x224x224" or "784".</summary>
    internal static string Text(Shape s) => s.IsVector ? s.C.ToString(CultureInfo.InvariantCulture) : $"{s.C}x{s.H}x{s.W}";

    private void Fail(OnnxNode node, string why, string? opText = null)
    {
        _errors.Add($"{_file}: error: node '{Label(node)}' ({opText ?? node.OpType}): {why}");
        MarkFailed(node);
    }

    private void MarkFailed(OnnxNode node)
    {
        foreach (var o in node.Outputs) if (o.Length > 0) _values[o] = FailedValue.Instance;
    }

    private static string Label(OnnxNode node) => node.Name.Length > 0 ? node.Name : node.Outputs.FirstOrDefault() ?? "";

    // ----- What the op converters use -----

    /// <summary>Input <paramref name="index"/> of the current node, or null when omitted.</summary>
    internal ImportValue? Value(OnnxNode node, int index) =>
        index < node.Inputs.Count && node.Inputs[index].Length > 0 ? _values[node.Inputs[index]] : null;

    /// <summary>Input <paramref name="index"/> as a layer's output (not a constant, not a pending Pad).</summary>
    internal CnnNode Layer(OnnxNode node, int index)
    {
        switch (Value(node, index))
        {
            case NodeValue v: return v.Node;
            case PaddedValue p:
                throw new NodeError($"reads the output of Pad '{p.PadNode}', which the importer folds only into a Conv that follows it");
            case ConstantValue:
                throw new NodeError($"input {index} ('{node.Inputs[index]}') is a constant; the importer expects a layer's output there");
            default:
                throw new NodeError($"input {index} is missing");
        }
    }

    /// <summary>Input <paramref name="index"/> as a stored tensor (initializer or Constant), or null when omitted.</summary>
    internal ConstantValue? Constant(OnnxNode node, int index, string what)
    {
        var v = Value(node, index);
        if (v is null) return null;
        return v as ConstantValue ?? throw new NodeError(
            $"{what} (input {index}, '{node.Inputs[index]}') is computed by the graph; the importer needs it stored (an initializer or a Constant): a dynamic shape or weight");
    }

    /// <summary>Input <paramref name="index"/> as a FLOAT stored tensor with <paramref name="rank"/> dimensions (any rank when -1).</summary>
    internal ConstantValue Weights(OnnxNode node, int index, string what, int rank)
    {
        var c = Constant(node, index, what) ?? throw new NodeError($"{what} (input {index}) is missing");
        if (c.Floats is null) throw new NodeError($"{what} '{node.Inputs[index]}' is an integer tensor; expected FLOAT");
        if (rank >= 0 && c.Dims.Length != rank) throw new NodeError($"{what} '{node.Inputs[index]}' has shape {c}; expected {rank} dimensions");
        return c;
    }

    /// <summary>How many nodes (and graph outputs) read the value <paramref name="name"/>.</summary>
    internal int Uses(string name) => _uses.GetValueOrDefault(name);

    /// <summary>The node that computes <paramref name="value"/>, or null for inputs and initializers.</summary>
    internal OnnxNode? Producer(string value) => _producers.GetValueOrDefault(value);

    /// <summary>The nodes that read <paramref name="value"/>.</summary>
    internal IEnumerable<OnnxNode> Consumers(string value) => _model.Graph.Nodes.Where(n => n.Inputs.Contains(value));

    /// <summary>Binds output <paramref name="index"/> of the current node to <paramref name="value"/>.</summary>
    internal void Bind(OnnxNode node, ImportValue value, int index = 0) => _values[node.Outputs[index]] = value;

    /// <summary>Refuses extra outputs (BatchNormalization's statistics, MaxPool's indices, Dropout's mask) that something reads.</summary>
    internal void FirstOutputOnly(OnnxNode node)
    {
        for (int i = 1; i < node.Outputs.Count; i++)
            if (node.Outputs[i].Length > 0 && Uses(node.Outputs[i]) > 0)
                throw new NodeError($"output {i} ('{node.Outputs[i]}') is read by the graph; NetGen layers have one output");
    }

    /// <summary>Refuses attributes outside <paramref name="known"/>, naming the first.</summary>
    internal static void KnownAttributes(OnnxNode node, params string[] known)
    {
        foreach (var a in node.Attributes.Keys)
            if (Array.IndexOf(known, a) < 0)
                throw new NodeError($"attribute '{a}' is not supported by the importer (it reads: {(known.Length == 0 ? "none" : string.Join(", ", known))})");
    }

    /// <summary>Adds a .cnn node for the current ONNX node, named after it, reading <paramref name="inputs"/>; binds output 0 to it.</summary>
    internal CnnNode Emit(OnnxNode node, string layer, Shape shape, params CnnNode[] inputs)
    {
        var n = Add(UniqueName(Label(node)), layer, shape, $"{node.OpType} '{Label(node)}'", inputs);
        Bind(node, new NodeValue(n));
        return n;
    }

    /// <summary>
    /// A .cnn node for a first part of the current ONNX node (one ONNX node written as two layers),
    /// named "{node}_{part}", reading <paramref name="input"/> with its shape; the last part, written
    /// with <see cref="Emit"/>, binds the node's output.
    /// </summary>
    internal CnnNode EmitPart(OnnxNode node, string part, string layer, CnnNode input) =>
        Add(UniqueName(Label(node) + "_" + part), layer, input.Shape, $"{node.OpType} '{Label(node)}' ({part})", input);

    private CnnNode Add(string name, string layer, Shape shape, string comment, params CnnNode[] inputs)
    {
        var n = new CnnNode(name, layer, shape, comment)
        {
            TakesBias = layer is "conv2d" or "depthwise_conv2d" or "conv2d_transpose" or "dense",
        };
        n.Inputs.AddRange(inputs);
        _nodes.Add(n);
        return n;
    }

    private string UniqueName(string onnxName)
    {
        string baseName = CnnNames.Sanitize(onnxName);
        string name = baseName;
        for (int i = 2; !_names.Add(name); i++) name = baseName.TrimEnd('_') + "_" + i.ToString(CultureInfo.InvariantCulture);
        return name;
    }

    /// <summary>A float as .cnn text: the shortest form that reads back as the same float.</summary>
    internal static string Number(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    internal static string Number(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>"3" when both are equal, else "3x5".</summary>
    internal static string Pair(long h, long w) => h == w ? Number(h) : $"{Number(h)}x{Number(w)}";
}
