using System;
using System.Collections.Generic;
using System.Linq;
using NetGen.Onnx;

namespace NetGen.Onnx.Import;

/// <summary>
/// The one table of ONNX operators the importer knows: each converts to .cnn layers (docs/onnx.md
/// lists what each maps to), or is a layer the language does not have yet, with the reason
/// (adding the layer to the language makes that row a converter).
/// </summary>
internal static class OnnxOpTable
{
    private delegate void Converter(OnnxToCnn c, OnnxNode node);

    private static readonly Dictionary<string, Converter> Converters = new(StringComparer.Ordinal)
    {
        ["Conv"] = (c, n) => c.Conv(n),
        ["ConvTranspose"] = (c, n) => c.ConvTranspose(n),
        ["BatchNormalization"] = (c, n) => c.BatchNorm(n),
        ["LRN"] = (c, n) => c.Lrn(n),
        ["Relu"] = (c, n) => c.Activation(n, "relu"),
        ["Sigmoid"] = (c, n) => c.Activation(n, "sigmoid"),
        ["Tanh"] = (c, n) => c.Activation(n, "tanh"),
        ["LeakyRelu"] = (c, n) => c.Activation(n, "leaky_relu", alpha: 0.01f),
        ["Elu"] = (c, n) => c.Activation(n, "elu", alpha: 1f),
        ["HardSigmoid"] = (c, n) => c.HardSigmoid(n),
        ["HardSwish"] = (c, n) => c.Activation(n, "hardswish"),
        ["Mish"] = (c, n) => c.Activation(n, "mish"),
        ["Gelu"] = (c, n) => c.Gelu(n),
        ["Softmax"] = (c, n) => c.Softmax(n),
        ["Add"] = (c, n) => c.Arithmetic(n),
        ["Sub"] = (c, n) => c.Arithmetic(n),
        ["Mul"] = (c, n) => c.Arithmetic(n),
        ["Div"] = (c, n) => c.Arithmetic(n),
        ["Concat"] = (c, n) => c.Concat(n),
        ["MaxPool"] = (c, n) => c.Pool(n, "maxpool2d"),
        ["AveragePool"] = (c, n) => c.Pool(n, "avgpool2d"),
        ["GlobalAveragePool"] = (c, n) => c.GlobalAveragePool(n),
        ["Resize"] = (c, n) => c.Resize(n),
        ["Upsample"] = (c, n) => c.Resize(n),
        ["Flatten"] = (c, n) => c.Flatten(n),
        ["Reshape"] = (c, n) => c.Reshape(n),
        ["Squeeze"] = (c, n) => c.Squeeze(n),
        ["Unsqueeze"] = (c, n) => c.Unsqueeze(n),
        ["Gemm"] = (c, n) => c.Gemm(n),
        ["MatMul"] = (c, n) => c.MatMul(n),
        ["Dropout"] = (c, n) => c.Dropout(n),
        ["Identity"] = (c, n) => c.Identity(n),
        ["Constant"] = (c, n) => c.ConstantNode(n),
        ["Pad"] = (c, n) => c.Pad(n),
        ["Clip"] = (c, n) => c.Clip(n),
        ["Slice"] = (c, n) => c.Slice(n),
    };

    /// <summary>Operators whose layer the .cnn language lacks today: what it would be.</summary>
    private static readonly Dictionary<string, string> NotYet = new(StringComparer.Ordinal)
    {
        ["Erf"] = "erf is not a NetGen layer; it imports only inside gelu's 0.5 x (1 + erf(x / sqrt 2)) when no other node reads its intermediate values (or export with the Gelu operator, opset 20)",
        ["Softplus"] = "softplus is not a NetGen layer; it imports only inside mish's x * tanh(softplus(x)) when no other node reads its intermediate values (or export with the Mish operator, opset 18)",
        ["Selu"] = "selu is not a NetGen layer",
    };

    public static void Convert(OnnxToCnn converter, OnnxNode node)
    {
        if (Converters.TryGetValue(node.OpType, out var convert))
        {
            convert(converter, node);
            return;
        }
        if (NotYet.TryGetValue(node.OpType, out var why)) throw new NodeError(why);
        throw new NodeError($"'{node.OpType}' is not an operator the importer supports (it converts {string.Join(", ", Converters.Keys.Order(StringComparer.Ordinal))})");
    }
}
