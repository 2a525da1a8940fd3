using Xunit;
using Xunit.Abstractions;

namespace NetGen.Cli.Tests.Import;

/// <summary>
/// Mul, Add, Sub and Div of a layer output by a scalar constant (docs/onnx.md): scale and shift
/// layers where no layer absorbs the constant, in both operand orders, and still folded where one
/// does. Each graph's written .cnn must hold the lines given and none of the absent ones; each is
/// compared with ONNX Runtime.
/// </summary>
public class ImportScalarTests(ITestOutputHelper log)
{
    // float32 both sides; x / c is written x * (1 / c), one rounding apart.
    private const double Tolerance = 1e-4;

    /// <summary>x -> conv (3 channels) -> relu -> <paramref name="tail"/>: a relu absorbs no constant.</summary>
    private static OnnxBuilder AfterRelu(Func<OnnxBuilder, string, string> tail)
    {
        var b = new OnnxBuilder().Input("x", 2, 5, 5);
        var c = b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }), b.Random("bias", new long[] { 3 }) }, Attr.Ints("pads", 1, 1, 1, 1));
        return b.Output(tail(b, b.Node("Relu", "r", new[] { c })));
    }

    private static string Scalar(OnnxBuilder b, string name, float v) => b.Init(name, Array.Empty<long>(), new[] { v });

    /// <summary>A one-element constant of another rank, as exporters also write scalars.</summary>
    private static string One(OnnxBuilder b, string name, float v, params long[] dims) => b.Init(name, dims, new[] { v });

    private static readonly Dictionary<string, (Func<OnnxBuilder> Build, string[] Present, string[] Absent)> Cases = new()
    {
        ["x_op_scalar"] = (() => AfterRelu((b, r) =>
        {
            var m = b.Node("Mul", "m", new[] { r, Scalar(b, "k", 0.5f) });
            var a = b.Node("Add", "a", new[] { m, One(b, "t", 0.25f, 1) });
            var s = b.Node("Sub", "s", new[] { a, One(b, "u", 1.5f, 1, 1, 1, 1) });
            return b.Node("Div", "d", new[] { s, Scalar(b, "four", 4) });
        }), new[] { "m = scale(0.5)", "a = shift(0.25)", "s = shift(-1.5)", "d = scale(0.25)" }, Array.Empty<string>()),
        ["scalar_op_x"] = (() => AfterRelu((b, r) =>
        {
            var m = b.Node("Mul", "m", new[] { One(b, "k", -2f, 1, 1, 1), r });
            var a = b.Node("Add", "a", new[] { Scalar(b, "t", 0.75f), m });
            return b.Node("Sub", "s", new[] { Scalar(b, "u", 3f), a });
        }), new[] { "m = scale(-2)", "a = shift(0.75)", "s_negate = scale(-1)", "s = shift(3)" }, Array.Empty<string>()),
        // The input and a convolution read twice: no layer to fold into either.
        ["input_and_shared_conv"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 5, 5);
            var x = b.Node("Mul", "half", new[] { "x", Scalar(b, "k", 0.5f) });
            var c = b.Node("Conv", "c", new[] { x, b.Random("w", new long[] { 3, 2, 3, 3 }) }, Attr.Ints("pads", 1, 1, 1, 1));
            var a = b.Node("Add", "plus", new[] { c, Scalar(b, "t", 1f) });
            return b.Output(b.Node("Add", "sum", new[] { a, b.Node("Relu", "r", new[] { c }) }));
        }, new[] { "half = scale(0.5)", "plus = shift(1)", "r = c -> relu" }, Array.Empty<string>()),
        ["vector"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 6);
            var g = b.Node("Gemm", "fc", new[] { "x", b.Random("w", new long[] { 4, 6 }), b.Random("bias", new long[] { 4 }) }, Attr.Int("transB", 1));
            var r = b.Node("Relu", "r", new[] { g });
            return b.Output(b.Node("Sub", "s", new[] { One(b, "k", 0.5f, 1, 1), r }));
        }, new[] { "s_negate = scale(-1)", "s = shift(0.5)" }, Array.Empty<string>()),
        // Scalars (and c - x per channel) after a convolution nothing else reads still fold into its weights and bias.
        ["still_folds_into_conv"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 5, 5);
            var c = b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }) });
            var m = b.Node("Mul", "m", new[] { Scalar(b, "k", 0.5f), c });
            var s = b.Node("Sub", "s", new[] { b.Random("t", new long[] { 3, 1, 1 }), m });
            return b.Output(b.Node("Relu", "r", new[] { b.Node("Div", "d", new[] { s, Scalar(b, "three", 3) }) }));
        }, new[] { "c = conv2d(3, 3)", "# Conv 'c', Mul 'm' folded in, Sub 's' folded in, Div 'd' folded in" }, new[] { "scale(", "shift(" }),
        // x * Clip(x + 3, 0, 6) / 6 with x + 3 also read elsewhere: no hardswish pattern, node by node, x + 3 as shift(3).
        ["hardswish_read_elsewhere_node_by_node"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 5, 5);
            var c = b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }, -2f, 2f) }, Attr.Ints("pads", 1, 1, 1, 1));
            var a = b.Node("Add", "plus3", new[] { c, Scalar(b, "three", 3) });
            var cl = b.Node("Clip", "clip06", new[] { a, Scalar(b, "zero", 0), Scalar(b, "six", 6) });
            var m = b.Node("Mul", "times", new[] { c, cl });
            var d = b.Node("Div", "by6", new[] { m, Scalar(b, "six2", 6) });
            return b.Output(b.Node("Add", "sum", new[] { d, a }));
        }, new[] { "plus3 = shift(3)", "clip06 = relu6", "times = multiply(c, clip06)", "by6 = scale(0.16666667)", "sum = add(by6, plus3)" }, new[] { "= hardswish" }),
    };

    public static IEnumerable<object[]> Names => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Names))]
    public void Scalar_arithmetic_imports_as_scale_and_shift_or_folds_and_predicts_like_onnx_runtime(string name)
    {
        var (build, present, absent) = Cases[name];
        var builder = build();
        var model = builder.Build();
        var run = ImportKit.Import(model, name + ".onnx");
        Assert.True(run.ExitCode == 0, run.Errors);
        log.WriteLine(run.Cnn);
        foreach (var line in present) Assert.True(run.Cnn.Contains(line, StringComparison.Ordinal), $"{name}: no '{line}' in:\n{run.Cnn}");
        foreach (var text in absent) Assert.False(run.Cnn.Contains(text, StringComparison.Ordinal), $"{name}: '{text}' in:\n{run.Cnn}");
        ImportKit.AssertPredictsLikeOnnxRuntime(builder, model, run, name, Tolerance, log);
    }
}
