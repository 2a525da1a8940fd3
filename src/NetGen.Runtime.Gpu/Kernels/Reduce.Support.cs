using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// Launch shapes shared by the element-wise, pooling, reduction and optimizer kernels, fixed per
/// device when a kernel family loads: a group of whole warps (at most 256 threads, or the
/// device's limit) and a cap on the groups of a grid-stride launch, so a large tensor is walked
/// by a resident grid instead of one thread per element.
/// </summary>
internal readonly struct LaunchShape
{
    /// <summary>The most warps a group may hold: the reductions keep one shared slot per warp.</summary>
    public const int MaxWarps = 32;

    /// <summary>Threads of the largest group any of these kernels launches (the column sums' shared tiles hold this many floats).</summary>
    public const int MaxGroupThreads = 256;

    public LaunchShape(GpuDevice device)
    {
        WarpSize = device.WarpSize;
        if (WarpSize < 1 || (WarpSize & (WarpSize - 1)) != 0)
            throw new NotSupportedException($"The GPU kernels need a power-of-two warp; {device.Name} reports {WarpSize}.");
        if (WarpSize > MaxGroupThreads)
            throw new NotSupportedException($"The GPU kernels' groups hold at most {MaxGroupThreads} threads; {device.Name} reports a warp of {WarpSize}.");
        Warps = Math.Min(Math.Max(1, Math.Min(device.MaxGroupSize, MaxGroupThreads) / WarpSize), MaxWarps);
        MaxGroups = Math.Max(1, device.Accelerator.NumMultiprocessors * 8);
    }

    /// <summary>Threads per warp.</summary>
    public int WarpSize { get; }

    /// <summary>Warps per group.</summary>
    public int Warps { get; }

    /// <summary>Threads per group.</summary>
    public int Group => Warps * WarpSize;

    /// <summary>The most groups a grid-stride launch uses.</summary>
    public int MaxGroups { get; }

    /// <summary>A grid-stride launch over <paramref name="count"/> items (at least one group, so an empty tensor still launches harmlessly).</summary>
    public KernelConfig GridStride(long count)
    {
        long groups = Math.Clamp((count + Group - 1) / Group, 1, MaxGroups);
        return new KernelConfig((int)groups, Group);
    }

    /// <summary>One warp per row, <see cref="Warps"/> rows per group, grid-stride over the rows beyond.</summary>
    public KernelConfig WarpPerRow(long rows)
    {
        long groups = Math.Clamp((rows + Warps - 1) / Warps, 1, MaxGroups);
        return new KernelConfig((int)groups, Group);
    }

    /// <summary>A single group (the final sums of a reduction).</summary>
    public KernelConfig OneGroup => new KernelConfig(1, Group);
}

/// <summary>The host-side checks every entry point makes before it launches: lengths of the views against the dims.</summary>
internal static class OpsCheck
{
    public static void Length(long actual, long expected, string kernel, string name, string what)
    {
        if (actual != expected)
            throw new ArgumentException($"{kernel}: {name} has {actual} elements, but {what} = {expected}.", name);
    }

    public static void AtLeast(long actual, long expected, string kernel, string name, string what)
    {
        if (actual < expected)
            throw new ArgumentException($"{kernel}: {name} has {actual} elements, fewer than {what} = {expected}.", name);
    }

    public static void Positive(long value, string kernel, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, $"{kernel}: {name} must be positive, got {value}.");
    }

    public static void NonNegative(long value, string kernel, string name)
    {
        if (value < 0)
            throw new ArgumentOutOfRangeException(name, $"{kernel}: {name} must not be negative, got {value}.");
    }

    /// <summary>Indices in the kernels are 32-bit: a tensor must have fewer than 2^31 elements.</summary>
    public static int Elements(long length, string kernel, string name)
    {
        if (length > int.MaxValue)
            throw new ArgumentException($"{kernel}: {name} has {length} elements; the GPU kernels index with 32 bits (at most {int.MaxValue}).", name);
        return (int)length;
    }
}
