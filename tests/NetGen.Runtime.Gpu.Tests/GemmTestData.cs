using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace NetGen.Gpu.Tests;

/// <summary>Random data, device round trips and the relative-error check of the GEMM, dense and convolution tests.</summary>
internal static class GemmTestData
{
    public static float[] Random(int length, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
        return values;
    }

    public static MemoryBuffer1D<float, Stride1D.Dense> Upload(GpuDevice device, float[] values)
    {
        var buffer = device.Accelerator.Allocate1D<float>(Math.Max(values.Length, 1));
        if (values.Length > 0) buffer.View.SubView(0, values.Length).CopyFromCPU(values);
        return buffer;
    }

    public static ArrayView<float> View(MemoryBuffer1D<float, Stride1D.Dense> buffer, int length) => buffer.View.SubView(0, length);

    public static float[] Download(GpuDevice device, MemoryBuffer1D<float, Stride1D.Dense> buffer, int length)
    {
        device.Synchronize();
        var values = new float[length];
        buffer.View.SubView(0, length).CopyToCPU(values);
        return values;
    }

    /// <summary>max |actual - expected| / max(|expected|_inf, 1e-3) below tolerance, printing where the worst is.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string what, double tolerance = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 1e-3;
        foreach (double e in expected) scale = Math.Max(scale, Math.Abs(e));
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(actual[i])) d = double.PositiveInfinity;
            if (d > worst) { worst = d; at = i; }
        }
        Assert.True(worst / scale < tolerance,
            $"{what}: relative error {worst / scale:E2} at {at} (expected {(at >= 0 ? expected[at] : 0):G6}, got {(at >= 0 ? actual[at] : 0):G6}, scale {scale:G4}).");
    }

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double tolerance = 1e-4)
    {
        var e = new double[expected.Length];
        for (int i = 0; i < e.Length; i++) e[i] = expected[i];
        Close(e, actual, what, tolerance);
    }
}
