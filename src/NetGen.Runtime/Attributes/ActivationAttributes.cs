namespace NetGen;

/// <summary>max(0, x), elementwise.</summary>
public sealed class ReLUAttribute : LayerAttribute
{
}

/// <summary>x for x &gt; 0, else alpha x, elementwise.</summary>
public sealed class LeakyReLUAttribute : LayerAttribute
{
    /// <summary>Negative slope 0.01.</summary>
    public LeakyReLUAttribute() : this(0.01) { }

    /// <summary>Negative slope <paramref name="alpha"/>.</summary>
    /// <param name="alpha">Slope for negative inputs.</param>
    public LeakyReLUAttribute(double alpha) => Alpha = alpha;

    /// <summary>Slope for negative inputs.</summary>
    public double Alpha { get; }
}

/// <summary>x for x &gt; 0, else alpha (exp(x) - 1), elementwise.</summary>
public sealed class ELUAttribute : LayerAttribute
{
    /// <summary>Alpha 1.0.</summary>
    public ELUAttribute() : this(1.0) { }

    /// <summary>Saturation value <paramref name="alpha"/> for negative inputs.</summary>
    /// <param name="alpha">The negative saturation value.</param>
    public ELUAttribute(double alpha) => Alpha = alpha;

    /// <summary>The negative saturation value.</summary>
    public double Alpha { get; }
}

/// <summary>1 / (1 + exp(-x)), elementwise.</summary>
public sealed class SigmoidAttribute : LayerAttribute
{
}

/// <summary>Hyperbolic tangent, elementwise.</summary>
public sealed class TanhAttribute : LayerAttribute
{
}

/// <summary>min(max(x, min), max), elementwise (ONNX Clip, PyTorch hardtanh); ReLU6 is Clip(0, 6).</summary>
public sealed class ClipAttribute : LayerAttribute
{
    /// <summary>Clips to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound, above <paramref name="min"/>.</param>
    public ClipAttribute(double min, double max)
    {
        Min = min;
        Max = max;
    }

    /// <summary>The lower bound.</summary>
    public double Min { get; }

    /// <summary>The upper bound.</summary>
    public double Max { get; }
}

/// <summary>y = x * factor, elementwise: an exporter's Mul by a constant that no neighbour absorbs (divide by b is Scale(1 / b)).</summary>
public sealed class ScaleAttribute : LayerAttribute
{
    /// <summary>Multiplies by <paramref name="factor"/>.</summary>
    /// <param name="factor">The constant factor, finite.</param>
    public ScaleAttribute(double factor) => Factor = factor;

    /// <summary>The constant factor.</summary>
    public double Factor { get; }
}

/// <summary>y = x + offset, elementwise: an exporter's Add of a constant that no neighbour absorbs (subtract b is Shift(-b)).</summary>
public sealed class ShiftAttribute : LayerAttribute
{
    /// <summary>Adds <paramref name="offset"/>.</summary>
    /// <param name="offset">The constant offset, finite.</param>
    public ShiftAttribute(double offset) => Offset = offset;

    /// <summary>The constant offset.</summary>
    public double Offset { get; }
}

/// <summary>min(max(x, 0), 6), elementwise (MobileNetV2).</summary>
public sealed class ReLU6Attribute : LayerAttribute
{
}

/// <summary>relu6(x + 3) / 6, elementwise (PyTorch's hardsigmoid).</summary>
public sealed class HardSigmoidAttribute : LayerAttribute
{
}

/// <summary>x relu6(x + 3) / 6, elementwise (MobileNetV3).</summary>
public sealed class HardSwishAttribute : LayerAttribute
{
}

/// <summary>x sigmoid(x), elementwise (also called swish; EfficientNet).</summary>
public sealed class SiLUAttribute : LayerAttribute
{
}

/// <summary>x Phi(x), Phi the standard normal CDF, elementwise; with <see cref="Tanh"/>, the tanh approximation.</summary>
public sealed class GELUAttribute : LayerAttribute
{
    /// <summary>0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) instead of the exact erf form (PyTorch's approximate='tanh').</summary>
    public bool Tanh { get; set; }
}

/// <summary>x tanh(softplus(x)), elementwise.</summary>
public sealed class MishAttribute : LayerAttribute
{
}

/// <summary>exp(x) / sum exp(x) over the features (or channels) of one sample.</summary>
public sealed class SoftmaxAttribute : LayerAttribute
{
}
