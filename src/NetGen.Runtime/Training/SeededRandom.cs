using System;
using System.Numerics;
using NetGen.Kernels;

namespace NetGen.Training;

/// <summary>
/// A small, fast, deterministic random number generator: xoshiro128** (Blackman and Vigna,
/// 2018) with its 128-bit state filled from the seed by splitmix64. The same seed gives the
/// same sequence on every machine and runtime version, which <see cref="Random"/> does not
/// promise. Every derived value (integers, floats, Gaussians) uses only integer operations and
/// correctly rounded IEEE arithmetic (+, -, *, /, sqrt) so it too is reproducible bit for bit.
/// Not thread-safe; not for cryptography.
/// </summary>
public sealed class SeededRandom
{
    private FastRandom _core;

    /// <summary>Creates a generator whose whole sequence is determined by <paramref name="seed"/>.</summary>
    public SeededRandom(ulong seed) => _core = new FastRandom(seed);

    /// <summary>Creates a generator with an explicit xoshiro128** state (not all zero).</summary>
    internal SeededRandom(uint s0, uint s1, uint s2, uint s3) => _core = new FastRandom(s0, s1, s2, s3);

    /// <summary>
    /// One step of splitmix64 (Steele, Lea and Flood): advances <paramref name="state"/> and
    /// returns a well-mixed 64-bit value. Also used to derive independent seeds (e.g. per epoch).
    /// </summary>
    public static ulong SplitMix64(ref ulong state) => FastRandom.SplitMix64(ref state);

    /// <summary>Next 32 uniformly distributed bits.</summary>
    public uint NextUInt32() => _core.NextUInt();

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias (Lemire's method).</summary>
    public int NextInt32(int maxExclusive)
    {
        if (maxExclusive <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, "The upper bound must be positive.");
        }

        uint bound = (uint)maxExclusive;
        ulong product = (ulong)NextUInt32() * bound;
        uint low = (uint)product;
        if (low < bound)
        {
            // Reject the few low values that would over-represent some results.
            uint threshold = (0u - bound) % bound;
            while (low < threshold)
            {
                product = (ulong)NextUInt32() * bound;
                low = (uint)product;
            }
        }

        return (int)(product >> 32);
    }

    /// <summary>Uniform float in [0, 1) with 24 random bits (every representable multiple of 2^-24).</summary>
    public float NextSingle() => (NextUInt32() >> 8) * (1.0f / (1 << 24));

    /// <summary>Uniform double in [0, 1) with 53 random bits from two draws.</summary>
    public double NextDouble()
    {
        ulong high = NextUInt32() >> 5;  // 27 bits
        ulong low = NextUInt32() >> 6;   // 26 bits
        return ((high << 26) | low) * (1.0 / (1UL << 53));
    }

    /// <summary>
    /// Standard normal sample (mean 0, variance 1) by Marsaglia's polar method. Its logarithm is
    /// computed from IEEE operations only, not by <see cref="Math.Log(double)"/>, whose last bit
    /// may differ between C runtimes.
    /// </summary>
    public double NextGaussian()
    {
        while (true)
        {
            double u = 2.0 * NextDouble() - 1.0;
            double v = 2.0 * NextDouble() - 1.0;
            double s = u * u + v * v;
            if (s > 0.0 && s < 1.0)
            {
                // The polar method yields two samples; using one keeps the generator stateless
                // beyond xoshiro's words, so a sequence depends only on the seed and call count.
                return u * Math.Sqrt(-2.0 * DeterministicMath.Log(s) / s);
            }
        }
    }

    /// <summary>Fisher-Yates shuffle of <paramref name="items"/> in place; allocation-free.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt32(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
