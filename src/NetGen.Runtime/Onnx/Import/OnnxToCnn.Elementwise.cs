using System;
using System.Linq;
using NetGen.Onnx;

namespace NetGen.Onnx.Import;

/// <summary>Batch norm, activations, arithmetic (layers, or constants folded into the layer before), concat.</summary>
internal sealed partial class OnnxToCnn
{
    /// <summary>BatchNormalization (inference form): a batchnorm layer with ONNX's scale, bias, mean and variance.</summary>
    internal void BatchNorm(OnnxNode node)
    {
        KnownAttributes(node, "epsilon", "momentum", "spatial", "is_test", "consumed_inputs", "training_mode");
        if (node.GetInt("spatial", 1) != 1) throw new NodeError("spatial 0 (statistics per element) is not supported; batchnorm keeps one per channel", "BatchNormalization spatial 0");
        if (node.GetInt("training_mode", 0) != 0) throw new NodeError("training_mode 1 is not supported; the importer reads inference graphs", "BatchNormalization training_mode 1");
        FirstOutputOnly(node);
        var x = Layer(node, 0);
        int c = x.Shape.C;
        var n = Emit(node, "batchnorm", x.Shape, x);
        string[] names = { "weight", "bias", "running_mean", "running_var" };
        string[] onnx = { "scale", "B", "mean", "var" };
        for (int i = 0; i < 4; i++)
            n.Tensors.Add((names[i], new[] { c }, CheckLength(Weights(node, i + 1, onnx[i], -1), c, onnx[i])));
        float epsilon = node.GetFloat("epsilon", 1e-5f);
        if (epsilon <= 0) throw new NodeError($"epsilon {Number(epsilon)} is not positive");
        if (epsilon != 1e-5f) n.Named.Add(("epsilon", Number(epsilon)));
        // ONNX's momentum (0.9: new = m old + (1 - m) batch) is not imported: only training uses it,
        // and fine-tuning keeps the .cnn default.
    }

    /// <summary>LRN (PyTorch's and ONNX's alpha / size over an odd window): lrn((size - 1) / 2, alpha: alpha / size).</summary>
    internal void Lrn(OnnxNode node)
    {
        KnownAttributes(node, "size", "alpha", "beta", "bias");
        var x = Layer(node, 0);
        long size = node.GetInt("size", 0);
        if (size < 1 || size % 2 == 0) throw new NodeError($"size {size}: lrn's window is odd (2 radius + 1)", $"LRN size {size}");
        float alpha = node.GetFloat("alpha", 1e-4f), beta = node.GetFloat("beta", 0.75f), bias = node.GetFloat("bias", 1f);
        if (alpha < 0 || beta <= 0 || bias <= 0) throw new NodeError($"alpha {Number(alpha)}, beta {Number(beta)}, bias {Number(bias)}: lrn needs alpha >= 0, beta and bias > 0");
        var n = Emit(node, "lrn", x.Shape, x);
        n.Positional.Add(Number((size - 1) / 2));
        n.Named.Add(("bias", Number(bias)));
        n.Named.Add(("alpha", Number(alpha / size)));
        n.Named.Add(("beta", Number(beta)));
    }

    /// <summary>Relu, Sigmoid, Tanh, LeakyRelu, Elu, HardSwish, Mish: the activation layer of the same name (alpha when not the default).</summary>
    internal void Activation(OnnxNode node, string layer, float? alpha = null)
    {
        if (alpha is null) KnownAttributes(node);
        else KnownAttributes(node, "alpha");
        var x = Layer(node, 0);
        var n = Emit(node, layer, x.Shape, x);
        if (alpha is { } fallback)
        {
            float a = node.GetFloat("alpha", fallback);
            if (layer == "leaky_relu" ? a < 0 : a <= 0) throw new NodeError($"alpha {Number(a)} is out of range", $"{node.OpType} alpha {Number(a)}");
            if (a != fallback) n.Named.Add(("alpha", Number(a)));
        }
    }

