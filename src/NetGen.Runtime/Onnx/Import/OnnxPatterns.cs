using System;
using System.Collections.Generic;
using System.Linq;

namespace NetGen.Onnx.Import;

/// <summary>
/// One activation an exporter wrote as several nodes: the node whose output is the activation's
/// (<see cref="Root"/>), the .cnn layer it becomes, the value it is applied to, and the nodes it
/// absorbs (converted as nothing: only the root's layer is written).
/// </summary>
internal sealed record PatternMatch(OnnxNode Root, string Layer, string Input, string Formula, IReadOnlyList<(string Name, string Value)> Named, IReadOnlyList<OnnxNode> Absorbed);

/// <summary>
/// Finds the activations exporters write as expressions (docs/onnx.md, Patterns), before the nodes
/// are converted: silu as x * Sigmoid(x), hardswish as x * HardSigmoid(x) or x * Clip(x + 3, 0, 6) / 6,
/// mish as x * Tanh(Softplus(x)), gelu as 0.5 x (1 + Erf(x / sqrt 2)) and its tanh form. Every
/// expression is read as a product of factors (Mul nodes in any order and nesting, Div by a
/// constant as a factor 1 / c), so operand order and where the constants sit do not matter. A
/// pattern is taken only when each intermediate value has no reader outside it; otherwise the
/// nodes convert one by one (or fail one by one, naming the node that has no layer).
/// </summary>
internal sealed class OnnxPatterns
{
    private const double InvSqrt2 = 0.70710678118654752;
    private const double SqrtTwoOverPi = 0.79788456080286536;
    private const double GeluCubic = 0.044715;

    private readonly OnnxModel _model;
    private readonly IReadOnlyDictionary<string, OnnxNode> _producers;
    private readonly IReadOnlyDictionary<string, int> _uses;

    private OnnxPatterns(OnnxModel model, IReadOnlyDictionary<string, OnnxNode> producers, IReadOnlyDictionary<string, int> uses)
    {
        _model = model;
        _producers = producers;
        _uses = uses;
    }

    /// <summary>Every pattern of the graph, by root node.</summary>
    public static Dictionary<OnnxNode, PatternMatch> Find(OnnxModel model, IReadOnlyDictionary<string, OnnxNode> producers, IReadOnlyDictionary<string, int> uses)
    {
        var finder = new OnnxPatterns(model, producers, uses);
        var found = new Dictionary<OnnxNode, PatternMatch>();
        var absorbed = new HashSet<OnnxNode>();
        // Last node first: the largest product is tried before the products inside it.
        for (int i = model.Graph.Nodes.Count - 1; i >= 0; i--)
        {
            var node = model.Graph.Nodes[i];
            if (absorbed.Contains(node) || node.OpType is not ("Mul" or "Div") || node.Outputs.Count != 1) continue;
            if (finder.Match(node) is not { } match) continue;
            found.Add(node, match);
            absorbed.UnionWith(match.Absorbed);
        }
        return found;
    }

    /// <summary>The nodes a match absorbs, over all matches.</summary>
    public static HashSet<OnnxNode> Absorbed(IEnumerable<PatternMatch> matches) => matches.SelectMany(m => m.Absorbed).ToHashSet();

    /// <summary>A product of factors: the values multiplied, the constant they are scaled by, and the Mul/Div nodes that form it.</summary>
    private sealed class Product
    {
        public List<string> Factors { get; } = new();
        public double Constant { get; set; } = 1;
        public List<OnnxNode> Nodes { get; } = new();
    }

