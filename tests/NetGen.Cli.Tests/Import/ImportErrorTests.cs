using Xunit;
using static NetGen.Cli.Tests.Import.Attr;

namespace NetGen.Cli.Tests.Import;

/// <summary>What cannot be imported: exit code 2, "file: error: node 'name' (Op ...): why", and nothing written.</summary>
public class ImportErrorTests
{
    /// <summary>A graph x -> conv -> [the node under test] -> output, with the node's extra inputs.</summary>
    private static OnnxBuilder AfterConv(Func<OnnxBuilder, string, string> node, int channels = 3, int size = 6, long opset = 13)
    {
        var b = new OnnxBuilder(opset).Input("x", 2, size, size);
        var c = b.Node("Conv", "conv", new[] { "x", b.Random("w", new long[] { channels, 2, 1, 1 }) });
        return b.Output(node(b, c));
    }

    private static readonly Dictionary<string, (Func<OnnxBuilder> Build, string Message)> Cases = new()
    {
        ["unsupported_op"] = (() => AfterConv((b, c) => b.Node("Einsum", "e1", new[] { c }, Str("equation", "ij->ij"))),
            "node 'e1' (Einsum): 'Einsum' is not an operator the importer supports (it converts Add, AveragePool, BatchNormalization"),
        ["clip_max_only"] = (() => AfterConv((b, c) => b.Node("Clip", "clip", new[] { c, "", b.Init("hi", Array.Empty<long>(), new[] { 1f }) })),
            "node 'clip' (Clip max 1): a Clip with only a max has no NetGen layer; clip takes both bounds"),
        ["clip_computed_bound"] = (() => AfterConv((b, c) => b.Node("Clip", "clip", new[] { c, c })),
            "node 'clip' (Clip): min (input 1, 'conv_out') is computed by the graph; the importer needs it stored"),
        ["hardsigmoid_onnx_default_slope"] = (() => AfterConv((b, c) => b.Node("HardSigmoid", "hs", new[] { c })),
            "node 'hs' (HardSigmoid alpha 0.2 beta 0.5): alpha 0.2, beta 0.5: hardsigmoid is relu6(x + 3) / 6, alpha 1/6 and beta 0.5 (PyTorch's); other slopes are not a NetGen layer"),
        ["gelu_erf_read_elsewhere"] = (() => AfterConv((b, c) =>
        {
            // The Erf's output is also added to the result: the nodes convert one by one (x / sqrt 2
            // of x read twice as scale), and the first that has no layer is the Erf.
            var s = b.Node("Div", "scaled", new[] { c, b.Init("sqrt2", Array.Empty<long>(), new[] { 1.4142135f }) });
            var e = b.Node("Erf", "erf", new[] { s });
            var one = b.Node("Add", "one_plus", new[] { e, b.Init("one", Array.Empty<long>(), new[] { 1f }) });
            var m = b.Node("Mul", "times", new[] { c, one });
            var h = b.Node("Mul", "half", new[] { m, b.Init("half_c", Array.Empty<long>(), new[] { 0.5f }) });
            return b.Node("Add", "sum", new[] { h, e });
        }), "node 'erf' (Erf): erf is not a NetGen layer; it imports only inside gelu's"),
        ["erf_alone"] = (() => AfterConv((b, c) => b.Node("Erf", "erf", new[] { c })), "node 'erf' (Erf): erf is not a NetGen layer; it imports only inside gelu's"),
        ["slice_channels"] = (() => AfterConv((b, c) => b.Node("Slice", "s", new[] { c, b.Ints("st", 1), b.Ints("en", 3), b.Ints("ax", 1) })),
            "node 's' (Slice): it keeps [1, 3) of axis 1 (channels, 3): crop cuts only height and width (axes 2 and 3)"),
        ["slice_step_two"] = (() => AfterConv((b, c) => b.Node("Slice", "s", new[] { c, b.Ints("st", 0), b.Ints("en", 6), b.Ints("ax", 2), b.Ints("sp", 2) })),
            "node 's' (Slice): steps [2]: crop keeps every pixel of its window (steps 1)"),
        ["slice_empty"] = (() => AfterConv((b, c) => b.Node("Slice", "s", new[] { c, b.Ints("st", 4), b.Ints("en", -3), b.Ints("ax", 3) })),
            "node 's' (Slice): it keeps rows [0, 6) and columns [4, 3) of (3, 6, 6): an empty window"),
        ["slice_computed_starts"] = (() => AfterConv((b, c) => b.Node("Slice", "s", new[] { c, c, b.Ints("en", 3) })),
            "node 's' (Slice): starts (input 1, 'conv_out') is computed by the graph; the importer needs it stored"),
        ["unknown_attribute"] = (() => AfterConv((b, c) => b.Node("Conv", "c2", new[] { c, b.Random("w2", new long[] { 3, 3, 1, 1 }) }, Int("foo", 1))),
            "node 'c2' (Conv): attribute 'foo' is not supported by the importer (it reads: group, dilations"),
        ["bad_auto_pad"] = (() => AfterConv((b, c) => b.Node("Conv", "c2", new[] { c, b.Random("w2", new long[] { 3, 3, 1, 1 }) }, Str("auto_pad", "SAME"))),
            "node 'c2' (Conv): auto_pad 'SAME' is not an ONNX value"),
        ["asymmetric_pads"] = (() => AfterConv((b, c) => b.Node("Conv", "c2", new[] { c, b.Random("w2", new long[] { 3, 3, 3, 3 }) }, Ints("pads", 0, 0, 1, 1))),
            "node 'c2' (Conv): pads [0, 0, 1, 1] (top, left, bottom, right) are asymmetric in a way the .cnn cannot write"),
        ["softmax_over_image"] = (() => AfterConv((b, c) => b.Node("Softmax", "sm", new[] { c }, Int("axis", 1))),
            "node 'sm' (Softmax axis 1): axis 1 of (3, 6, 6): softmax is imported over the features of a vector"),
        ["maxpool_dilation"] = (() => AfterConv((b, c) => b.Node("MaxPool", "mp", new[] { c }, Ints("kernel_shape", 2, 2), Ints("dilations", 2, 2))),
            "node 'mp' (MaxPool): dilations [2, 2]: pooling has no dilation in the .cnn"),
        ["avgpool_count_include_pad"] = (() => AfterConv((b, c) => b.Node("AveragePool", "ap", new[] { c }, Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Int("count_include_pad", 1))),
            "node 'ap' (AveragePool count_include_pad 1): count_include_pad 1 with padding"),
        ["flatten_axis"] = (() => AfterConv((b, c) => b.Node("Flatten", "fl", new[] { c }, Int("axis", 2))), "node 'fl' (Flatten axis 2): axis 2: only axis 1"),
        ["resize_cubic"] = (() => AfterConv((b, c) => b.Node("Resize", "rs", new[] { c, "", b.Init("sc", new long[] { 4 }, new[] { 1f, 1f, 2f, 2f }) }, Str("mode", "cubic"))),
            "node 'rs' (Resize mode cubic): mode 'cubic' is not supported"),
        ["resize_fraction"] = (() => AfterConv((b, c) => b.Node("Resize", "rs", new[] { c, "", b.Init("sc", new long[] { 4 }, new[] { 1f, 1f, 1.5f, 1.5f }) })),
            "node 'rs' (Resize): scales [1, 1, 1.5, 1.5]: upsample takes whole factors"),
        ["resize_nearest_not_repeating"] = (() => AfterConv((b, c) => b.Node("Resize", "rs", new[] { c, "", b.Init("sc", new long[] { 4 }, new[] { 1f, 1f, 2f, 2f }) },
            Str("coordinate_transformation_mode", "asymmetric"), Str("nearest_mode", "round_prefer_ceil"))),
            "node 'rs' (Resize nearest asymmetric round_prefer_ceil): nearest with coordinate_transformation_mode asymmetric"),
        ["resize_linear_align_corners"] = (() => AfterConv((b, c) => b.Node("Resize", "rs", new[] { c, "", b.Init("sc", new long[] { 4 }, new[] { 1f, 1f, 2f, 2f }) },
            Str("mode", "linear"), Str("coordinate_transformation_mode", "align_corners"))),
            "node 'rs' (Resize linear align_corners): linear with coordinate_transformation_mode align_corners"),
        ["sub_of_layers"] = (() => AfterConv((b, c) => b.Node("Sub", "diff", new[] { c, b.Node("Relu", "r", new[] { c }) })),
            "node 'diff' (Sub): Sub of two layer outputs ((3, 6, 6), (3, 6, 6)): the .cnn has no subtract layer"),
        ["per_channel_constant_after_relu"] = (() => AfterConv((b, c) => b.Node("Add", "shift", new[] { b.Node("Relu", "r", new[] { c }), b.Random("k", new long[] { 1, 3, 1, 1 }) })),
            "node 'shift' (Add): Add by the per-channel constant [1, 3, 1, 1] folds only into a conv, dense or batchnorm whose output nothing else reads; 'r_out' comes from relu, and scale and shift take one number"),
        ["per_channel_constant_on_shared_conv"] = (() => AfterConv((b, c) => b.Node("Add", "sum", new[] { b.Node("Mul", "m", new[] { c, b.Random("k", new long[] { 3, 1, 1 }) }), c })),
            "node 'm' (Mul): Mul by the per-channel constant [3, 1, 1] folds only into a conv, dense or batchnorm whose output nothing else reads; 'conv_out' comes from conv2d and has 2 readers"),
        ["constant_divided_by_layer"] = (() => AfterConv((b, c) => b.Node("Div", "recip", new[] { b.Init("one", Array.Empty<long>(), new[] { 1f }), c })),
            "node 'recip' (Div): Div of the constant 'one' by a layer output (constant / x) is not scalar arithmetic: NetGen has no reciprocal layer"),
        ["division_by_zero"] = (() => AfterConv((b, c) => b.Node("Div", "d", new[] { b.Node("Relu", "r", new[] { c }), b.Init("zero", Array.Empty<long>(), new[] { 0f }) })),
            "node 'd' (Div): the constant 'zero' holds 0: a division by zero"),
        ["infinite_constant"] = (() => AfterConv((b, c) => b.Node("Mul", "m", new[] { c, b.Init("inf", new long[] { 1 }, new[] { float.PositiveInfinity }) })),
            "node 'm' (Mul): the constant 'inf' holds Infinity: the result would not be finite"),
        ["scalar_of_higher_rank"] = (() => AfterConv((b, c) => b.Node("Mul", "m", new[] { b.Node("Relu", "r", new[] { c }), b.Init("k", new long[] { 1, 1, 1, 1, 1 }, new[] { 2f }) })),
            "node 'm' (Mul): the constant 'k' [1, 1, 1, 1, 1] has more dimensions than the (N, C, H, W) it is applied to; broadcasting would change the output's rank"),
        ["constant_not_per_channel"] = (() => AfterConv((b, c) => b.Node("Mul", "m", new[] { c, b.Random("k", new long[] { 6 }) })),
            "node 'm' (Mul): the constant [6] does not broadcast one value per channel of (3, 6, 6)"),
        ["pad_before_pool"] = (() => AfterConv((b, c) => b.Node("MaxPool", "mp", new[] { b.Node("Pad", "pad", new[] { c, b.Ints("pads", 0, 0, 1, 1, 0, 0, 1, 1) }) },
            Ints("kernel_shape", 2, 2))),
            "node 'mp' (MaxPool): reads the output of Pad 'pad', which the importer folds only into a Conv that follows it"),
        ["pad_reflect"] = (() => AfterConv((b, c) => b.Node("Pad", "pad", new[] { c, b.Ints("pads", 0, 0, 1, 1, 0, 0, 1, 1) }, Str("mode", "reflect"))),
            "node 'pad' (Pad mode reflect): mode 'reflect': only zero padding folds into a convolution"),
        ["dynamic_reshape"] = (() => AfterConv((b, c) => b.Node("Reshape", "rs", new[] { c, b.Node("Shape", "shape", new[] { c }) })),
            "node 'shape' (Shape): 'Shape' is not an operator the importer supports"),
        ["dynamic_input"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, "H", "W");
            return b.Output(b.Node("Relu", "r", new[] { "x" }));
        }, "error: input 'x' has the dynamic shape Nx2xHxW; fix the dimensions after the batch with --input CxHxW"),
    };

    public static IEnumerable<object[]> Names => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(Names))]
    public void Unconvertible_graph_is_one_error_naming_the_node_and_nothing_is_written(string name)
    {
        var (build, message) = Cases[name];
        var run = ImportKit.Import(build().Build(), "model.onnx");
        Assert.Equal(2, run.ExitCode);
        var lines = run.Errors.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, run.Errors);
        Assert.Contains("model.onnx: error: ", lines[0]);
        Assert.Contains(message, lines[0]);
        Assert.False(Directory.Exists(run.Folder), "the output folder was created");
    }

    [Fact]
    public void Every_failing_node_is_reported_once_and_nodes_after_it_add_nothing()
    {
        var b = new OnnxBuilder().Input("x", 2, 4, 4);
        var c = b.Node("Conv", "conv", new[] { "x", b.Random("w", new long[] { 3, 2, 1, 1 }) });
        var h = b.Node("HardSigmoid", "hs", new[] { c });
        var g = b.Node("Erf", "erf", new[] { c });
        var r = b.Node("Relu", "after", new[] { h });
        b.Output(b.Node("Add", "sum", new[] { r, g }));
        var run = ImportKit.Import(b.Build());
        Assert.Equal(2, run.ExitCode);
        var lines = run.Errors.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("node 'hs' (HardSigmoid alpha 0.2 beta 0.5)", lines[0]);
        Assert.Contains("node 'erf' (Erf): erf is not a NetGen layer", lines[1]);
        Assert.False(Directory.Exists(run.Folder));
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_an_error_naming_it()
    {
        string dir = TestData.TempFolder();
        string path = Path.Combine(dir, "notes.onnx");
        File.WriteAllText(path, "this is not a protobuf file\n");
        var run = ImportKit.ImportFile(path);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"{path}: error: not a readable ONNX model: ", run.Errors);
        Assert.False(Directory.Exists(run.Folder));
    }

    [Fact]
    public void A_missing_file_is_a_usage_error()
    {
        var run = ImportKit.ImportFile(Path.Combine(TestData.TempFolder(), "absent.onnx"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("absent.onnx: error: file not found", run.Errors);
    }

    [Theory]
    [InlineData("3x0x5", "--input: error: '3x0x5' is not a sample shape; expected CxHxW")]
    [InlineData("3x5", "--input: error: '3x5' is not a sample shape")]
    [InlineData("2x6x6x1", "is not a sample shape")]
    public void A_bad_input_option_is_a_usage_error(string value, string message)
    {
        var b = new OnnxBuilder().Input("x", 2, 6, 6);
        b.Output(b.Node("Relu", "r", new[] { "x" }));
        var run = ImportKit.Import(b.Build(), "model.onnx", "--input", value);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(message, run.Errors);
    }

    [Fact]
    public void An_input_option_that_contradicts_the_graph_is_an_error()
    {
        var b = new OnnxBuilder().Input("x", 2, 6, 6);
        b.Output(b.Node("Relu", "r", new[] { "x" }));
        var run = ImportKit.Import(b.Build(), "model.onnx", "--input", "2x6x7");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("model.onnx: error: --input 2x6x7 does not fit input 'x' of shape Nx2x6x6", run.Errors);
    }

    [Fact]
    public void A_name_that_is_not_an_identifier_is_a_usage_error()
    {
        var b = new OnnxBuilder().Input("x", 2, 6, 6);
        b.Output(b.Node("Relu", "r", new[] { "x" }));
        var run = ImportKit.Import(b.Build(), "model.onnx", "--name", "my-net");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--name: error: 'my-net' is not a .cnn identifier", run.Errors);
    }
}
