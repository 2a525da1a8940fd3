using ILGPU;
using ILGPU.Runtime;
using NetGen.Gpu;
using Xunit;

namespace NetGen.Gpu.Tests;

/// <summary>
/// One CPU-simulator device (warps of 4, groups of 16) shared by the element-wise, reduction and
/// optimizer kernel tests: a kernel family compiles once for them all. The simulator runs one
/// launch at a time, so these tests form one collection and run in sequence.
/// </summary>
public sealed class OpsDevice : IDisposable
{
    public GpuDevice Device { get; } = GpuDevice.CpuSimulator(warpSize: 4, warpsPerGroup: 4);

    public void Dispose() => Device.Dispose();
}

[CollectionDefinition(Name)]
public sealed class OpsCollection : ICollectionFixture<OpsDevice>
{
    public const string Name = "GPU ops on the simulator";
}

/// <summary>Buffers, random data and the comparisons the kernel tests share.</summary>
internal static class Ops
{
    public static MemoryBuffer1D<float, Stride1D.Dense> Upload(GpuDevice device, float[] values)
    {
        var buffer = device.Accelerator.Allocate1D<float>(Math.Max(1, values.Length));
        if (values.Length > 0) buffer.View.SubView(0, values.Length).CopyFromCPU(values);
        return buffer;
    }

    public static MemoryBuffer1D<int, Stride1D.Dense> Upload(GpuDevice device, int[] values)
    {
        var buffer = device.Accelerator.Allocate1D<int>(Math.Max(1, values.Length));
        if (values.Length > 0) buffer.View.SubView(0, values.Length).CopyFromCPU(values);
        return buffer;
    }

    /// <summary>The first <paramref name="length"/> floats of a buffer (it may be longer: an empty tensor still has one).</summary>
    public static ArrayView<float> View(MemoryBuffer1D<float, Stride1D.Dense> buffer, int length) => buffer.View.SubView(0, length);

    public static float[] Download(GpuDevice device, ArrayView<float> view)
    {
        device.Synchronize();
        var values = new float[view.Length];
        if (values.Length > 0) view.CopyToCPU(values);
        return values;
    }

    public static float[] Random(int length, int seed, float scale = 1f, float shift = 0f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale + shift;
        return values;
    }

    /// <summary>|actual - expected| &lt;= atol + rtol |expected| everywhere, or a failure naming the worst element.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what, double rtol = 1e-4, double atol = 1e-6)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}.");
        int worst = -1;
        double worstExcess = 0, maxDiff = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(actual[i] - expected[i]);
            if (!(diff <= atol + rtol * Math.Abs(expected[i])) && (worst < 0 || diff - rtol * Math.Abs(expected[i]) > worstExcess))
            {
                worst = i;
                worstExcess = diff - rtol * Math.Abs(expected[i]);
            }
            if (double.IsNaN(diff)) worst = worst < 0 ? i : worst;
            maxDiff = Math.Max(maxDiff, diff);
        }
        Assert.True(worst < 0, worst < 0 ? "" : $"{what}: element {worst} is {actual[worst]}, expected {expected[worst]} (max |diff| {maxDiff:E2}, rtol {rtol:E0}).");
    }

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double rtol = 1e-4, double atol = 1e-6)
    {
        var e = new double[expected.Length];
        for (int i = 0; i < e.Length; i++) e[i] = expected[i];
        Close(e, actual, what, rtol, atol);
    }
}