    private PatternMatch? Match(OnnxNode root)
    {
        var p = Expand(root.Outputs[0], top: true);
        if (p.Factors.Count != 2) return null;
        for (int i = 0; i < 2; i++)
        {
            string x = p.Factors[i], g = p.Factors[1 - i];
            if (Single(g) is not { } gate) continue;
            var inner = new List<OnnxNode> { gate };
            string? layer = null, formula = null;
            var named = new List<(string, string)>();
            if (gate.OpType == "Sigmoid" && gate.Inputs[0] == x && Near(p.Constant, 1))
                (layer, formula) = ("silu", "x * Sigmoid(x)");
            else if (gate.OpType == "HardSigmoid" && gate.Inputs[0] == x && Near(p.Constant, 1)
                && Near(gate.GetFloat("alpha", 0.2f), 1.0 / 6) && Near(gate.GetFloat("beta", 0.5f), 0.5))
                (layer, formula) = ("hardswish", "x * HardSigmoid(x)");
            else if (gate.OpType == "Clip" && ClipRange(gate) is (0, 6) && Near(p.Constant, 1.0 / 6)
                && PlusConstant(gate.Inputs[0]) is ({ } plus, var term, var three) && term == x && Near(three, 3))
            {
                inner.Add(plus);
                (layer, formula) = ("hardswish", "x * Clip(x + 3, 0, 6) / 6");
            }
            else if (gate.OpType == "Tanh" && Single(gate.Inputs[0]) is { OpType: "Softplus" } softplus && softplus.Inputs[0] == x && Near(p.Constant, 1))
            {
                inner.Add(softplus);
                (layer, formula) = ("mish", "x * Tanh(Softplus(x))");
            }
            else if (Near(p.Constant, 0.5) && PlusConstant(g) is ({ }, var t, var one) && Near(one, 1) && Single(t) is { } f)
            {
                inner.Add(f);
                if (f.OpType == "Erf" && Scaled(f.Inputs[0], x, InvSqrt2, inner))
                    (layer, formula) = ("gelu", "0.5 x (1 + Erf(x / sqrt 2))");
                else if (f.OpType == "Tanh" && TanhArgument(f.Inputs[0], x, inner))
                {
                    (layer, formula) = ("gelu", "0.5 x (1 + Tanh(sqrt(2 / pi) (x + 0.044715 x^3)))");
                    named.Add(("approximate", "tanh"));
                }
            }
            if (layer is null) continue;
            var absorbed = p.Nodes.Where(n => n != root).Concat(inner).ToList();
            return new PatternMatch(root, layer, x, $"{formula}, {absorbed.Count + 1} nodes", named, absorbed);
        }
        return null;
    }

    /// <summary>
    /// <paramref name="value"/> as a product: Mul nodes expanded (both inputs), Div by a scalar
    /// constant as a factor 1 / c, Pow by 2 or 3 as repeated factors, scalar constants multiplied
    /// in. Only the top value may have other readers; below it a value read elsewhere is a factor.
    /// </summary>
    private Product Expand(string value, bool top, Product? into = null)
    {
        var p = into ?? new Product();
        if (Scalar(value) is { } c)
        {
            p.Constant *= c;
            return p;
        }
        var n = top ? _producers.GetValueOrDefault(value) : Single(value);
        switch (n)
        {
            case { OpType: "Mul", Inputs.Count: 2 }:
                p.Nodes.Add(n);
                Expand(n.Inputs[0], false, p);
                Expand(n.Inputs[1], false, p);
                break;
            case { OpType: "Div", Inputs.Count: 2 } when Scalar(n.Inputs[1]) is { } d && d != 0:
                p.Nodes.Add(n);
                p.Constant /= d;
                Expand(n.Inputs[0], false, p);
                break;
            case { OpType: "Pow", Inputs.Count: 2 } when Scalar(n.Inputs[1]) is 2 or 3 && Scalar(n.Inputs[0]) is null:
                p.Nodes.Add(n);
                for (int i = 0; i < (int)Scalar(n.Inputs[1])!.Value; i++) p.Factors.Add(n.Inputs[0]);
                break;
            default:
                p.Factors.Add(value);
                break;
        }
        return p;
    }

