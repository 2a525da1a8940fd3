using System;
using System.Linq;
using NetGen.Onnx;

namespace NetGen.Onnx.Import;

/// <summary>Flatten and reshapes to a vector, dense layers (Gemm, MatMul), and the nodes that compute nothing.</summary>
internal sealed partial class OnnxToCnn
{
    /// <summary>Flatten (axis 1): flatten, or nothing for a vector.</summary>
    internal void Flatten(OnnxNode node)
    {
        KnownAttributes(node, "axis");
        long axis = node.GetInt("axis", 1);
        if (axis != 1) throw new NodeError($"axis {axis}: only axis 1 (one vector per sample) is supported", $"Flatten axis {axis}");
        ToVector(node, Layer(node, 0));
    }

    /// <summary>Reshape to (N, F) with F the sample's element count: flatten.</summary>
    internal void Reshape(OnnxNode node)
    {
        KnownAttributes(node, "shape", "allowzero");
        var x = Layer(node, 0);
        long[]? shape = Opset < 5 ? node.GetInts("shape").ToArray() : Constant(node, 1, "shape")?.AsInts();
        if (shape is null) throw new NodeError("the target shape is missing");
        bool toVector = shape.Length == 2 && shape[0] is 0 or 1 or -1 && (shape[1] == -1 || shape[1] == x.Shape.Elements)
            && !(shape[0] == -1 && shape[1] == -1);
        if (!toVector)
            throw new NodeError($"shape [{string.Join(", ", shape)}] of {x.Shape}: the importer reshapes only to a vector per sample ([N, -1] or [N, {x.Shape.Elements}])");
        ToVector(node, x);
    }

    /// <summary>Squeeze of the 1x1 spatial axes of (C, 1, 1) (after a global pooling): flatten.</summary>
    internal void Squeeze(OnnxNode node)
    {
        KnownAttributes(node, "axes");
        var x = Layer(node, 0);
        long[] axes = Opset < 13 ? node.GetInts("axes").ToArray() : Constant(node, 1, "axes")?.AsInts() ?? Array.Empty<long>();
        var spatial = axes.Select(a => a < 0 ? a + 4 : a).Order().ToArray();
        if (x.Shape.IsVector || x.Shape.H != 1 || x.Shape.W != 1 || !spatial.SequenceEqual(new long[] { 2, 3 }))
            throw new NodeError($"axes [{string.Join(", ", axes)}] of {x.Shape}: the importer squeezes only the 1x1 height and width (axes 2, 3)");
        ToVector(node, x);
    }

    /// <summary>
    /// Unsqueeze of a (C) vector to (C, 1, 1) (axes 2, 3) that only Mul nodes read: the vector
    /// itself, which multiply broadcasts over height and width as it does a (C, 1, 1) gate.
    /// </summary>
    internal void Unsqueeze(OnnxNode node)
    {
        KnownAttributes(node, "axes");
        var x = Layer(node, 0);
        long[] axes = Opset < 13 ? node.GetInts("axes").ToArray() : Constant(node, 1, "axes")?.AsInts() ?? Array.Empty<long>();
        var spatial = axes.Select(a => a < 0 ? a + 4 : a).Order().ToArray();
        if (!x.Shape.IsVector || !spatial.SequenceEqual(new long[] { 2, 3 }) || Consumers(node.Outputs[0]).Any(n => n.OpType != "Mul"))
            throw new NodeError($"axes [{string.Join(", ", axes)}] of {x.Shape}: the importer unsqueezes only a vector to (C, 1, 1) for a Mul gate");
        Bind(node, new NodeValue(x));
    }

    private void ToVector(OnnxNode node, CnnNode x)
    {
        if (x.Shape.IsVector) Bind(node, new NodeValue(x));
        else Emit(node, "flatten", Shape.Vector((int)x.Shape.Elements), x);
    }

