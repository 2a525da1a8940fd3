using System;
using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>A layer's arguments, checked, with every default filled in; the input nodes a merge names.</summary>
/// <param name="Like">crop(like: u): the node whose height and width the crop takes (its window is set when the graph is built).</param>
internal sealed record BoundLayer(LayerArgs Args, bool Frozen, List<NameExpr> InputNames, NameExpr? Like = null);

/// <summary>
/// Binds the written arguments of one layer element to <see cref="LayerArgs"/>: positional
/// then named, each evaluated and checked (NG0003 unknown argument, NG0004 bad value or
/// missing), defaults made explicit (maxpool stride = size, padding words to
/// <see cref="PaddingMode"/>, leaky_relu alpha 0.01, elu alpha 1).
/// </summary>
internal sealed class LayerArgsBinder
{
    private readonly LayerDef _def;
    private readonly Element _element;
    private readonly DiagnosticBag _diagnostics;
    private readonly Dictionary<string, (Value Value, Expr Expr)> _given = new();
    /// <summary>Given, but their value was in error (reported): not "missing" as well.</summary>
    private readonly HashSet<string> _rejected = new();
    private bool _failed;
    private ChannelsOf? _channels;
    private NameExpr? _like;
    private bool _likeGiven;

    private LayerArgsBinder(LayerDef def, Element element, DiagnosticBag diagnostics)
    {
        _def = def;
        _element = element;
        _diagnostics = diagnostics;
    }

    /// <summary>The bound layer, or null when an error was reported.</summary>
    /// <param name="channels">What <c>channels(x)</c> is in the layer's arguments.</param>
    public static BoundLayer? Bind(LayerDef def, Element element, IReadOnlyDictionary<string, Value> parameters, DiagnosticBag diagnostics,
        ChannelsOf? channels = null)
    {
        var binder = new LayerArgsBinder(def, element, diagnostics) { _channels = channels };
        var inputs = binder.Collect(parameters);
        var args = binder.Build();
        bool frozen = binder.Bool("frozen", false);
        return binder._failed ? null : new BoundLayer(args, frozen, inputs, binder._like);
    }

    private string Layer => _def.Keyword;

    private List<NameExpr> Collect(IReadOnlyDictionary<string, Value> parameters)
    {
        var inputs = new List<NameExpr>();
        int position = 0;
        foreach (var arg in _element.Args)
        {
            string name;
            if (arg.Name is not null)
            {
                name = arg.Name.Text;
                if (!_def.Takes(name))
                {
                    Report(DiagnosticIds.UnknownArgument, arg.Name.Location, name, Layer, _def.ArgumentList);
                    continue;
                }
            }
            else if (_def.IsMerge)
            {
                if (arg.Value is NameExpr node) inputs.Add(node);
                else Report(DiagnosticIds.InvalidArgument, arg.Value.Location, "inputs", Layer, "not a node name", "node names, as in add(a, b)");
                continue;
            }
            else if (position < _def.Positional.Length)
                name = _def.Positional[position++];
            else
            {
                Report(DiagnosticIds.UnknownArgument, arg.Value.Location, "#" + (++position), Layer, _def.ArgumentList);
                continue;
            }
            if (name == "like")
            {
                // A node, not a value: resolved where the graph is built, like a merge's inputs.
                bool twice = _likeGiven;
                _likeGiven = true;
                if (twice) Report(DiagnosticIds.InvalidArgument, arg.Name!.Location, name, Layer, "given twice", "given once");
                else if (arg.Value is NameExpr node) _like = node;
                else Report(DiagnosticIds.InvalidArgument, arg.Value.Location, name, Layer, "not a node name", "a node name, as in crop(like: u)");
                continue;
            }
            if (_given.ContainsKey(name))
            {
                Report(DiagnosticIds.InvalidArgument, arg.Name?.Location ?? arg.Value.Location, name, Layer, "given twice", "given once");
                continue;
            }
            var value = Evaluator.Evaluate(arg.Value, parameters, name, Layer, _diagnostics, _channels);
            if (value is null)
            {
                _failed = true;
                _rejected.Add(name);
            }
            else _given[name] = (value, arg.Value);
        }
        return inputs;
    }

