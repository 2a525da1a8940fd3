using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>One layer kind of the language: its keyword, op, and the arguments it takes.</summary>
/// <param name="Positional">Arguments that may be given by position, in order (also by name).</param>
/// <param name="Named">Arguments given only by name (<c>frozen</c> is implied for every layer).</param>
/// <param name="IsMerge">add, concat, multiply: positional arguments are the input nodes.</param>
internal sealed record LayerDef(string Keyword, OpKind Op, string[] Positional, string[] Named, bool IsMerge = false)
{
    /// <summary>For NG0003: "filters, kernel, stride, ..., frozen".</summary>
    public string ArgumentList
    {
        get
        {
            var all = new List<string>();
            if (IsMerge) all.Add("input nodes");
            all.AddRange(Positional);
            all.AddRange(Named);
            all.Add("frozen");
            return string.Join(", ", all);
        }
    }

    public bool Takes(string argument) =>
        argument == "frozen" || System.Array.IndexOf(Positional, argument) >= 0 || System.Array.IndexOf(Named, argument) >= 0;
}

/// <summary>Every layer kind the .cnn language knows (docs/cnn-language.md, "Layers").</summary>
internal static class LayerCatalog
{
    private static readonly string[] Conv = { "stride", "padding", "dilation", "groups", "bias", "activation" };
    private static readonly string[] Depthwise = { "multiplier", "stride", "padding", "dilation", "bias", "activation" };
    private static readonly string[] Transpose = { "stride", "padding", "output_padding", "bias", "activation" };
    private static readonly string[] Pool = { "stride", "padding", "ceil" };
    private static readonly string[] None = { };

    private static readonly Dictionary<string, LayerDef> ByKeyword = Build(
        new LayerDef("conv2d", OpKind.Conv2D, new[] { "filters", "kernel" }, Conv),
        new LayerDef("depthwise_conv2d", OpKind.DepthwiseConv2D, new[] { "kernel" }, Depthwise),
        new LayerDef("separable_conv2d", OpKind.SeparableConv2D, new[] { "filters", "kernel" }, Depthwise),
        new LayerDef("conv2d_transpose", OpKind.Conv2DTranspose, new[] { "filters", "kernel" }, Transpose),
        new LayerDef("maxpool2d", OpKind.MaxPool2D, new[] { "size" }, Pool),
        new LayerDef("avgpool2d", OpKind.AvgPool2D, new[] { "size" }, Pool),
        new LayerDef("global_avgpool", OpKind.GlobalAvgPool, None, new[] { "keepdims" }),
        new LayerDef("flatten", OpKind.Flatten, None, None),
        new LayerDef("dense", OpKind.Dense, new[] { "units" }, new[] { "bias", "activation" }),
        new LayerDef("dropout", OpKind.Dropout, new[] { "rate" }, None),
        new LayerDef("batchnorm", OpKind.BatchNorm, None, new[] { "epsilon", "momentum", "scale", "center" }),
        new LayerDef("lrn", OpKind.LocalResponseNorm, new[] { "radius" }, new[] { "bias", "alpha", "beta" }),
        new LayerDef("upsample", OpKind.Upsample, new[] { "scale" }, new[] { "mode" }),
        new LayerDef("crop", OpKind.Crop, new[] { "top", "left", "height", "width" }, new[] { "like" }),
        new LayerDef("add", OpKind.Add, None, None, IsMerge: true),
        new LayerDef("concat", OpKind.Concat, None, None, IsMerge: true),
        new LayerDef("multiply", OpKind.Multiply, None, None, IsMerge: true),
        new LayerDef("relu", OpKind.ReLU, None, None),
        new LayerDef("leaky_relu", OpKind.LeakyReLU, None, new[] { "alpha" }),
        new LayerDef("elu", OpKind.ELU, None, new[] { "alpha" }),
        new LayerDef("sigmoid", OpKind.Sigmoid, None, None),
        new LayerDef("tanh", OpKind.Tanh, None, None),
        new LayerDef("softmax", OpKind.Softmax, None, None),
        new LayerDef("relu6", OpKind.ReLU6, None, None),
        new LayerDef("hardsigmoid", OpKind.HardSigmoid, None, None),
        new LayerDef("hardswish", OpKind.HardSwish, None, None),
        new LayerDef("silu", OpKind.SiLU, None, None),
        new LayerDef("swish", OpKind.SiLU, None, None),
        new LayerDef("gelu", OpKind.GELU, None, new[] { "approximate" }),
        new LayerDef("mish", OpKind.Mish, None, None),
        new LayerDef("clip", OpKind.Clip, new[] { "min", "max" }, None),
        new LayerDef("scale", OpKind.Scale, new[] { "factor" }, None),
        new LayerDef("shift", OpKind.Shift, new[] { "offset" }, None));