    /// <summary>Gemm: dense(K) with weight alpha B (transposed to (K, F) when transB is 0) and bias beta C.</summary>
    internal void Gemm(OnnxNode node)
    {
        KnownAttributes(node, "alpha", "beta", "transA", "transB", "broadcast");
        var x = Layer(node, 0);
        if (!x.Shape.IsVector) throw new NodeError($"input {x.Shape} is not a vector; dense needs (N, F) (Flatten first)");
        if (node.GetInt("transA", 0) != 0) throw new NodeError("transA 1 is not supported (the input is (N, F))", "Gemm transA 1");
        var b = Weights(node, 1, "B", 2);
        bool transB = node.GetInt("transB", 0) != 0;
        float alpha = node.GetFloat("alpha", 1), beta = node.GetFloat("beta", 1);
        var weight = DenseWeight(b, transB, x.Shape.C, alpha);
        int k = weight.Length / x.Shape.C;
        var n = Emit(node, "dense", Shape.Vector(k), x);
        n.Positional.Add(Number(k));
        n.Tensors.Add(("weight", new[] { k, x.Shape.C }, weight));
        if (Value(node, 2) is not null)
        {
            var c = Weights(node, 2, "C", -1);
            float[] bias = c.Count == 1 ? Enumerable.Repeat(c.Floats![0], k).ToArray()
                : c.Trimmed().SequenceEqual(new long[] { k }) ? (float[])c.Floats!.Clone()
                : throw new NodeError($"C has shape {c}; expected [{k}] or [1, {k}]");
            for (int i = 0; i < k; i++) bias[i] *= beta;
            n.Tensors.Add(("bias", new[] { k }, bias));
        }
    }

    /// <summary>MatMul by a stored (F, K): dense(K) without bias (an Add of a (K) constant after it folds in as the bias).</summary>
    internal void MatMul(OnnxNode node)
    {
        KnownAttributes(node);
        var x = Layer(node, 0);
        if (!x.Shape.IsVector) throw new NodeError($"input {x.Shape} is not a vector; dense needs (N, F) (Flatten first)");
        var weight = DenseWeight(Weights(node, 1, "B", 2), transposed: false, x.Shape.C, 1);
        int k = weight.Length / x.Shape.C;
        var n = Emit(node, "dense", Shape.Vector(k), x);
        n.Positional.Add(Number(k));
        n.Tensors.Add(("weight", new[] { k, x.Shape.C }, weight));
    }

    /// <summary>The (K, F) weight from B (F, K), or from B (K, F) when <paramref name="transposed"/>, times alpha.</summary>
    private static float[] DenseWeight(ConstantValue b, bool transposed, int features, float alpha)
    {
        long f = transposed ? b.Dims[1] : b.Dims[0], k = transposed ? b.Dims[0] : b.Dims[1];
        if (f != features) throw new NodeError($"B has shape {b} but the input has {features} features");
        var w = new float[k * f];
        var src = b.Floats!;
        for (long o = 0; o < k; o++)
            for (long i = 0; i < f; i++)
                w[o * f + i] = alpha * (transposed ? src[o * f + i] : src[i * k + o]);
        return w;
    }

    /// <summary>Dropout: a dropout layer of its ratio (identity in inference, as ONNX's).</summary>
    internal void Dropout(OnnxNode node)
    {
        KnownAttributes(node, "ratio", "is_test", "seed");
        FirstOutputOnly(node);
        var x = Layer(node, 0);
        float ratio = Opset < 12 ? node.GetFloat("ratio", 0.5f) : Constant(node, 1, "ratio")?.AsFloats() is [var r] ? r : 0.5f;
        if (ratio < 0 || ratio >= 1) throw new NodeError($"ratio {Number(ratio)} is not in [0, 1)", $"Dropout ratio {Number(ratio)}");
        var n = Emit(node, "dropout", x.Shape, x);
        n.Positional.Add(Number(ratio));
    }

    /// <summary>Identity: the same value under another name.</summary>
    internal void Identity(OnnxNode node)
    {
        KnownAttributes(node);
        Bind(node, Value(node, 0)!);
    }

    /// <summary>Constant: its value, for the nodes that read it (shapes, scales, folded arithmetic).</summary>
    internal void ConstantNode(OnnxNode node)
    {
        var a = node.Attributes.Values.SingleOrDefault()
            ?? throw new NodeError($"has {node.Attributes.Count} attributes; expected one value");
        ConstantValue value = a.Name switch
        {
            "value" when a.Tensor is { } t && (t.FloatData is not null || t.Int64Data is not null) => ConstantValue.From(t),
            "value_float" => new ConstantValue(Array.Empty<long>(), new[] { a.Float }, null),
            "value_floats" => new ConstantValue(new long[] { a.Floats.Count }, a.Floats.ToArray(), null),
            "value_int" => new ConstantValue(Array.Empty<long>(), null, new[] { a.Int }),
            "value_ints" => new ConstantValue(new long[] { a.Ints.Count }, null, a.Ints.ToArray()),
            _ => throw new NodeError($"attribute '{a.Name}' is not a FLOAT or integer value the importer reads"),
        };
        Bind(node, value);
    }
}
