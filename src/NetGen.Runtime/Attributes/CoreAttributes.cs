namespace NetGen;

/// <summary>Fully connected layer: a (F) vector to (units). Needs a vector input (add <see cref="FlattenAttribute"/> first).</summary>
public sealed class DenseAttribute : LayerAttribute
{
    /// <summary>A dense layer of <paramref name="units"/> outputs.</summary>
    /// <param name="units">Output features.</param>
    public DenseAttribute(int units) => Units = units;

    /// <summary>Output features.</summary>
    public int Units { get; }

    /// <summary>Whether the layer adds a learned bias per output. Default true.</summary>
    public bool Bias { get; set; } = true;

    /// <summary>Activation applied to the output. Default <see cref="NetGen.Activation.None"/>.</summary>
    public Activation Activation { get; set; } = Activation.None;
}

/// <summary>Dropout: during training zeroes each value with probability <c>rate</c> and scales the rest by 1 / (1 - rate); identity at inference.</summary>
public sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>Drops values with probability <paramref name="rate"/>.</summary>
    /// <param name="rate">Drop probability, in [0, 1).</param>
    public DropoutAttribute(double rate) => Rate = rate;

    /// <summary>Drop probability, in [0, 1).</summary>
    public double Rate { get; }
}

/// <summary>
/// Batch normalization per channel: a learned scale and shift (trainable) plus running mean
/// and variance (stored, not trained).
/// </summary>
public sealed class BatchNormAttribute : LayerAttribute
{
    /// <summary>Added to the variance before its square root. Default 1e-5.</summary>
    public double Epsilon { get; set; } = 1e-5;

    /// <summary>Running-statistics momentum, PyTorch convention: new = (1 - m) old + m batch. Default 0.1.</summary>
    public double Momentum { get; set; } = 0.1;

    /// <summary>A learned scale gamma (Keras's <c>scale</c>). False: the scale is 1 and the layer has no gamma tensor. Default true.</summary>
    public bool Scale { get; set; } = true;

    /// <summary>A learned shift beta (Keras's <c>center</c>). False: the shift is 0 and the layer has no beta tensor. Default true.</summary>
    public bool Center { get; set; } = true;
}

/// <summary>
/// Local response normalization across channels (AlexNet): b = a / (bias + alpha x sum of a^2
/// over 2 x radius + 1 channels)^beta, TensorFlow's depth_radius convention.
/// </summary>
public sealed class LocalResponseNormAttribute : LayerAttribute
{
    /// <summary>Normalizes over <paramref name="radius"/> channels on each side.</summary>
    /// <param name="radius">Channels summed on each side (AlexNet: 2).</param>
    public LocalResponseNormAttribute(int radius) => Radius = radius;

    /// <summary>Channels summed on each side.</summary>
    public int Radius { get; }

    /// <summary>The constant k added to the sum. Default 1.</summary>
    public double Bias { get; set; } = 1.0;

    /// <summary>Scale of the sum of squares. Default 1e-4.</summary>
    public double Alpha { get; set; } = 1e-4;

    /// <summary>Exponent. Default 0.75.</summary>
    public double Beta { get; set; } = 0.75;
}
