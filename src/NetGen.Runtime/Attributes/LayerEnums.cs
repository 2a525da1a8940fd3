namespace NetGen;

/// <summary>How a convolution or pooling window is padded (see docs/cnn-language.md).</summary>
public enum Padding
{
    /// <summary>No padding: output = floor((input - effective kernel) / stride) + 1.</summary>
    Valid,
    /// <summary>Keras/TensorFlow 'same': output = ceil(input / stride), the odd pixel of padding at the bottom and right.</summary>
    Same,
}

/// <summary>An activation applied by a layer to its output.</summary>
public enum Activation
{
    /// <summary>No activation (identity).</summary>
    None,
    /// <summary>max(0, x).</summary>
    ReLU,
    /// <summary>x for x &gt; 0, else 0.01 x.</summary>
    LeakyReLU,
    /// <summary>x for x &gt; 0, else exp(x) - 1.</summary>
    ELU,
    /// <summary>1 / (1 + exp(-x)).</summary>
    Sigmoid,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>exp(x) / sum exp(x) over the features of one sample.</summary>
    Softmax,
    /// <summary>min(max(x, 0), 6).</summary>
    ReLU6,
    /// <summary>relu6(x + 3) / 6 (PyTorch's hardsigmoid).</summary>
    HardSigmoid,
    /// <summary>x relu6(x + 3) / 6.</summary>
    HardSwish,
    /// <summary>x sigmoid(x) (also called swish).</summary>
    SiLU,
    /// <summary>x Phi(x), Phi the standard normal CDF (exact, erf-based GELU).</summary>
    GELU,
    /// <summary>0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (GELU's tanh approximation).</summary>
    GELUTanh,
    /// <summary>x tanh(softplus(x)).</summary>
    Mish,
}

/// <summary>
/// How <see cref="UpsampleAttribute"/> fills new pixels. (Not "UpsampleMode": the generator's
/// model has that name, and code in NetGen.* namespaces sees both.)
/// </summary>
public enum Interpolation
{
    /// <summary>Each new pixel copies its nearest source pixel.</summary>
    Nearest,
    /// <summary>Bilinear interpolation between the four nearest source pixels.</summary>
    Bilinear,
}