    /// <summary>HardSigmoid max(0, min(1, alpha x + beta)): hardsigmoid when it is PyTorch's relu6(x + 3) / 6 (alpha 1/6, beta 1/2).</summary>
    internal void HardSigmoid(OnnxNode node)
    {
        KnownAttributes(node, "alpha", "beta");
        float alpha = node.GetFloat("alpha", 0.2f), beta = node.GetFloat("beta", 0.5f);
        if (Math.Abs(alpha - 1f / 6f) > 1e-7f || beta != 0.5f)
            throw new NodeError($"alpha {Number(alpha)}, beta {Number(beta)}: hardsigmoid is relu6(x + 3) / 6, alpha 1/6 and beta 0.5 (PyTorch's); other slopes are not a NetGen layer",
                $"HardSigmoid alpha {Number(alpha)} beta {Number(beta)}");
        var x = Layer(node, 0);
        Emit(node, "hardsigmoid", x.Shape, x);
    }

    /// <summary>Gelu (opset 20): gelu, or gelu(approximate: tanh).</summary>
    internal void Gelu(OnnxNode node)
    {
        KnownAttributes(node, "approximate");
        string approximate = node.GetString("approximate", "none");
        if (approximate is not ("none" or "tanh")) throw new NodeError($"approximate '{approximate}' is not 'none' or 'tanh'", $"Gelu approximate {approximate}");
        var x = Layer(node, 0);
        var n = Emit(node, "gelu", x.Shape, x);
        if (approximate == "tanh") n.Named.Add(("approximate", "tanh"));
    }

    /// <summary>Softmax over a vector's features.</summary>
    internal void Softmax(OnnxNode node)
    {
        KnownAttributes(node, "axis");
        var x = Layer(node, 0);
        long axis = node.GetInt("axis", Opset >= 13 ? -1 : 1);
        if (!x.Shape.IsVector || axis is not (1 or -1))
            throw new NodeError($"axis {axis} of {x.Shape}: softmax is imported over the features of a vector (N, F)", $"Softmax axis {axis}");
        Emit(node, "softmax", x.Shape, x);
    }

    /// <summary>
    /// Clip: relu6 for (0, 6), relu for a min of 0 alone, else clip(min, max). The bounds are
    /// attributes before opset 11, scalar constant inputs after; a computed bound is refused.
    /// </summary>
    internal void Clip(OnnxNode node)
    {
        KnownAttributes(node, "min", "max");
        float? min, max;
        if (Opset < 11)
        {
            min = node.Attributes.ContainsKey("min") ? node.GetFloat("min", 0) : null;
            max = node.Attributes.ContainsKey("max") ? node.GetFloat("max", 0) : null;
        }
        else
        {
            min = ClipBound(node, 1, "min");
            max = ClipBound(node, 2, "max");
        }
        string text = $"Clip{(min is { } lo ? " min " + Number(lo) : "")}{(max is { } hi ? " max " + Number(hi) : "")}";
        var x = Layer(node, 0);
        if (min == 0 && max == 6)
        {
            Emit(node, "relu6", x.Shape, x);
            return;
        }
        if (min == 0 && max is null)
        {
            Emit(node, "relu", x.Shape, x);
            return;
        }
        if (min is not { } a || max is not { } b)
            throw new NodeError($"a Clip with only a {(min is null ? "max" : "min")} has no NetGen layer; clip takes both bounds (and a min of 0 alone is relu)", text);
        if (!float.IsFinite(a) || !float.IsFinite(b) || b <= a)
            throw new NodeError($"clip needs finite bounds with max above min", text);
        var n = Emit(node, "clip", x.Shape, x);
        n.Positional.Add(Number(a));
        n.Positional.Add(Number(b));
    }

    /// <summary>A Clip bound given as input <paramref name="index"/>: null when omitted, its value when a one-element constant.</summary>
    private float? ClipBound(OnnxNode node, int index, string what)
    {
        var c = Constant(node, index, what);
        if (c is null) return null;
        if (c.Count != 1 || c.Floats is null) throw new NodeError($"{what} '{node.Inputs[index]}' has shape {c}; expected one FLOAT", "Clip");
        return c.Floats[0];
    }

