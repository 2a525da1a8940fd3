using ILGPU;
using ILGPU.Runtime;
using NetGen.Gpu;
using Xunit;

namespace NetGen.Gpu.Tests;

public class GpuDeviceTests
{
    [Fact]
    public void CpuSimulatorRunsAKernelWithTheGroupItWasGiven()
    {
        using var device = GpuDevice.CpuSimulator(warpSize: 4, warpsPerGroup: 2);
        Assert.Equal(GpuDeviceKind.CpuSimulator, device.Kind);
        Assert.Equal(4, device.WarpSize);
        Assert.Equal(8, device.MaxGroupSize);
        var kernel = device.Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>>((i, v) => v[i] = 3 * i + 1);
        using var buffer = device.Accelerator.Allocate1D<float>(11);
        kernel((int)buffer.Length, buffer.View);
        device.Synchronize();
        var values = buffer.GetAsArray1D();
        for (int i = 0; i < values.Length; i++) Assert.Equal(3 * i + 1, values[i]);
    }

    [Fact]
    public void KernelFamiliesLoadOncePerDevice()
    {
        using var device = GpuDevice.CpuSimulator();
        int loads = 0;
        var first = device.Kernels(d => { loads++; return new object(); });
        var second = device.Kernels(d => { loads++; return new object(); });
        Assert.Same(first, second);
        Assert.Equal(1, loads);
    }

    [Fact]
    public void ASimulatorWithNoThreadsIsRefusedByName()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => GpuDevice.CpuSimulator(warpSize: 0));
        Assert.Contains("at least two threads", e.Message);
    }
}
