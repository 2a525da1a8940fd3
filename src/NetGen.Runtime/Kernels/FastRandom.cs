using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

/// <summary>
/// xoshiro128** (Blackman and Vigna): a small, fast generator for dropout masks, a struct so
/// it lives in the network's state and costs no allocation. Seeded through SplitMix64 so any
/// seed, zero included, gives a well-mixed state; a (seed, stream) pair gives independent
/// sequences, e.g. one stream per worker or per sample. <see cref="Training.SeededRandom"/>
/// draws its values from this same core.
/// </summary>
public struct FastRandom
{
    private uint s0, s1, s2, s3;

    /// <summary>A generator for <paramref name="seed"/> and <paramref name="stream"/>.</summary>
    public FastRandom(ulong seed, ulong stream = 0)
    {
        ulong z = seed ^ (stream * 0xD1B54A32D192ED03UL);
        ulong a = SplitMix64(ref z), b = SplitMix64(ref z);
        s0 = (uint)a;
        s1 = (uint)(a >> 32);
        s2 = (uint)b;
        s3 = (uint)(b >> 32);
        // The all-zero state is xoshiro's fixed point; splitmix64 never gives two zero outputs
        // in a row, but the invariant should not rest on that.
        if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
    }

    /// <summary>A generator with an explicit xoshiro128** state, which must not be all zero.</summary>
    internal FastRandom(uint s0, uint s1, uint s2, uint s3)
    {
        if ((s0 | s1 | s2 | s3) == 0) throw new System.ArgumentException("The xoshiro128** state must not be all zero.");
        (this.s0, this.s1, this.s2, this.s3) = (s0, s1, s2, s3);
    }

    /// <summary>The next 32 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt()
    {
        uint result = RotateLeft(s1 * 5, 7) * 9;
        uint t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 11);
        return result;
    }

    /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextFloat() => (NextUInt() >> 8) * (1f / (1 << 24));

    private static uint RotateLeft(uint x, int k) => (x << k) | (x >> (32 - k));

    /// <summary>
    /// One step of splitmix64 (Steele, Lea and Flood): advances <paramref name="state"/> and
    /// returns a well-mixed 64-bit value; also used to derive independent seeds.
    /// </summary>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