    private void Report(string id, LocationInfo location, params object[] args)
    {
        _diagnostics.Add(id, location, args);
        _failed = true;
    }

    private void Invalid(string name, string value, string allowed) =>
        Report(DiagnosticIds.InvalidArgument, _given[name].Expr.Location, name, Layer, value, allowed);

    private void Missing(string name, string allowed)
    {
        if (_rejected.Contains(name)) return;
        Report(DiagnosticIds.InvalidArgument, _element.Callee.Location, name, Layer, "missing", allowed);
    }

    // ---- per layer ---------------------------------------------------------------------------

    private LayerArgs Build()
    {
        var a = new LayerArgs();
        switch (_def.Op)
        {
            case OpKind.Conv2D:
                return Convolution(a with { Filters = Int("filters", 1, null), Groups = Int("groups", 1, 1) });
            case OpKind.DepthwiseConv2D:
                return Convolution(a with { DepthMultiplier = Int("multiplier", 1, 1) });
            case OpKind.SeparableConv2D:
                return Convolution(a with { Filters = Int("filters", 1, null), DepthMultiplier = Int("multiplier", 1, 1) });
            case OpKind.Conv2DTranspose:
                return OutputPadding(Convolution(a with { Filters = Int("filters", 1, null) }));
            case OpKind.MaxPool2D:
            case OpKind.AvgPool2D:
                var (kh, kw) = Pair("size", null);
                var (sh, sw) = Pair("stride", (kh, kw));
                return Padding(a with { KernelH = kh, KernelW = kw, StrideH = sh, StrideW = sw, CeilMode = Bool("ceil", false) });
            case OpKind.GlobalAvgPool:
                return a with { KeepDims = Bool("keepdims", false) };
            case OpKind.Dense:
                return Activation(a with { Units = Int("units", 1, null), Bias = Bool("bias", true) });
            case OpKind.Dropout:
                return a with { Rate = Real("rate", null, r => r >= 0 && r < 1, "a number in [0, 1)") };
            case OpKind.BatchNorm:
                return a with
                {
                    Epsilon = Real("epsilon", 1e-5, e => e > 0, "a positive number"),
                    Momentum = Real("momentum", 0.1, m => m >= 0 && m <= 1, "a number in [0, 1]"),
                    Scale = Bool("scale", true),
                    Center = Bool("center", true),
                };
            case OpKind.LocalResponseNorm:
                return a with
                {
                    Radius = Int("radius", 0, null),
                    LrnBias = Real("bias", 1.0, b => b > 0, "a positive number"),
                    LrnAlpha = Real("alpha", 1e-4, x => x >= 0, "a non-negative number"),
                    LrnBeta = Real("beta", 0.75, b => b > 0, "a positive number"),
                };
            case OpKind.Upsample:
                var (uh, uw) = Pair("scale", null);
                return a with { ScaleH = uh, ScaleW = uw, Mode = Word("mode", UpsampleMode.Nearest, UpsampleWords) };
            case OpKind.Crop:
                return Crop(a);
            case OpKind.ReLU: return a with { Activation = ActivationKind.ReLU };
            case OpKind.Sigmoid: return a with { Activation = ActivationKind.Sigmoid };
            case OpKind.Tanh: return a with { Activation = ActivationKind.Tanh };
            case OpKind.Softmax: return a with { Activation = ActivationKind.Softmax };
            case OpKind.ReLU6: return a with { Activation = ActivationKind.ReLU6 };
            case OpKind.HardSigmoid: return a with { Activation = ActivationKind.HardSigmoid };
            case OpKind.HardSwish: return a with { Activation = ActivationKind.HardSwish };
            case OpKind.SiLU: return a with { Activation = ActivationKind.SiLU };
            case OpKind.Mish: return a with { Activation = ActivationKind.Mish };
            case OpKind.GELU: return a with { Activation = Word("approximate", ActivationKind.GELU, GeluWords) };
            case OpKind.LeakyReLU:
                return a with { Activation = ActivationKind.LeakyReLU, Alpha = Real("alpha", 0.01, x => x >= 0, "a non-negative number") };
            case OpKind.ELU:
                return a with { Activation = ActivationKind.ELU, Alpha = Real("alpha", 1.0, x => x > 0, "a positive number") };
            case OpKind.Clip:
                double min = Real("min", null, Finite, "a finite number");
                double max = Real("max", null, Finite, "a finite number");
                if (_given.ContainsKey("max") && Finite(min) && Finite(max) && !(max > min))
                    Invalid("max", _given["max"].Value.Display, "a number above min (" + min.ToString("R", System.Globalization.CultureInfo.InvariantCulture) + ")");
                return a with { ClipMin = min, ClipMax = max };
            case OpKind.Scale:
                return a with { Constant = Real("factor", null, FiniteFloat, "a finite number") };
            case OpKind.Shift:
                return a with { Constant = Real("offset", null, FiniteFloat, "a finite number") };
            default:
                return a;
        }
    }

