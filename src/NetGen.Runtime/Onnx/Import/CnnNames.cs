using System.Collections.Generic;
using System.Text;

namespace NetGen.Onnx.Import;

/// <summary>ONNX names as .cnn identifiers: ASCII letters, digits and '_', not a keyword or layer kind.</summary>
internal static class CnnNames
{
    // Keywords and layer kinds of docs/cnn-language.md, and the kinds issue 13 adds, so an imported
    // file keeps its meaning when they arrive.
    private static readonly HashSet<string> Reserved = new()
    {
        "namespace", "network", "block", "input", "batch", "optimizer", "budget", "output", "in",
        "conv2d", "depthwise_conv2d", "separable_conv2d", "conv2d_transpose", "maxpool2d", "avgpool2d",
        "global_avgpool", "flatten", "dense", "dropout", "batchnorm", "lrn", "upsample", "add", "concat",
        "multiply", "relu", "sigmoid", "tanh", "softmax", "leaky_relu", "elu",
        "relu6", "clip", "hardsigmoid", "hardswish", "silu", "swish", "gelu", "mish", "crop",
    };

    /// <summary>
    /// "/layer1/conv/Conv" is "layer1_conv_Conv", "123" is "n123", "relu" is "relu_"; an empty
    /// name is "node". Uniqueness is the caller's.
    /// </summary>
    public static string Sanitize(string name)
    {
        var b = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_';
            char w = ok ? c : '_';
            if (w == '_' && b.Length > 0 && b[^1] == '_') continue;
            b.Append(w);
        }
        string s = b.ToString().Trim('_');
        if (s.Length == 0) return "node";
        if (s[0] is >= '0' and <= '9') s = "n" + s;
        return Reserved.Contains(s) ? s + "_" : s;
    }
}
