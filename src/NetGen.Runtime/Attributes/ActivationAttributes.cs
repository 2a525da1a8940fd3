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

/// <summary>exp(x) / sum exp(x) over the features (or channels) of one sample.</summary>
public sealed class SoftmaxAttribute : LayerAttribute
{
}