    /// <summary>kernel, stride, dilation, padding, bias and a fused activation: what every convolution shares.</summary>
    private LayerArgs Convolution(LayerArgs a)
    {
        var (kh, kw) = Pair("kernel", null);
        var (sh, sw) = Pair("stride", (1, 1));
        var (dh, dw) = Pair("dilation", (1, 1));
        a = a with { KernelH = kh, KernelW = kw, StrideH = sh, StrideW = sw, DilationH = dh, DilationW = dw, Bias = Bool("bias", true) };
        return Activation(Padding(a));
    }

    /// <summary>crop(top, left, height, width), or crop(like: u) alone (its window is found from the shapes later).</summary>
    private LayerArgs Crop(LayerArgs a)
    {
        if (_likeGiven)
        {
            foreach (string given in new[] { "top", "left", "height", "width" })
            {
                if (_given.ContainsKey(given))
                    Invalid(given, _given[given].Value.Display, "left out with like: (the window is centred, of the node's size)");
            }
            return a;
        }
        return a with
        {
            CropTop = Int("top", 0, null),
            CropLeft = Int("left", 0, null),
            CropHeight = Int("height", 1, null),
            CropWidth = Int("width", 1, null),
        };
    }

    private LayerArgs OutputPadding(LayerArgs a)
    {
        int outputPadding = Int("output_padding", 0, 0);
        // As PyTorch: extra output rows beyond a stride would not come from any input pixel.
        if (outputPadding > 0 && (outputPadding >= a.StrideH || outputPadding >= a.StrideW))
            Invalid("output_padding", outputPadding.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "smaller than the stride");
        return a with { OutputPadding = outputPadding };
    }

    private LayerArgs Activation(LayerArgs a)
    {
        var activation = Word("activation", ActivationKind.None, ActivationWords);
        double alpha = activation switch { ActivationKind.LeakyReLU => 0.01, ActivationKind.ELU => 1.0, _ => 0 };
        return a with { Activation = activation, Alpha = alpha };
    }

    private LayerArgs Padding(LayerArgs a)
    {
        if (!_given.TryGetValue("padding", out var given)) return a with { Padding = PaddingMode.Valid };
        switch (given.Value)
        {
            case WordValue { Word: "valid" }: return a with { Padding = PaddingMode.Valid };
            case WordValue { Word: "same" }: return a with { Padding = PaddingMode.Same };
            case IntValue i when i.Value >= 0 && i.Value <= int.MaxValue:
                int p = (int)i.Value;
                return a with { Padding = PaddingMode.Explicit, PadTop = p, PadBottom = p, PadLeft = p, PadRight = p };
            case DimsValue { Parts.Length: 2 } d when d.Parts[0] <= int.MaxValue && d.Parts[1] <= int.MaxValue:
                int h = (int)d.Parts[0], w = (int)d.Parts[1];
                return a with { Padding = PaddingMode.Explicit, PadTop = h, PadBottom = h, PadLeft = w, PadRight = w };
            default:
                Invalid("padding", given.Value.Display, "valid, same, a non-negative integer or HxW");
                return a;
        }
    }

    // ---- typed readers: the value, or the fallback (null = required) -------------------------

