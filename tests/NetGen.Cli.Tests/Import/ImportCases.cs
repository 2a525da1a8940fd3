using static NetGen.Cli.Tests.Import.Attr;

namespace NetGen.Cli.Tests.Import;

/// <summary>
/// Small ONNX graphs, one per mapped operator and attribute: the graph, and a line the written
/// .cnn must contain (the layer it maps to). Every one is compared with ONNX Runtime.
/// </summary>
internal static class ImportCases
{
    public static readonly Dictionary<string, (Func<OnnxBuilder> Build, string Expect)> All = new()
    {
        ["conv_bias_relu"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 3, 8, 8);
            var c = b.Node("Conv", "conv1", new[] { "x", b.Random("w", new long[] { 4, 3, 3, 3 }), b.Random("b", new long[] { 4 }) }, Ints("pads", 1, 1, 1, 1));
            return b.Output(b.Node("Relu", "relu1", new[] { c }));
        }, "conv1 = conv2d(4, 3, padding: 1)"),
        ["conv_groups_dilation_stride"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 4, 11, 10);
            return b.Output(b.Node("Conv", "conv1", new[] { "x", b.Random("w", new long[] { 6, 2, 3, 2 }) },
                Int("group", 2), Ints("dilations", 2, 1), Ints("strides", 2, 1), Ints("kernel_shape", 3, 2)));
        }, "conv2d(6, 3x2, stride: 2x1, dilation: 2x1, groups: 2, bias: false)"),
        ["depthwise_multiplier"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 4, 7, 7);
            return b.Output(b.Node("Conv", "dw", new[] { "x", b.Random("w", new long[] { 8, 1, 3, 3 }), b.Random("b", new long[] { 8 }) },
                Int("group", 4), Ints("pads", 1, 1, 1, 1)));
        }, "dw = depthwise_conv2d(3, multiplier: 2, padding: 1)"),
        ["conv_top_left_pads"] = (() =>
        {
            // CNTK's padding of strided windows: top/left only.
            var b = new OnnxBuilder().Input("x", 2, 8, 8);
            return b.Output(b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }) }, Ints("strides", 2, 2), Ints("pads", 1, 1, 0, 0)));
        }, "conv2d(3, 3, stride: 2, padding: 1, bias: false)"),
        ["conv_same_upper"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 7, 8);
            return b.Output(b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }) }, Ints("strides", 2, 2), Str("auto_pad", "SAME_UPPER")));
        }, "padding: same"),
        ["conv_same_lower_stride1"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 6, 6);
            return b.Output(b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 3, 2, 5, 3 }) }, Str("auto_pad", "SAME_LOWER")));
        }, "padding: 2x1"),
        ["conv_valid"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 6, 6);
            return b.Output(b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }) }, Str("auto_pad", "VALID")));
        }, "c = conv2d(3, 3, bias: false)"),
        ["pad_folds_into_conv"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 6, 6);
            var p = b.Node("Pad", "pad", new[] { "x", b.Ints("pads", 0, 0, 1, 2, 0, 0, 1, 2) });
            return b.Output(b.Node("Conv", "c", new[] { p, b.Random("w", new long[] { 3, 2, 3, 3 }) }));
        }, "padding: 1x2"),
        ["conv_transpose"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 3, 5, 5);
            return b.Output(b.Node("ConvTranspose", "up", new[] { "x", b.Random("w", new long[] { 3, 4, 3, 3 }), b.Random("b", new long[] { 4 }) },
                Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1), Ints("output_padding", 1, 1)));
        }, "conv2d_transpose(4, 3, stride: 2, padding: 1, output_padding: 1)"),
        ["conv_transpose_same"] = (() =>
        {
            // The .cnn's 'same' (P = H stride): k - stride = 1 cropped at the bottom and right.
            var b = new OnnxBuilder().Input("x", 3, 4, 5);
            return b.Output(b.Node("ConvTranspose", "up", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }) },
                Ints("strides", 2, 2), Ints("pads", 0, 0, 1, 1)));
        }, "up = conv2d_transpose(2, 3, stride: 2, padding: same, bias: false)"),
        ["batchnorm_epsilon"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 3, 6, 6);
            var c = b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 4, 3, 3, 3 }) });
            return b.Output(b.Node("BatchNormalization", "bn", new[] { c, b.Random("g", new long[] { 4 }, 0.5f, 2), b.Random("be", new long[] { 4 }),
                b.Random("m", new long[] { 4 }), b.Random("v", new long[] { 4 }, 0.5f, 2) }, Float("epsilon", 1e-3f), Float("momentum", 0.9f)));
        }, "bn = batchnorm(epsilon: 0.001)"),
        ["lrn"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 6, 3, 3);
            return b.Output(b.Node("LRN", "norm", new[] { "x" }, Int("size", 5), Float("alpha", 0.5f), Float("beta", 0.75f), Float("bias", 2f)));
        }, "norm = lrn(2, bias: 2, alpha: 0.1, beta: 0.75)"),
        ["activations"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 4, 4);
            var a = b.Node("LeakyRelu", "lrelu", new[] { "x" }, Float("alpha", 0.2f));
            a = b.Node("Elu", "elu1", new[] { a }, Float("alpha", 0.5f));
            a = b.Node("Tanh", "tanh1", new[] { a });
            return b.Output(b.Node("Sigmoid", "sig", new[] { a }));
        }, "lrelu = leaky_relu(alpha: 0.2)"),
        ["residual_add"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 3, 6, 6);
            var c1 = b.Node("Conv", "c1", new[] { "x", b.Random("w1", new long[] { 4, 3, 3, 3 }) }, Ints("pads", 1, 1, 1, 1));
            var r = b.Node("Relu", "r", new[] { c1 });
            var c2 = b.Node("Conv", "c2", new[] { r, b.Random("w2", new long[] { 4, 4, 3, 3 }) }, Ints("pads", 1, 1, 1, 1));
            return b.Output(b.Node("Add", "sum", new[] { c2, r }));
        }, "sum = add(c2, r)"),
        ["constants_fold_into_conv"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 5, 5);
            var c = b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }) });
            var m = b.Node("Mul", "scale", new[] { c, b.Random("s", new long[] { 1, 3, 1, 1 }) });
            var a = b.Node("Add", "shift", new[] { b.Random("t", new long[] { 3, 1, 1 }), m });
            var s = b.Node("Sub", "sub", new[] { a, b.Init("half", Array.Empty<long>(), new[] { 0.5f }) });
            return b.Output(b.Node("Div", "div", new[] { s, b.Init("four", new long[] { 1 }, new[] { 4f }) }));
        }, "c = conv2d(3, 3)"),
        ["constants_fold_into_batchnorm_and_dense"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 6);
            var g = b.Node("Gemm", "fc", new[] { "x", b.Random("w", new long[] { 4, 6 }), b.Random("c", new long[] { 4 }) }, Int("transB", 1));
            g = b.Node("Mul", "m", new[] { g, b.Random("s", new long[] { 4 }) });
            var bn = b.Node("BatchNormalization", "bn", new[] { g, b.Random("g", new long[] { 4 }, 0.5f, 2), b.Random("be", new long[] { 4 }),
                b.Random("mu", new long[] { 4 }), b.Random("v", new long[] { 4 }, 0.5f, 2) });
            return b.Output(b.Node("Add", "a", new[] { bn, b.Random("t", new long[] { 4 }) }));
        }, "bn = batchnorm"),
        ["concat_channels"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 3, 6, 6);
            var c1 = b.Node("Conv", "c1", new[] { "x", b.Random("w1", new long[] { 2, 3, 1, 1 }) });
            var c2 = b.Node("Conv", "c2", new[] { "x", b.Random("w2", new long[] { 5, 3, 3, 3 }) }, Ints("pads", 1, 1, 1, 1));
            return b.Output(b.Node("Concat", "cat", new[] { c1, c2 }, Int("axis", 1)));
        }, "cat = concat(c1, c2)"),
        ["maxpool_pads"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 9, 9);
            return b.Output(b.Node("MaxPool", "pool", new[] { "x" }, Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1)));
        }, "pool = maxpool2d(3, stride: 2, padding: 1)"),
        ["maxpool_ceil_default_stride"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 8, 8);
            var p = b.Node("MaxPool", "p1", new[] { "x" }, Ints("kernel_shape", 2, 2));
            return b.Output(b.Node("MaxPool", "p2", new[] { p }, Ints("kernel_shape", 2, 2), Ints("strides", 2, 2), Int("ceil_mode", 1)));
        }, "p2 = maxpool2d(2, stride: 2, ceil: true)"),
        ["avgpool_pads_excluded"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 6, 6);
            return b.Output(b.Node("AveragePool", "pool", new[] { "x" }, Ints("kernel_shape", 3, 3), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1)));
        }, "pool = avgpool2d(3, stride: 2, padding: 1)"),
        ["gap_flatten_gemm_softmax"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 4, 5, 5);
            var g = b.Node("GlobalAveragePool", "gap", new[] { "x" });
            var f = b.Node("Flatten", "flat", new[] { g });
            var d = b.Node("Gemm", "fc", new[] { f, b.Random("w", new long[] { 3, 4 }), b.Random("c", new long[] { 3 }) }, Int("transB", 1));
            return b.Output(b.Node("Softmax", "prob", new[] { d }, Int("axis", 1)));
        }, "fc = dense(3)"),
        ["reshape_matmul_add_gemm_dropout"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 3, 3);
            var shape = b.Node("Constant", "shape", Array.Empty<string>(), Int64Tensor("value", 0, -1));
            var r = b.Node("Reshape", "reshape", new[] { "x", shape });
            var m = b.Node("MatMul", "mm", new[] { r, b.Random("w", new long[] { 18, 5 }) });
            var a = b.Node("Add", "bias", new[] { m, b.Random("c", new long[] { 5 }) });
            var i = b.Node("Identity", "id", new[] { a });
            var dr = b.Node("Dropout", "drop", new[] { i, b.Init("ratio", Array.Empty<long>(), new[] { 0.25f }) });
            return b.Output(b.Node("Gemm", "fc2", new[] { dr, b.Random("w2", new long[] { 5, 4 }), b.Random("c2", new long[] { 1, 4 }) },
                Float("alpha", 0.5f), Float("beta", 2f)));
        }, "drop = dropout(0.25)"),
        ["matmul_after_flatten_of_image"] = (() =>
        {
            // Dense weights after a flatten of (C, H, W): ONNX flattens channels-first, as the weight file expects.
            var b = new OnnxBuilder().Input("x", 3, 2, 2);
            var f = b.Node("Flatten", "flat", new[] { "x" });
            return b.Output(b.Node("Gemm", "fc", new[] { f, b.Random("w", new long[] { 5, 12 }) }, Int("transB", 1)));
        }, "fc = dense(5, bias: false)"),
        ["resize_nearest"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 3, 4);
            return b.Output(b.Node("Resize", "up", new[] { "x", "", b.Init("scales", new long[] { 4 }, new[] { 1f, 1f, 2f, 3f }) }, Str("mode", "nearest")));
        }, "up = upsample(2x3)"),
        ["resize_linear_sizes"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 3, 4);
            return b.Output(b.Node("Resize", "up", new[] { "x", "", "", b.Ints("sizes", 1, 2, 6, 8) }, Str("mode", "linear")));
        }, "up = upsample(2, mode: bilinear)"),
        ["upsample_opset9"] = (() =>
        {
            var b = new OnnxBuilder(opset: 9).Input("x", 2, 3, 3);
            return b.Output(b.Node("Upsample", "up", new[] { "x", b.Init("scales", new long[] { 4 }, new[] { 1f, 1f, 2f, 2f }) }));
        }, "up = upsample(2)"),
        ["slice_crop_and_concat"] = (() =>
        {
            // A U-Net skip: the larger map cropped (a negative end, PyTorch's 2^63 - 1 for "to the end")
            // to the smaller one's size, then joined along channels.
            var b = new OnnxBuilder().Input("x", 2, 9, 8);
            var big = b.Node("Conv", "big", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }) });
            var small = b.Node("Conv", "small", new[] { "x", b.Random("w2", new long[] { 4, 2, 5, 4 }) });
            var crop = b.Node("Slice", "skip", new[] { big, b.Ints("starts", 1, 1), b.Ints("ends", -1, long.MaxValue), b.Ints("axes", 2, -1) });
            return b.Output(b.Node("Concat", "cat", new[] { crop, small }, Int("axis", 1)));
        }, "skip = big -> crop(1, 1, 5, 5)"),
        ["slice_whole_batch_and_channels_steps_one"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 3, 6, 7);
            return b.Output(b.Node("Slice", "window", new[] { "x", b.Ints("starts", 0, 0, 2, -5), b.Ints("ends", long.MaxValue, 3, 6, 6),
                b.Ints("axes", 0, 1, 2, 3), b.Ints("steps", 1, 1, 1, 1) }));
        }, "window = crop(2, 2, 4, 4)"),
        ["slice_opset9_attributes"] = (() =>
        {
            var b = new OnnxBuilder(opset: 9).Input("x", 2, 5, 6);
            return b.Output(b.Node("Slice", "window", new[] { "x" }, Ints("starts", 1, 0), Ints("ends", 4, 100), Ints("axes", 2, 3)));
        }, "window = crop(1, 0, 3, 6)"),
        ["relu6_clip_inputs"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 5, 5);
            var c = b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }, -2f, 2f) }, Ints("pads", 1, 1, 1, 1));
            return b.Output(b.Node("Clip", "r6", new[] { c, b.Init("lo", Array.Empty<long>(), new[] { 0f }), b.Init("hi", Array.Empty<long>(), new[] { 6f }) }));
        }, "r6 = relu6"),
        ["relu6_clip_opset6_attributes"] = (() =>
        {
            var b = new OnnxBuilder(6).Input("x", 2, 5, 5);
            var c = b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }, -2f, 2f) }, Ints("pads", 1, 1, 1, 1));
            return b.Output(b.Node("Clip", "r6", new[] { c }, Float("min", 0), Float("max", 6)));
        }, "r6 = relu6"),
        ["hardsigmoid_hardswish_mish"] = (() =>
        {
            var b = new OnnxBuilder(18).Input("x", 2, 5, 5);
            var c = b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 4, 2, 3, 3 }, -2f, 2f) }, Ints("pads", 1, 1, 1, 1));
            var hs = b.Node("HardSigmoid", "hsig", new[] { c }, Float("alpha", 1f / 6f), Float("beta", 0.5f));
            var c2 = b.Node("Conv", "c2", new[] { hs, b.Random("w2", new long[] { 4, 4, 1, 1 }, -2f, 2f) });
            var hw = b.Node("HardSwish", "hswish", new[] { c2 });
            return b.Output(b.Node("Mish", "mish1", new[] { hw }));
        }, "hswish = hardswish"),
        ["silu_sigmoid_times_x"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 2, 5, 5);
            var c = b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }, -1.5f, 1.5f) }, Ints("pads", 1, 1, 1, 1));
            return b.Output(b.Node("Mul", "swish", new[] { c, b.Node("Sigmoid", "sig", new[] { c }) }));
        }, "swish_ = silu"),   // swish is a layer name: the node is renamed
        ["gelu_op_both_forms"] = (() =>
        {
            var b = new OnnxBuilder(20).Input("x", 2, 5, 5);
            var c = b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }, -1.5f, 1.5f) }, Ints("pads", 1, 1, 1, 1));
            var g = b.Node("Gelu", "g1", new[] { c });
            var c2 = b.Node("Conv", "c2", new[] { g, b.Random("w2", new long[] { 3, 3, 1, 1 }, -1.5f, 1.5f) });
            return b.Output(b.Node("Gelu", "g2", new[] { c2 }, Str("approximate", "tanh")));
        }, "g2 = gelu(approximate: tanh)"),
        ["squeeze_excitation"] = (() =>
        {
            var b = new OnnxBuilder().Input("x", 4, 5, 5);
            var c = b.Node("Conv", "c", new[] { "x", b.Random("w", new long[] { 4, 4, 3, 3 }) }, Ints("pads", 1, 1, 1, 1));
            var g = b.Node("GlobalAveragePool", "squeeze", new[] { c });
            var r = b.Node("Conv", "reduce", new[] { g, b.Random("w1", new long[] { 2, 4, 1, 1 }), b.Random("b1", new long[] { 2 }) });
            r = b.Node("Relu", "act", new[] { r });
            var e = b.Node("Conv", "expand", new[] { r, b.Random("w2", new long[] { 4, 2, 1, 1 }), b.Random("b2", new long[] { 4 }) });
            var s = b.Node("Sigmoid", "gate", new[] { e });
            return b.Output(b.Node("Mul", "excite", new[] { c, s }));
        }, "excite = multiply(c, gate)"),
        ["opset8_batchnorm_spatial_squeeze"] = (() =>
        {
            var b = new OnnxBuilder(opset: 8).Input("x", 3, 4, 4);
            var bn = b.Node("BatchNormalization", "bn", new[] { "x", b.Random("g", new long[] { 3 }, 0.5f, 2), b.Random("be", new long[] { 3 }),
                b.Random("m", new long[] { 3 }), b.Random("v", new long[] { 3 }, 0.5f, 2) }, Int("spatial", 1));
            var g = b.Node("GlobalAveragePool", "gap", new[] { bn });
            return b.Output(b.Node("Squeeze", "sq", new[] { g }, Ints("axes", 2, 3)));
        }, "sq = flatten"),
    };

    public static IEnumerable<object[]> Names => All.Keys.Select(k => new object[] { k });
}
