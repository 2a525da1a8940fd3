using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using NetGen.Onnx;
using NetGen.Weights;

namespace NetGen.Onnx.Import;

/// <summary>
/// Writes the converted nodes as a .cnn network, one node a line with the ONNX node it came from
/// as a comment, and collects the weights of the nodes the output depends on.
/// </summary>
internal static class CnnWriter
{
    private const int CommentColumn = 72;

    public static ImportedNetwork Write(OnnxModel model, string name, CnnNode input, CnnNode output, IReadOnlyList<CnnNode> nodes, OnnxValueInfo inputInfo)
    {
        // Only what the output depends on (ONNX graphs may compute side values).
        var live = new HashSet<CnnNode>();
        var stack = new Stack<CnnNode>();
        stack.Push(output);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (!live.Add(n)) continue;
            foreach (var i in n.Inputs) stack.Push(i);
        }
        var order = nodes.Where(live.Contains).ToList();

        var text = new StringBuilder();
        string producer = model.ProducerName.Length == 0 ? "" : $" ({model.ProducerName}{(model.ProducerVersion.Length > 0 ? " " + model.ProducerVersion : "")})";
        string file = System.IO.Path.GetFileName(model.SourceName);
        text.Append(CultureInfo.InvariantCulture, $"# Imported by `netgen import` from {file}{producer}, ONNX opset {model.DefaultOpsetVersion?.ToString(CultureInfo.InvariantCulture) ?? "?"}.\n");
        text.Append(CultureInfo.InvariantCulture, $"# Weights: {name}.safetensors, under these node names (PyTorch layouts): net.Load(\"{name}.safetensors\").\n");
        text.Append("# Each line's comment names the ONNX node (op 'name') it came from.\n");
        text.Append(CultureInfo.InvariantCulture, $"network {name} {{\n");
        Line(text, $"input {OnnxToCnn.Text(input.Shape)}", $"ONNX input '{inputInfo.Name}' {(inputInfo.Shape is null ? "" : string.Join("x", inputInfo.Shape))}");
        if (order.Count > 0 && order[^1] != output) Line(text, $"output {output.Name}", "the graph's output");
        text.Append('\n');

        CnnNode previous = input;
        var tensors = new List<NamedTensor>();
        foreach (var n in order)
        {
            Line(text, Statement(n, previous), $"{n.Comment} -> {Shape(n)}");
            previous = n;
            foreach (var (suffix, shape, data) in n.Tensors) tensors.Add(new NamedTensor($"{n.Name}.{suffix}", shape, data));
        }
        text.Append("}\n");
        return new ImportedNetwork(name, text.ToString(), tensors, model.SourceName);
    }

    private static string Shape(CnnNode n) => n.Shape.ToString();

    private static string Statement(CnnNode n, CnnNode previous)
    {
        var args = new List<string>();
        bool multi = n.Layer is "add" or "concat" or "multiply";
        if (multi) args.AddRange(n.Inputs.Select(i => i.Name));
        args.AddRange(n.Positional);
        args.AddRange(n.Named.Select(a => $"{a.Name}: {a.Value}"));
        if (n.TakesBias && n.Tensor("bias") is null) args.Add("bias: false");
        string layer = args.Count == 0 ? n.Layer : $"{n.Layer}({string.Join(", ", args)})";
        if (multi) return $"{n.Name} = {layer}";
        string source = n.Inputs[0] == previous ? "" : n.Inputs[0].Name + " -> ";
        return $"{n.Name} = {source}{layer}";
    }

    private static void Line(StringBuilder text, string statement, string comment)
    {
        string line = "    " + statement;
        text.Append(line);
        text.Append(' ', System.Math.Max(1, CommentColumn - line.Length));
        text.Append("# ").Append(comment).Append('\n');
    }
}