    /// <summary>Names people bring from other frameworks, mapped to ours for NG0002's hint.</summary>
    private static readonly Dictionary<string, string> Aliases = new()
    {
        ["conv"] = "conv2d", ["conv2"] = "conv2d", ["linear"] = "dense", ["fc"] = "dense",
        ["bn"] = "batchnorm", ["batchnorm2d"] = "batchnorm", ["batch_norm"] = "batchnorm",
        ["maxpool"] = "maxpool2d", ["avgpool"] = "avgpool2d", ["pool"] = "maxpool2d",
        ["gap"] = "global_avgpool", ["adaptive_avgpool"] = "global_avgpool", ["globalaveragepooling2d"] = "global_avgpool",
        ["cat"] = "concat", ["concatenate"] = "concat", ["mul"] = "multiply", ["sum"] = "add",
        ["leakyrelu"] = "leaky_relu", ["convtranspose2d"] = "conv2d_transpose", ["deconv"] = "conv2d_transpose",
        ["upsampling2d"] = "upsample", ["localresponsenorm"] = "lrn",
        ["cropping2d"] = "crop", ["center_crop"] = "crop", ["centercrop"] = "crop", ["slice"] = "crop",
        ["hard_sigmoid"] = "hardsigmoid", ["hard_swish"] = "hardswish", ["h_swish"] = "hardswish", ["hswish"] = "hardswish",
        ["h_sigmoid"] = "hardsigmoid", ["hsigmoid"] = "hardsigmoid",
    };

    /// <summary>
    /// Functions other frameworks have and NetGen does not: one edit from a layer here (selu,
    /// elu) but not the same function, so NG0002 suggests nothing for them.
    /// </summary>
    private static readonly HashSet<string> NotEquivalent = new()
    {
        "selu", "celu", "prelu", "rrelu", "relu_n", "softplus", "softsign", "hardtanh", "logsigmoid",
        "tanhshrink", "hardshrink", "softshrink", "glu", "threshold", "softmin", "log_softmax", "logsoftmax",
        "relu1", "relu2", "relu3", "relu4", "relu5", "relu7", "relu8", "sigmoid6", "tanh6",
    };

    private static Dictionary<string, LayerDef> Build(params LayerDef[] defs)
    {
        var map = new Dictionary<string, LayerDef>();
        foreach (var def in defs) map.Add(def.Keyword, def);
        return map;
    }

    public static bool IsLayer(string word) => ByKeyword.ContainsKey(word);

    public static LayerDef? Find(string word) => ByKeyword.TryGetValue(word, out var def) ? def : null;

    /// <summary>NG0002's second argument: "; did you mean 'conv2d'?" or a pointer to the list.</summary>
    public static string Suggest(string unknown, IEnumerable<string> blockNames)
    {
        string lower = unknown.ToLowerInvariant();
        if (Aliases.TryGetValue(lower, out var alias)) return "; did you mean '" + alias + "'?";
        var blocks = new HashSet<string>(blockNames);
        if (NotEquivalent.Contains(lower)) return "; it is not a layer here (" + string.Join(", ", ByKeyword.Keys) + ")";
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in Candidates(blocks))
        {
            int distance = EditDistance(lower, candidate.ToLowerInvariant());
            if (distance < bestDistance) { best = candidate; bestDistance = distance; }
        }
        // Close enough to be a typo: a third of the word, at least two edits.
        // A layer name plus or minus trailing digits (relu6 / relu) is another function, not a typo.
        if (best is not null && bestDistance <= System.Math.Max(2, unknown.Length / 3) && !DiffersByTrailingDigits(lower, best.ToLowerInvariant()))
            return blocks.Contains(best) && !ByKeyword.ContainsKey(best)
                ? "; did you mean block '" + best + "'?"
                : "; did you mean '" + best + "'?";
        return "; the layers are " + string.Join(", ", ByKeyword.Keys);
    }

    private static IEnumerable<string> Candidates(IEnumerable<string> blockNames)
    {
        foreach (var keyword in ByKeyword.Keys) yield return keyword;
        foreach (var block in blockNames) yield return block;
    }

    private static bool DiffersByTrailingDigits(string a, string b)
    {
        string shorter = a.Length < b.Length ? a : b, longer = a.Length < b.Length ? b : a;
        if (shorter.Length == longer.Length || !longer.StartsWith(shorter, System.StringComparison.Ordinal)) return false;
        for (int i = shorter.Length; i < longer.Length; i++)
            if (!char.IsDigit(longer[i])) return false;
        return true;
    }

    /// <summary>Levenshtein distance, two rows; words here are short.</summary>
    private static int EditDistance(string a, string b)
    {
        if (a.Length > 64 || b.Length > 64) return int.MaxValue;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = System.Math.Min(substitute, System.Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
