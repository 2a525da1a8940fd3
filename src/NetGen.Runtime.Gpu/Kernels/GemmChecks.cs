using System;

namespace NetGen.Gpu;

/// <summary>Argument checks of the GEMM, dense and convolution kernels: messages name the kernel, the argument and the expected size.</summary>
internal static class GpuCheck
{
    /// <summary>Views the kernels index with int: up to 2^31 - 1 floats each.</summary>
    public const long MaxFloats = int.MaxValue;

    public static void Length(long actual, long expected, string kernel, string name, string formula)
    {
        if (expected > MaxFloats)
            throw new ArgumentException($"{kernel}: {name} would hold {formula} = {expected} floats; the GPU kernels index views with int, so at most {MaxFloats}. Split the batch.", name);
        if (actual != expected)
            throw new ArgumentException($"{kernel}: {name} holds {actual} floats; it must hold {formula} = {expected}.", name);
    }

    /// <summary>An optional view: empty, or exactly <paramref name="expected"/> floats.</summary>
    public static void Optional(long actual, long expected, string kernel, string name, string formula)
    {
        if (actual != 0 && actual != expected)
            throw new ArgumentException($"{kernel}: {name} holds {actual} floats; it must be empty or hold {formula} = {expected}.", name);
    }

    /// <summary>A reduction split count: 0 (auto) or positive.</summary>
    public static void Splits(int splitK, string kernel)
    {
        if (splitK < 0)
            throw new ArgumentOutOfRangeException(nameof(splitK), $"{kernel}: splitK = {splitK}; use 0 (from the shape) or a positive count.");
    }
}