    /// <summary>
    /// Add, Sub, Mul, Div. Two layer outputs: add, or multiply (same shape, or a (C, 1, 1) gate: the
    /// squeeze-and-excitation form). A layer output and a constant: see <see cref="ByConstant"/>.
    /// </summary>
    internal void Arithmetic(OnnxNode node)
    {
        KnownAttributes(node, "broadcast", "axis", "consumed_inputs");
        var a = Value(node, 0);
        var b = Value(node, 1);
        if (a is PaddedValue || b is PaddedValue) Layer(node, a is PaddedValue ? 0 : 1);
        string op = node.OpType;
        if (a is NodeValue x && b is NodeValue y)
        {
            if (op is "Sub" or "Div")
                throw new NodeError($"{op} of two layer outputs ({x.Node.Shape}, {y.Node.Shape}): the .cnn has no {(op == "Sub" ? "subtract" : "divide")} layer");
            if (x.Node.Shape == y.Node.Shape)
            {
                Emit(node, op == "Add" ? "add" : "multiply", x.Node.Shape, x.Node, y.Node);
                return;
            }
            if (op == "Mul" && Gate(x.Node, y.Node) is var (big, gate)
                && (!gate.Shape.IsVector || Producer(node.Inputs[gate == x.Node ? 0 : 1])?.OpType == "Unsqueeze"))
            {
                Emit(node, "multiply", big.Shape, big, gate);
                return;
            }
            throw new NodeError($"the inputs have the shapes {x.Node.Shape} and {y.Node.Shape}; {(op == "Add" ? "add" : "multiply")} needs the same shape{(op == "Mul" ? ", or a (C, 1, 1) gate" : "")}");
        }
        if (a is NodeValue xv && b is ConstantValue cb) ByConstant(node, xv.Node, 0, cb, constantFirst: false);
        else if (a is ConstantValue ca && b is NodeValue yv) ByConstant(node, yv.Node, 1, ca, constantFirst: true);
        else throw new NodeError($"{op} of two constants: constant folding in the graph is not supported");
    }

    /// <summary>(the (C, H, W) input, the gate) when one gates the other's channels: (C, 1, 1), or (C) unsqueezed to it.</summary>
    private static (CnnNode Big, CnnNode Gate)? Gate(CnnNode x, CnnNode y)
    {
        static bool IsGate(CnnNode g, CnnNode of) => !of.Shape.IsVector && (g.Shape == Shape.Chw(of.Shape.C, 1, 1) || g.Shape == Shape.Vector(of.Shape.C));
        if (IsGate(y, x)) return (x, y);
        if (IsGate(x, y)) return (y, x);
        return null;
    }

    /// <summary>
    /// y = x op c (or c op x when <paramref name="constantFirst"/>) with x input <paramref name="xIndex"/>, as
    /// y = scale x + shift per channel: Mul (v, 0), Div (1 / v, 0), Add (1, v), Sub (1, -v), c - x (-1, v);
    /// c / x is no such product. Folded into the conv, dense or batchnorm computing x when nothing else reads
    /// it (per-channel constants too); otherwise a scalar becomes scale and shift layers.
    /// </summary>
    private void ByConstant(OnnxNode node, CnnNode x, int xIndex, ConstantValue c, bool constantFirst)
    {
        string op = node.OpType, constantName = node.Inputs[1 - xIndex], xName = node.Inputs[xIndex];
        if (constantFirst && op == "Div")
            throw new NodeError($"Div of the constant '{constantName}' by a layer output (constant / x) is not scalar arithmetic: NetGen has no reciprocal layer");
        if (c.Floats is null) throw new NodeError($"the constant '{constantName}' is an integer tensor; expected FLOAT");
        int rank = x.Shape.IsVector ? 2 : 4;
        if (c.Dims.Length > rank)
            throw new NodeError($"the constant '{constantName}' {c} has more dimensions than the {(rank == 2 ? "(N, F)" : "(N, C, H, W)")} it is applied to; broadcasting would change the output's rank");
        (float Scale, float Shift) Affine(float v) => op switch
        {
            "Mul" => (v, 0f),
            "Div" => (1f / v, 0f),
            "Add" => (1f, v),
            _ => constantFirst ? (-1f, v) : (1f, -v),
        };
        foreach (float v in c.Floats)
            if (!float.IsFinite(v) || op == "Div" && v == 0)
                throw new NodeError($"the constant '{constantName}' holds {Number(v)}: {(v == 0 ? "a division by zero" : "the result would not be finite")}");
        var perChannel = PerChannel(c, x.Shape);
        string[] foldable = { "conv2d", "depthwise_conv2d", "conv2d_transpose", "dense", "batchnorm" };
        if (perChannel is not null && Array.IndexOf(foldable, x.Layer) >= 0 && Uses(xName) == 1)
        {
            var affine = perChannel.Select(Affine).ToArray();
            ScaleAndShift(x, affine.Select(t => t.Scale).ToArray(), affine.Select(t => t.Shift).ToArray());
            x.Comment += $", {op} '{Label(node)}' folded in";
            Bind(node, new NodeValue(x));
            return;
        }
        if (c.Count != 1)
        {
            if (perChannel is null) throw new NodeError($"the constant {c} does not broadcast one value per channel of {x.Shape}, so it cannot fold into a layer");
            throw new NodeError($"{op} by the per-channel constant {c} folds only into a conv, dense or batchnorm whose output nothing else reads; '{xName}' comes from {(x.IsInput ? "the input" : x.Layer)}{(Uses(xName) != 1 ? $" and has {Uses(xName)} readers" : "")}, and scale and shift take one number");
        }
        var (scale, shift) = Affine(c.Floats[0]);
        bool scales = op is "Mul" or "Div" || constantFirst && op == "Sub", shifts = op is "Add" or "Sub";
        var y = x;
        if (scales)
        {
            // c - x is two layers: scale(-1), named after the node with "_negate", then shift(c) named after it.
            y = shifts ? EmitPart(node, "negate", "scale", x) : Emit(node, "scale", x.Shape, x);
            y.Positional.Add(Number(scale));
        }
        if (shifts) Emit(node, "shift", x.Shape, y).Positional.Add(Number(shift));
    }