    private int Int(string name, int min, int? fallback)
    {
        string allowed = min == 1 ? "a positive integer" : "a non-negative integer";
        if (!_given.TryGetValue(name, out var given))
        {
            if (fallback is null) Missing(name, allowed);
            return fallback ?? min;
        }
        if (given.Value is IntValue i && i.Value >= min && i.Value <= int.MaxValue) return (int)i.Value;
        Invalid(name, given.Value.Display, given.Value is IntValue big && big.Value > int.MaxValue
            ? "an integer from " + min + " to 2147483647" : allowed);
        return fallback ?? min;
    }

    /// <summary>A positive size that is one number (both dimensions) or HxW.</summary>
    private (int H, int W) Pair(string name, (int H, int W)? fallback)
    {
        const string allowed = "a positive integer or HxW";
        if (!_given.TryGetValue(name, out var given))
        {
            if (fallback is null) Missing(name, allowed);
            return fallback ?? (1, 1);
        }
        switch (given.Value)
        {
            case IntValue i when i.Value >= 1 && i.Value <= int.MaxValue:
                return ((int)i.Value, (int)i.Value);
            case DimsValue { Parts.Length: 2 } d when InRange(d.Parts[0]) && InRange(d.Parts[1]):
                return ((int)d.Parts[0], (int)d.Parts[1]);
            default:
                Invalid(name, given.Value.Display, allowed);
                return fallback ?? (1, 1);
        }
    }

    private static bool InRange(long v) => v >= 1 && v <= int.MaxValue;

    private bool Bool(string name, bool fallback)
    {
        if (!_given.TryGetValue(name, out var given)) return fallback;
        if (given.Value is WordValue { Word: "true" }) return true;
        if (given.Value is WordValue { Word: "false" }) return false;
        Invalid(name, given.Value.Display, "true or false");
        return fallback;
    }

    private static bool Finite(double x) => !double.IsNaN(x) && !double.IsInfinity(x);

    /// <summary>Finite once rounded to the float the kernels use (false for NaN).</summary>
    private static bool FiniteFloat(double x) => Math.Abs(x) <= float.MaxValue;

    private double Real(string name, double? fallback, System.Func<double, bool> valid, string allowed)
    {
        if (!_given.TryGetValue(name, out var given))
        {
            if (fallback is null) Missing(name, allowed);
            return fallback ?? 0;
        }
        double? x = given.Value switch { IntValue i => i.Value, RealValue r => r.Value, _ => null };
        if (x is double v && valid(v)) return v;
        Invalid(name, given.Value.Display, allowed);
        return fallback ?? 0;
    }

    private static readonly (string Word, ActivationKind Kind)[] ActivationWords =
    {
        ("none", ActivationKind.None), ("relu", ActivationKind.ReLU), ("leaky_relu", ActivationKind.LeakyReLU),
        ("elu", ActivationKind.ELU), ("sigmoid", ActivationKind.Sigmoid), ("tanh", ActivationKind.Tanh),
        ("softmax", ActivationKind.Softmax), ("relu6", ActivationKind.ReLU6), ("hardsigmoid", ActivationKind.HardSigmoid),
        ("hardswish", ActivationKind.HardSwish), ("silu", ActivationKind.SiLU), ("swish", ActivationKind.SiLU),
        ("gelu", ActivationKind.GELU), ("gelu_tanh", ActivationKind.GELUTanh), ("mish", ActivationKind.Mish),
    };

    private static readonly (string Word, ActivationKind Kind)[] GeluWords =
    {
        ("none", ActivationKind.GELU), ("erf", ActivationKind.GELU), ("tanh", ActivationKind.GELUTanh),
    };

    private static readonly (string Word, UpsampleMode Kind)[] UpsampleWords =
    {
        ("nearest", UpsampleMode.Nearest), ("bilinear", UpsampleMode.Bilinear),
    };

    private T Word<T>(string name, T fallback, (string Word, T Kind)[] words)
    {
        if (!_given.TryGetValue(name, out var given)) return fallback;
        if (given.Value is WordValue w)
        {
            foreach (var (word, kind) in words)
            {
                if (word == w.Word) return kind;
            }
        }
        var names = new List<string>();
        foreach (var (word, _) in words) names.Add(word);
        Invalid(name, given.Value.Display, "one of " + string.Join(", ", names));
        return fallback;
    }
}
