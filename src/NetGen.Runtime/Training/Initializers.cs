using System;

namespace NetGen.Training;

/// <summary>
/// Weight initialisers with PyTorch's definitions (<c>torch.nn.init</c>), drawn from a
/// <see cref="SeededRandom"/> so the same seed gives the same weights on every machine.
/// Fans follow PyTorch: for a weight of shape (K, C, R, S) (or (out, in) for a dense layer)
/// fan_in = C x R x S and fan_out = K x R x S; see <see cref="Fans"/>.
/// </summary>
public static class Initializers
{
    /// <summary>sqrt(2), PyTorch's gain for ReLU (<c>calculate_gain("relu")</c>).</summary>
    public const double ReluGain = 1.4142135623730951;

    /// <summary>
    /// He / Kaiming normal (<c>kaiming_normal_</c>, mode fan_in): N(0, std^2) with
    /// std = gain / sqrt(fan_in), so for ReLU the variance is 2 / fan_in.
    /// </summary>
    public static void KaimingNormal(Span<float> weights, int fanIn, SeededRandom rng, double gain = ReluGain)
    {
        CheckFan(fanIn, nameof(fanIn));
        Normal(weights, gain / Math.Sqrt(fanIn), rng);
    }

    /// <summary>
    /// He / Kaiming uniform (<c>kaiming_uniform_</c>, mode fan_in): U(-b, b) with
    /// b = gain * sqrt(3 / fan_in), the same variance as <see cref="KaimingNormal"/>.
    /// </summary>
    public static void KaimingUniform(Span<float> weights, int fanIn, SeededRandom rng, double gain = ReluGain)
    {
        CheckFan(fanIn, nameof(fanIn));
        Uniform(weights, gain * Math.Sqrt(3.0 / fanIn), rng);
    }

    /// <summary>
    /// Glorot / Xavier uniform (<c>xavier_uniform_</c>): U(-b, b) with
    /// b = gain * sqrt(6 / (fan_in + fan_out)), variance 2 gain^2 / (fan_in + fan_out).
    /// </summary>
    public static void XavierUniform(Span<float> weights, int fanIn, int fanOut, SeededRandom rng, double gain = 1.0)
    {
        CheckFan(fanIn, nameof(fanIn));
        CheckFan(fanOut, nameof(fanOut));
        Uniform(weights, gain * Math.Sqrt(6.0 / ((double)fanIn + fanOut)), rng);
    }

    /// <summary>
    /// Glorot / Xavier normal (<c>xavier_normal_</c>): N(0, std^2) with
    /// std = gain * sqrt(2 / (fan_in + fan_out)).
    /// </summary>
    public static void XavierNormal(Span<float> weights, int fanIn, int fanOut, SeededRandom rng, double gain = 1.0)
    {
        CheckFan(fanIn, nameof(fanIn));
        CheckFan(fanOut, nameof(fanOut));
        Normal(weights, gain * Math.Sqrt(2.0 / ((double)fanIn + fanOut)), rng);
    }

    /// <summary>
    /// PyTorch's fans of a weight shaped (out, in, *kernel): fan_in = in x prod(kernel),
    /// fan_out = out x prod(kernel). Needs at least two dimensions.
    /// </summary>
    public static (int FanIn, int FanOut) Fans(ReadOnlySpan<int> shape)
    {
        if (shape.Length < 2)
        {
            throw new ArgumentException($"Fans need a weight of at least 2 dimensions (out, in, ...); got {shape.Length}.", nameof(shape));
        }

        long receptive = 1;
        for (int i = 2; i < shape.Length; i++)
        {
            receptive *= shape[i];
        }

        return (checked((int)(shape[1] * receptive)), checked((int)(shape[0] * receptive)));
    }

    private static void Normal(Span<float> weights, double std, SeededRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(std * rng.NextGaussian());
        }
    }

    /// <summary>U(-bound, bound) from <paramref name="rng"/>; the initialisers above and generated networks share it.</summary>
    internal static void Uniform(Span<float> weights, double bound, SeededRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (float)(bound * (2.0 * rng.NextDouble() - 1.0));
        }
    }

    private static void CheckFan(int fan, string name) => ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fan, name);
}
