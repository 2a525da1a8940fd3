using static NetGen.Cli.Tests.Import.Attr;

namespace NetGen.Cli.Tests.Import;

/// <summary>
/// The expressions exporters write for one activation, in the operand orders and forms PyTorch,
/// tf2onnx and NetGen's own exporter use, and Clip's ranges: the graph and the line the written
/// .cnn must contain. Every one is compared with ONNX Runtime.
/// </summary>
internal static class ImportPatternCases
{
    /// <summary>x -> conv (4 channels, weights in [-2, 2) so activations reach both sides of every kink) -> <paramref name="act"/>.</summary>
    private static OnnxBuilder AfterConv(Func<OnnxBuilder, string, string> act, long opset = 13)
    {
        var b = new OnnxBuilder(opset).Input("x", 2, 5, 5);
        var c = b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 4, 2, 3, 3 }, -2f, 2f) }, Ints("pads", 1, 1, 1, 1));
        return b.Output(act(b, c));
    }

    private static string Scalar(OnnxBuilder b, string name, float v) => b.Init(name, Array.Empty<long>(), new[] { v });

    public static readonly Dictionary<string, (Func<OnnxBuilder> Build, string Expect)> All = new()
    {
        ["hardswish_clip_then_div"] = (() => AfterConv((b, c) =>
        {
            var a = b.Node("Add", "plus3", new[] { c, Scalar(b, "three", 3) });
            var cl = b.Node("Clip", "clip06", new[] { a, Scalar(b, "zero", 0), Scalar(b, "six", 6) });
            var m = b.Node("Mul", "times", new[] { c, cl });
            return b.Node("Div", "hsw", new[] { m, Scalar(b, "six2", 6) });
        }), "hsw = hardswish "),
        ["hardswish_clip_times_sixth_reversed"] = (() => AfterConv((b, c) =>
        {
            var a = b.Node("Add", "plus3", new[] { Scalar(b, "three", 3), c });
            var cl = b.Node("Clip", "clip06", new[] { a, Scalar(b, "zero", 0), Scalar(b, "six", 6) });
            var s = b.Node("Mul", "sixth", new[] { cl, Scalar(b, "k", 1f / 6f) });
            return b.Node("Mul", "hsw", new[] { s, c });
        }), "hsw = hardswish "),
        ["hardswish_clip_attributes_opset10"] = (() => AfterConv((b, c) =>
        {
            var a = b.Node("Add", "plus3", new[] { c, Scalar(b, "three", 3) });
            var cl = b.Node("Clip", "clip06", new[] { a }, Float("min", 0), Float("max", 6));
            var d = b.Node("Div", "by6", new[] { cl, Scalar(b, "six", 6) });
            return b.Node("Mul", "hsw", new[] { c, d });
        }, opset: 10), "hsw = hardswish "),
        ["hardswish_hardsigmoid"] = (() => AfterConv((b, c) =>
            b.Node("Mul", "hsw", new[] { b.Node("HardSigmoid", "hsig", new[] { c }, Float("alpha", 1f / 6f), Float("beta", 0.5f)), c })), "hsw = hardswish "),
        ["gelu_erf_pytorch"] = (() => AfterConv((b, c) =>
        {
            var s = b.Node("Div", "scaled", new[] { c, Scalar(b, "sqrt2", 1.4142135f) });
            var e = b.Node("Erf", "erf", new[] { s });
            var one = b.Node("Add", "one_plus", new[] { e, Scalar(b, "one", 1) });
            var m = b.Node("Mul", "times", new[] { c, one });
            return b.Node("Mul", "g", new[] { m, Scalar(b, "half", 0.5f) });
        }), "g = gelu "),
        ["gelu_erf_half_first_constants_left"] = (() => AfterConv((b, c) =>
        {
            var h = b.Node("Mul", "halfx", new[] { Scalar(b, "half", 0.5f), c });
            var s = b.Node("Mul", "scaled", new[] { Scalar(b, "inv_sqrt2", 0.70710678f), c });
            var e = b.Node("Erf", "erf", new[] { s });
            var one = b.Node("Add", "one_plus", new[] { Scalar(b, "one", 1), e });
            return b.Node("Mul", "g", new[] { one, h });
        }), "g = gelu "),
        ["gelu_tanh_pow"] = (() => AfterConv((b, c) =>
        {
            var cube = b.Node("Pow", "cube", new[] { c, Scalar(b, "three", 3) });
            var k = b.Node("Mul", "kappa", new[] { Scalar(b, "kc", 0.044715f), cube });
            var inner = b.Node("Add", "inner", new[] { c, k });
            var u = b.Node("Mul", "beta", new[] { inner, Scalar(b, "kb", 0.7978846f) });
            var t = b.Node("Tanh", "tanh", new[] { u });
            var one = b.Node("Add", "one_plus", new[] { Scalar(b, "one", 1), t });
            var m = b.Node("Mul", "times", new[] { c, one });
            return b.Node("Mul", "g", new[] { Scalar(b, "half", 0.5f), m });
        }), "g = gelu(approximate: tanh)"),
        ["gelu_tanh_products"] = (() => AfterConv((b, c) =>
        {
            var x2 = b.Node("Mul", "x2", new[] { c, c });
            var x3 = b.Node("Mul", "x3", new[] { x2, c });
            var k = b.Node("Mul", "kappa", new[] { x3, Scalar(b, "kc", 0.044715f) });
            var inner = b.Node("Add", "inner", new[] { k, c });
            var u = b.Node("Mul", "beta", new[] { Scalar(b, "kb", 0.7978846f), inner });
            var t = b.Node("Tanh", "tanh", new[] { u });
            var one = b.Node("Add", "one_plus", new[] { t, Scalar(b, "one", 1) });
            var h = b.Node("Div", "half", new[] { one, Scalar(b, "two", 2) });
            return b.Node("Mul", "g", new[] { c, h });
        }), "g = gelu(approximate: tanh)"),
        ["silu_sigmoid_first"] = (() => AfterConv((b, c) => b.Node("Mul", "act", new[] { b.Node("Sigmoid", "sig", new[] { c }), c })), "act = silu "),
        ["mish_tanh_softplus"] = (() => AfterConv((b, c) =>
            b.Node("Mul", "act", new[] { c, b.Node("Tanh", "t", new[] { b.Node("Softplus", "sp", new[] { c }) }) })), "act = mish "),
        ["silu_sigmoid_read_elsewhere_node_by_node"] = (() => AfterConv((b, c) =>
        {
            var s = b.Node("Sigmoid", "sig", new[] { c });
            var m = b.Node("Mul", "m", new[] { c, s });
            return b.Node("Add", "sum", new[] { m, s });
        }), "m = multiply(c, sig)"),
        ["squeeze_excitation_dense_gate_node_by_node"] = (() => AfterConv((b, c) =>
        {
            // PyTorch's SE with Linear layers: pool -> flatten -> Gemm -> Relu -> Gemm -> Sigmoid -> Unsqueeze -> Mul.
            var p = b.Node("GlobalAveragePool", "squeeze", new[] { c });
            var f = b.Node("Flatten", "flat", new[] { p });
            var r = b.Node("Relu", "act", new[] { b.Node("Gemm", "reduce", new[] { f, b.Random("w1", new long[] { 2, 4 }), b.Random("b1", new long[] { 2 }) }, Int("transB", 1)) });
            var e = b.Node("Gemm", "expand", new[] { r, b.Random("w2", new long[] { 4, 2 }), b.Random("b2", new long[] { 4 }) }, Int("transB", 1));
            var g = b.Node("Unsqueeze", "unsq", new[] { b.Node("Sigmoid", "gate", new[] { e }), b.Ints("axes", 2, 3) });
            return b.Node("Mul", "excite", new[] { c, g });
        }), "excite = multiply(c, gate)"),
        ["clip_range_inputs"] = (() => AfterConv((b, c) => b.Node("Clip", "cl", new[] { c, Scalar(b, "lo", -0.5f), Scalar(b, "hi", 0.75f) })), "cl = clip(-0.5, 0.75)"),
        ["clip_range_opset6_attributes"] = (() => AfterConv((b, c) => b.Node("Clip", "cl", new[] { c }, Float("min", -1), Float("max", 2)), opset: 6), "cl = clip(-1, 2)"),
        ["clip_min_zero_only_is_relu"] = (() => AfterConv((b, c) => b.Node("Clip", "cl", new[] { c, Scalar(b, "lo", 0) })), "cl = relu "),
    };

    public static IEnumerable<object[]> Names => All.Keys.Select(k => new object[] { k });
}
