using ILGPU;
using ILGPU.Runtime;
using Xunit;

namespace NetGen.Gpu.Tests;

public class MemoryTests
{
    [Fact]
    public void ArenaSlicesAreViewsOfOneAllocation()
    {
        using var device = GpuDevice.CpuSimulator();
        using var arena = new DeviceArena(device, 20);
        var first = arena.Slice(0, 8, "first");
        var second = arena.Slice(8, 12, "second");
        first.CopyFromCPU(Enumerable.Range(1, 8).Select(i => (float)i).ToArray());
        second.CopyFromCPU(Enumerable.Range(100, 12).Select(i => (float)i).ToArray());
        arena.Clear(6, 4, "middle");
        device.Synchronize();
        var all = arena.View.AsDense().GetAsArray1D();
        float[] expected = [1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111];
        Assert.Equal(expected, all);
        Assert.Equal(0, arena.Slice(20, 0).Length);
    }

    [Theory]
    [InlineData(15, 6)]
    [InlineData(-1, 2)]
    [InlineData(3, -1)]
    [InlineData(21, 0)]
    public void ASliceOutsideTheArenaIsRefusedWithItsName(long offset, long length)
    {
        using var device = GpuDevice.CpuSimulator();
        using var arena = new DeviceArena(device, 20);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => arena.Slice(offset, length, "conv1.y"));
        Assert.Contains($"conv1.y at offset {offset} with {length} floats does not fit in the arena of 20 floats", e.Message);
    }

    [Fact]
    public void AnEmptyArenaIsRefused()
    {
        using var device = GpuDevice.CpuSimulator();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DeviceArena(device, 0));
        Assert.Contains("asks for 0 floats", e.Message);
    }

    [Fact]
    public void StagingCarriesABatchInAndResultsOut()
    {
        using var device = GpuDevice.CpuSimulator();
        using var arena = new DeviceArena(device, 10);
        using var staging = new HostStaging(device, batchFloats: 6, resultFloats: 2);
        for (int i = 0; i < 6; i++) staging.Batch[i] = i * 0.5f;
        staging.UploadBatch(arena.Slice(0, 6, "batch"));
        arena.Slice(6, 2, "loss").CopyFromCPU(new[] { 3.25f, -1f });
        staging.DownloadResults(arena.Slice(6, 2, "loss"));
        device.Synchronize();
        Assert.Equal(new[] { 0f, 0.5f, 1f, 1.5f, 2f, 2.5f }, arena.Slice(0, 6).AsDense().GetAsArray1D());
        Assert.Equal(new[] { 3.25f, -1f }, staging.Results.ToArray());
        var e = Assert.Throws<ArgumentException>(() => staging.UploadBatch(arena.Slice(0, 5)));
        Assert.Contains("destination holds 5 floats; the staging batch holds 6", e.Message);
    }
}