    /// <summary>The constant as one value per channel of <paramref name="shape"/>: a scalar, (C, 1, 1) for images, (C) for vectors.</summary>
    private static float[]? PerChannel(ConstantValue c, Shape shape)
    {
        var trimmed = c.Trimmed();
        if (c.Count == 1) return Enumerable.Repeat(c.Floats![0], shape.C).ToArray();
        bool fits = shape.IsVector ? trimmed.SequenceEqual(new long[] { shape.C }) : trimmed.SequenceEqual(new long[] { shape.C, 1, 1 });
        return fits ? c.Floats : null;
    }

    /// <summary>y = scale[k] x[k] + shift[k] per output channel k, in the layer's weights and bias.</summary>
    private static void ScaleAndShift(CnnNode x, float[] scale, float[] shift)
    {
        int channels = scale.Length;
        if (x.Layer == "batchnorm")
        {
            var gamma = x.Tensor("weight")!;
            var beta = x.Tensor("bias")!;
            for (int k = 0; k < channels; k++)
            {
                gamma[k] *= scale[k];
                beta[k] = beta[k] * scale[k] + shift[k];
            }
            return;
        }
        var (suffix, shape, w) = x.Tensors.First(t => t.Suffix == "weight");
        // Output channel k is dimension 0 of (K, C/G, R, S) and (K, F), dimension 1 of a transposed conv's (C, K, R, S).
        int outer = x.Layer == "conv2d_transpose" ? shape[0] : 1;
        int inner = w.Length / outer / channels;
        for (int o = 0; o < outer; o++)
            for (int k = 0; k < channels; k++)
                for (int i = 0; i < inner; i++) w[(o * channels + k) * inner + i] *= scale[k];
        var bias = x.Tensor("bias");
        if (bias is null)
        {
            bias = new float[channels];
            x.Tensors.Add(("bias", new[] { channels }, bias));
        }
        for (int k = 0; k < channels; k++) bias[k] = bias[k] * scale[k] + shift[k];
    }

    /// <summary>Concat of layer outputs along the channels (or a vector's features).</summary>
    internal void Concat(OnnxNode node)
    {
        KnownAttributes(node, "axis");
        var inputs = Enumerable.Range(0, node.Inputs.Count).Select(i => Layer(node, i)).ToArray();
        var first = inputs[0].Shape;
        long axis = node.GetInt("axis", 1);
        bool channels = first.IsVector ? axis is 1 or -1 : axis is 1 or -3;
        if (!channels) throw new NodeError($"axis {axis}: concat joins channels (axis 1)", $"Concat axis {axis}");
        if (inputs.Length < 2) throw new NodeError("concat needs at least two inputs");
        foreach (var i in inputs)
            if (i.Shape.IsVector != first.IsVector || i.Shape.H != first.H || i.Shape.W != first.W)
                throw new NodeError($"inputs {first} and {i.Shape} differ in more than the channels");
        int c = inputs.Sum(i => i.Shape.C);
        Emit(node, "concat", first.IsVector ? Shape.Vector(c) : Shape.Chw(c, first.H, first.W), inputs);
    }
}
