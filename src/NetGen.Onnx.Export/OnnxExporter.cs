using System;
using System.Linq;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Onnx.Export;

/// <summary>
/// Writes a NetGen network with its weights as an ONNX model (opset 13): every node as the ONNX
/// operator that computes the same (a fused activation as a node after its layer), weights from a
/// network's parameters in PyTorch layouts, which are ONNX's. Values are named after the nodes; the
/// input is "input", (N, C, H, W) or (N, F).
/// </summary>
internal static class OnnxExporter
{
    public const long Opset = 13;

    /// <summary>The model's bytes; <paramref name="parameter"/> gives a parameter's elements by name ("conv1.weight"), PyTorch layout.</summary>
    /// <exception cref="OnnxExportException">A node the exporter cannot write (named, with why).</exception>
    public static byte[] Export(NetworkAnalysis analysis, Func<string, float[]> parameter, string source)
    {
        var ir = analysis.Network;
        var g = new OnnxGraphWriter();
        var names = new string[ir.Nodes.Count];
        names[0] = "input";
        string Weight(string name, params long[] dims) => g.Floats(name, dims, parameter(name));

        for (int n = 1; n < ir.Nodes.Count; n++)
        {
            var node = ir.Nodes[n];
            var a = node.Args;
            var x = node.Inputs.Count > 0 ? names[node.Inputs[0]] : "input";
            var xs = node.Inputs.Count > 0 ? analysis.Layers[node.Inputs[0]].Output : ir.InputShape;
            var ys = analysis.Layers[n].Output;
            string y = node.Name;
            // A layer with a fused activation writes its own output first.
            string layerOut = a.Activation != ActivationKind.None && node.Op is OpKind.Conv2D or OpKind.DepthwiseConv2D or OpKind.SeparableConv2D
                or OpKind.Conv2DTranspose or OpKind.Dense ? y + "/linear" : y;
            string At(string what) => $"{source}: error: node '{node.Name}' ({node.Op}): {what}";
            switch (node.Op)
            {
                case OpKind.Conv2D:
                case OpKind.DepthwiseConv2D:
                {
                    var p = WindowPadding.ForWindow(a, xs);
                    int groups = node.Op == OpKind.DepthwiseConv2D ? xs.C : a.Groups;
                    var inputs = new[] { x, Weight(y + ".weight", ys.C, xs.C / groups, a.KernelH, a.KernelW) };
                    if (a.Bias) inputs = inputs.Append(Weight(y + ".bias", ys.C)).ToArray();
                    g.Node("Conv", y, inputs, layerOut, ("kernel_shape", new long[] { a.KernelH, a.KernelW }), ("strides", new long[] { a.StrideH, a.StrideW }), Pads(p), ("dilations", new long[] { a.DilationH, a.DilationW }), ("group", (long)groups));
                    break;
                }
                case OpKind.SeparableConv2D:
                {
                    var p = WindowPadding.ForWindow(a, xs);
                    int mid = xs.C * a.DepthMultiplier;
                    g.Node("Conv", y + "/depthwise", new[] { x, Weight(y + ".depthwise.weight", mid, 1, a.KernelH, a.KernelW) }, y + "/depthwise",
                        ("kernel_shape", new long[] { a.KernelH, a.KernelW }), ("strides", new long[] { a.StrideH, a.StrideW }), Pads(p),
                        ("dilations", new long[] { a.DilationH, a.DilationW }), ("group", (long)xs.C));
                    var inputs = new[] { y + "/depthwise", Weight(y + ".pointwise.weight", ys.C, mid, 1, 1) };
                    if (a.Bias) inputs = inputs.Append(Weight(y + ".bias", ys.C)).ToArray();
                    g.Node("Conv", y, inputs, layerOut);
                    break;
                }
                case OpKind.Conv2DTranspose:
                {
                    var p = WindowPadding.ForTransposed(a);
                    var inputs = new[] { x, Weight(y + ".weight", xs.C, ys.C, a.KernelH, a.KernelW) };
                    if (a.Bias) inputs = inputs.Append(Weight(y + ".bias", ys.C)).ToArray();
                    g.Node("ConvTranspose", y, inputs, layerOut, ("kernel_shape", new long[] { a.KernelH, a.KernelW }),
                        ("strides", new long[] { a.StrideH, a.StrideW }), ("pads", new long[] { p.Top, p.Left, p.Bottom, p.Right }),
                        ("output_padding", new long[] { p.OutputPaddingH, p.OutputPaddingW }), ("dilations", new long[] { a.DilationH, a.DilationW }));
                    break;
                }
                case OpKind.MaxPool2D:
                case OpKind.AvgPool2D:
                {
                    var p = WindowPadding.ForWindow(a, xs);
                    g.Node(node.Op == OpKind.MaxPool2D ? "MaxPool" : "AveragePool", y, new[] { x }, y, ("kernel_shape", new long[] { a.KernelH, a.KernelW }),
                        ("strides", new long[] { a.StrideH, a.StrideW }), Pads(p), ("ceil_mode", a.CeilMode ? 1L : 0L));
                    break;
                }
                case OpKind.GlobalAvgPool:
                    if (a.KeepDims) g.Node("GlobalAveragePool", y, new[] { x }, y);
                    else
                    {
                        g.Node("GlobalAveragePool", y + "/pool", new[] { x }, y + "/pool");
                        g.Node("Flatten", y, new[] { y + "/pool" }, y, ("axis", 1L));
                    }
                    break;
                case OpKind.Flatten:
                    g.Node("Flatten", y, new[] { x }, y, ("axis", 1L));
                    break;
                case OpKind.Dense:
                {
                    var inputs = new[] { x, Weight(y + ".weight", ys.C, xs.Elements) };
                    if (a.Bias) inputs = inputs.Append(Weight(y + ".bias", ys.C)).ToArray();
                    if (!xs.IsVector) throw new OnnxExportException(At($"its input {xs} is not a vector"));
                    g.Node("Gemm", y, inputs, layerOut, ("transB", 1L));
                    break;
                }
                case OpKind.Dropout:
                    g.Node("Identity", y, new[] { x }, y);
                    break;
                case OpKind.BatchNorm:
                {
                    // ONNX's BatchNormalization always takes scale and B: without them (scale: false, center: false) ones and zeros.
                    string scale = a.Scale ? Weight(y + ".weight", ys.C) : g.Floats(y + ".weight", new long[] { ys.C }, Filled(ys.C, 1f));
                    string shift = a.Center ? Weight(y + ".bias", ys.C) : g.Floats(y + ".bias", new long[] { ys.C }, new float[ys.C]);
                    g.Node("BatchNormalization", y, new[] { x, scale, shift,
                        Weight(y + ".running_mean", ys.C), Weight(y + ".running_var", ys.C) }, y, ("epsilon", (float)a.Epsilon));
                    break;
                }
                case OpKind.LocalResponseNorm:
                {
                    long size = 2 * a.Radius + 1;
                    g.Node("LRN", y, new[] { x }, y, ("size", size), ("alpha", (float)(a.LrnAlpha * size)), ("beta", (float)a.LrnBeta), ("bias", (float)a.LrnBias));
                    break;
                }
                case OpKind.Upsample:
                {
                    string scales = g.Floats(y + "/scales", new long[] { 4 }, new float[] { 1, 1, a.ScaleH, a.ScaleW });
                    if (a.Mode == UpsampleMode.Nearest)
                        g.Node("Resize", y, new[] { x, "", scales }, y, ("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"), ("nearest_mode", "floor"));
                    else
                        g.Node("Resize", y, new[] { x, "", scales }, y, ("mode", "linear"), ("coordinate_transformation_mode", "half_pixel"));
                    break;
                }
                case OpKind.Crop:
                {
                    // Slice on the spatial axes (N, C, H, W: 2 and 3), ends exclusive, steps 1.
                    string starts = g.Int64s(y + "/starts", a.CropTop, a.CropLeft);
                    string ends = g.Int64s(y + "/ends", (long)a.CropTop + a.CropHeight, (long)a.CropLeft + a.CropWidth);
                    g.Node("Slice", y, new[] { x, starts, ends, g.Int64s(y + "/axes", 2, 3) }, y);
                    break;
                }
                case OpKind.Add:
                {
                    string acc = names[node.Inputs[0]];
                    for (int i = 1; i < node.Inputs.Count; i++)
                    {
                        string o = i == node.Inputs.Count - 1 ? y : $"{y}/{i}";
                        g.Node("Add", o, new[] { acc, names[node.Inputs[i]] }, o);
                        acc = o;
                    }
                    break;
                }
                case OpKind.Concat:
                    g.Node("Concat", y, node.Inputs.Select(i => names[i]).ToArray(), y, ("axis", 1L));
                    break;
                case OpKind.Multiply:
                {
                    string acc = names[node.Inputs[0]];
                    for (int i = 1; i < node.Inputs.Count; i++)
                    {
                        string other = names[node.Inputs[i]];
                        var os = analysis.Layers[node.Inputs[i]].Output;
                        if (os.IsVector && !ys.IsVector)
                        {
                            // A (C) gate over (C, H, W): (N, C) as (N, C, 1, 1) to broadcast.
                            g.Node("Unsqueeze", $"{y}/gate{i}", new[] { other, g.Int64s(y + "/axes", 2, 3) }, $"{y}/gate{i}");
                            other = $"{y}/gate{i}";
                        }
                        string o = i == node.Inputs.Count - 1 ? y : $"{y}/{i}";
                        g.Node("Mul", o, new[] { acc, other }, o);
                        acc = o;
                    }
                    break;
                }
                case OpKind.ReLU or OpKind.LeakyReLU or OpKind.ELU or OpKind.Sigmoid or OpKind.Tanh or OpKind.Softmax:
                    Activation(g, Kind(node.Op), a.Alpha, x, y, y, ys, At);
                    break;
                case OpKind.ReLU6 or OpKind.HardSigmoid or OpKind.HardSwish or OpKind.SiLU or OpKind.GELU or OpKind.Mish:
                    Activation(g, a.Activation, a.Alpha, x, y, y, ys, At);
                    break;
                case OpKind.Scale:
                    g.Node("Mul", y, new[] { x, Scalar(g, y + "/factor", (float)a.Constant) }, y);
                    break;
                case OpKind.Shift:
                    g.Node("Add", y, new[] { x, Scalar(g, y + "/offset", (float)a.Constant) }, y);
                    break;
                case OpKind.Clip:
                    g.Node("Clip", y, new[] { x, Scalar(g, y + "/min", (float)a.ClipMin), Scalar(g, y + "/max", (float)a.ClipMax) }, y);
                    break;
                default:
                    throw new OnnxExportException(At("the exporter does not write this layer"));
            }
            if (layerOut != y) Activation(g, a.Activation, a.Alpha, layerOut, y + "/" + a.Activation.ToString().ToLowerInvariant(), y, ys, At);
            names[n] = y;
        }
        var input = ir.InputShape;
        var output = analysis.OutputShape;
        return g.Model(ir.Name, "input", Dims(input), names[ir.Output], Dims(output), Opset);
    }