    /// <summary>True when <paramref name="value"/> is <paramref name="x"/> times <paramref name="scale"/> (its nodes added to <paramref name="nodes"/>).</summary>
    private bool Scaled(string value, string x, double scale, List<OnnxNode> nodes)
    {
        if (Single(value) is null) return false;
        var p = Expand(value, top: false);
        if (p.Factors.Count != 1 || p.Factors[0] != x || !Near(p.Constant, scale)) return false;
        nodes.AddRange(p.Nodes);
        return true;
    }

    /// <summary>The tanh gelu's argument: sqrt(2 / pi) (x + 0.044715 x^3), in any order and nesting.</summary>
    private bool TanhArgument(string value, string x, List<OnnxNode> nodes)
    {
        if (Single(value) is null) return false;
        var outer = Expand(value, top: false);
        if (outer.Factors.Count != 1 || !Near(outer.Constant, SqrtTwoOverPi) || Single(outer.Factors[0]) is not { OpType: "Add", Inputs.Count: 2 } sum) return false;
        for (int i = 0; i < 2; i++)
        {
            if (sum.Inputs[i] != x || Single(sum.Inputs[1 - i]) is null) continue;
            var cube = Expand(sum.Inputs[1 - i], top: false);
            if (cube.Factors.Count != 3 || cube.Factors.Any(f => f != x) || !Near(cube.Constant, GeluCubic)) continue;
            nodes.AddRange(outer.Nodes);
            nodes.Add(sum);
            nodes.AddRange(cube.Nodes);
            return true;
        }
        return false;
    }

    /// <summary>(the Add node, the other term, c) when <paramref name="value"/> is term + c for a scalar constant c (either order) read only by its one reader.</summary>
    private (OnnxNode? Node, string Term, double Constant) PlusConstant(string value)
    {
        if (Single(value) is not { OpType: "Add", Inputs.Count: 2 } add) return (null, "", 0);
        if (Scalar(add.Inputs[1]) is { } b && Scalar(add.Inputs[0]) is null) return (add, add.Inputs[0], b);
        if (Scalar(add.Inputs[0]) is { } a && Scalar(add.Inputs[1]) is null) return (add, add.Inputs[1], a);
        return (null, "", 0);
    }

    /// <summary>The node computing <paramref name="value"/> when it has exactly one reader (an intermediate value of a pattern), else null.</summary>
    private OnnxNode? Single(string value) =>
        _uses.GetValueOrDefault(value) == 1 && _producers.TryGetValue(value, out var n) && n.Outputs.Count(o => o.Length > 0) == 1 ? n : null;

    /// <summary>The value of a one-element FLOAT constant (an initializer or a Constant node), else null.</summary>
    private double? Scalar(string value)
    {
        if (_model.Graph.Initializers.TryGetValue(value, out var t))
            return t.FloatData is { Length: 1 } f ? f[0] : null;
        if (!_producers.TryGetValue(value, out var n) || n.OpType != "Constant" || n.Attributes.Count != 1) return null;
        var a = n.Attributes.Values.First();
        return a.Name switch
        {
            "value" => a.Tensor?.FloatData is { Length: 1 } v ? v[0] : null,
            "value_float" => a.Float,
            _ => null,
        };
    }

    /// <summary>A Clip's (min, max) from its attributes (before opset 11) or scalar constant inputs; null for a bound missing or computed.</summary>
    private (double? Min, double? Max) ClipRange(OnnxNode clip)
    {
        if ((_model.DefaultOpsetVersion ?? 1) < 11)
            return (clip.Attributes.ContainsKey("min") ? clip.GetFloat("min", 0) : null, clip.Attributes.ContainsKey("max") ? clip.GetFloat("max", 0) : null);
        double? Bound(int i) => i < clip.Inputs.Count && clip.Inputs[i].Length > 0 ? Scalar(clip.Inputs[i]) : null;
        return (Bound(1), Bound(2));
    }

    /// <summary>Equal within float32 rounding of exporters' constants (1 / 1.4142135 against 0.70710678).</summary>
    private static bool Near(double a, double b) => Math.Abs(a - b) <= 1e-5 * Math.Max(1, Math.Abs(b));
}