    private static long[] Dims(Shape s) => s.IsVector ? new long[] { s.C } : new long[] { s.C, s.H, s.W };

    private static (string, object) Pads(WindowPadding p) => ("pads", new long[] { p.Top, p.Left, p.Bottom, p.Right });

    private static string Scalar(OnnxGraphWriter g, string name, float value) => g.Floats(name, System.Array.Empty<long>(), new[] { value });

    private static ActivationKind Kind(OpKind op) => op switch
    {
        OpKind.ReLU => ActivationKind.ReLU,
        OpKind.LeakyReLU => ActivationKind.LeakyReLU,
        OpKind.ELU => ActivationKind.ELU,
        OpKind.Sigmoid => ActivationKind.Sigmoid,
        OpKind.Tanh => ActivationKind.Tanh,
        _ => ActivationKind.Softmax,
    };

    private static void Activation(OnnxGraphWriter g, ActivationKind kind, double alpha, string x, string name, string y, Shape shape, Func<string, string> at)
    {
        switch (kind)
        {
            case ActivationKind.ReLU: g.Node("Relu", name, new[] { x }, y); break;
            case ActivationKind.LeakyReLU: g.Node("LeakyRelu", name, new[] { x }, y, ("alpha", (float)alpha)); break;
            case ActivationKind.ELU: g.Node("Elu", name, new[] { x }, y, ("alpha", (float)alpha)); break;
            case ActivationKind.Sigmoid: g.Node("Sigmoid", name, new[] { x }, y); break;
            case ActivationKind.Tanh: g.Node("Tanh", name, new[] { x }, y); break;
            // Opset 13 has none of HardSwish (14), Mish (18), Gelu (20): their defining expressions.
            case ActivationKind.ReLU6:
                g.Node("Clip", name, new[] { x, Scalar(g, name + "/min", 0f), Scalar(g, name + "/max", 6f) }, y);
                break;
            case ActivationKind.HardSigmoid:
                g.Node("HardSigmoid", name, new[] { x }, y, ("alpha", 1f / 6f), ("beta", 0.5f));
                break;
            case ActivationKind.HardSwish:
                g.Node("HardSigmoid", name + "/hardsigmoid", new[] { x }, name + "/hardsigmoid", ("alpha", 1f / 6f), ("beta", 0.5f));
                g.Node("Mul", name, new[] { x, name + "/hardsigmoid" }, y);
                break;
            case ActivationKind.SiLU:
                g.Node("Sigmoid", name + "/sigmoid", new[] { x }, name + "/sigmoid");
                g.Node("Mul", name, new[] { x, name + "/sigmoid" }, y);
                break;
            case ActivationKind.GELU:
                // x * (1 + erf(x / sqrt 2)) / 2
                g.Node("Mul", name + "/scaled", new[] { x, Scalar(g, name + "/inv_sqrt2", 0.70710678f) }, name + "/scaled");
                g.Node("Erf", name + "/erf", new[] { name + "/scaled" }, name + "/erf");
                g.Node("Add", name + "/one_plus", new[] { name + "/erf", Scalar(g, name + "/one", 1f) }, name + "/one_plus");
                g.Node("Mul", name + "/half", new[] { name + "/one_plus", Scalar(g, name + "/0.5", 0.5f) }, name + "/half");
                g.Node("Mul", name, new[] { x, name + "/half" }, y);
                break;
            case ActivationKind.GELUTanh:
                // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
                g.Node("Mul", name + "/x2", new[] { x, x }, name + "/x2");
                g.Node("Mul", name + "/x3", new[] { name + "/x2", x }, name + "/x3");
                g.Node("Mul", name + "/cubic", new[] { name + "/x3", Scalar(g, name + "/c", 0.044715f) }, name + "/cubic");
                g.Node("Add", name + "/inner", new[] { x, name + "/cubic" }, name + "/inner");
                g.Node("Mul", name + "/u", new[] { name + "/inner", Scalar(g, name + "/sqrt_2_pi", 0.7978845608f) }, name + "/u");
                g.Node("Tanh", name + "/tanh", new[] { name + "/u" }, name + "/tanh");
                g.Node("Add", name + "/one_plus", new[] { name + "/tanh", Scalar(g, name + "/one", 1f) }, name + "/one_plus");
                g.Node("Mul", name + "/half", new[] { name + "/one_plus", Scalar(g, name + "/0.5", 0.5f) }, name + "/half");
                g.Node("Mul", name, new[] { x, name + "/half" }, y);
                break;
            case ActivationKind.Mish:
                g.Node("Softplus", name + "/softplus", new[] { x }, name + "/softplus");
                g.Node("Tanh", name + "/tanh", new[] { name + "/softplus" }, name + "/tanh");
                g.Node("Mul", name, new[] { x, name + "/tanh" }, y);
                break;
            case ActivationKind.Softmax:
                if (!shape.IsVector) throw new OnnxExportException(at($"softmax over {shape} is exported only for vectors"));
                g.Node("Softmax", name, new[] { x }, y, ("axis", -1L));
                break;
        }
    }

    private static float[] Filled(int count, float value)
    {
        var values = new float[count];
        Array.Fill(values, value);
        return values;
    }
}
