using ILGPU;
using NetGen.Gpu;
using NetGen.Kernels;
using Xunit;

namespace NetGen.Gpu.Tests;

[Collection(OpsCollection.Name)]
public class PoolKernelTests(OpsDevice fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    /// <summary>Overlapping, padded, ceil-mode, tiling and asymmetric windows on ragged inputs.</summary>
    public static TheoryData<string> Pools() => new() { "3x3/2 pad 1", "3x3/2 ceil", "2x2/2", "3x2/1 pad 1,0", "2x3/3 ceil pad 1" };

    private static PoolDims Dims(string name) => name switch
    {
        "3x3/2 pad 1" => PoolDims.Create(2, 7, 6, 5, 3, 3, 2, 2, 1, 1, 1, 1),
        "3x3/2 ceil" => PoolDims.Create(2, 8, 7, 3, 3, 3, 2, 2, ceilMode: true),
        "2x2/2" => PoolDims.Create(3, 6, 4, 6, 2, 2, 2, 2),
        "3x2/1 pad 1,0" => PoolDims.Create(1, 5, 5, 7, 3, 2, 1, 1, 1, 1, 0, 0),
        _ => PoolDims.Create(2, 7, 8, 3, 2, 3, 3, 3, 1, 1, 1, 1, ceilMode: true),
    };

    [Theory]
    [MemberData(nameof(Pools))]
    public void MaxPoolMatchesTheCpuForwardAndBackward(string name)
    {
        var d = Dims(name);
        var pool = GpuPool.On(_device);
        int inputs = d.N * d.H * d.W * d.C, outputs = d.N * d.P * d.Q * d.C;
        var x = Ops.Random(inputs, 41);
        // Ties inside windows: the first maximum takes the gradient on both.
        for (int i = 0; i < inputs; i += 5) x[i] = 0.5f;
        var dY = Ops.Random(outputs, 42);
        var dX0 = Ops.Random(inputs, 43);
        using var bx = Ops.Upload(_device, x);
        using var by = Ops.Upload(_device, new float[outputs]);
        using var bdY = Ops.Upload(_device, dY);
        using var bdX = Ops.Upload(_device, dX0);
        pool.MaxForward(by.View, bx.View, d);
        pool.MaxBackward(bdX.View, bdY.View, bx.View, d);
        var y = new float[outputs];
        MaxPool2D.Forward(y, x, d);
        var dX = (float[])dX0.Clone();
        MaxPool2D.Backward(dX, dY, x, d);
        Ops.Close(y, Ops.Download(_device, by.View), $"{name} max forward", rtol: 0, atol: 0);
        Ops.Close(dX, Ops.Download(_device, bdX.View), $"{name} max backward");
    }

    [Theory]
    [MemberData(nameof(Pools))]
    public void AvgPoolMatchesTheCpuAndFloat64BothDivisors(string name)
    {
        var d = Dims(name);
        var pool = GpuPool.On(_device);
        int inputs = d.N * d.H * d.W * d.C, outputs = d.N * d.P * d.Q * d.C;
        var x = Ops.Random(inputs, 44);
        var dY = Ops.Random(outputs, 45);
        foreach (bool countPadding in new[] { false, true })
        {
            var dX0 = Ops.Random(inputs, 46);
            using var bx = Ops.Upload(_device, x);
            using var by = Ops.Upload(_device, new float[outputs]);
            using var bdY = Ops.Upload(_device, dY);
            using var bdX = Ops.Upload(_device, dX0);
            pool.AvgForward(by.View, bx.View, d, countPadding);
            pool.AvgBackward(bdX.View, bdY.View, d, countPadding);
            var y = new float[outputs];
            AvgPool2D.Forward(y, x, d, countPadding);
            var dX = (float[])dX0.Clone();
            AvgPool2D.Backward(dX, dY, d, countPadding);
            Ops.Close(y, Ops.Download(_device, by.View), $"{name} avg forward (count padding {countPadding})");
            Ops.Close(dX, Ops.Download(_device, bdX.View), $"{name} avg backward (count padding {countPadding})");
            // float64 backward as the transpose of forward: sum over outputs of dY * dy/dx, by the chain rule on the reference forward.
            var reference = dX0.Select(v => (double)v).ToArray();
            var unit = new float[inputs];
            var probe = new float[outputs];
            for (int i = 0; i < inputs; i++)
            {
                unit[i] = 1f;
                AvgPool2D.Forward(probe, unit, d, countPadding);
                for (int o = 0; o < outputs; o++) reference[i] += (double)dY[o] * probe[o];
                unit[i] = 0f;
            }
            Ops.Close(reference, Ops.Download(_device, bdX.View), $"{name} avg backward against float64 (count padding {countPadding})");
        }
    }

    [Fact]
    public void GlobalAveragePoolMatchesTheCpu()
    {
        var pool = GpuPool.On(_device);
        const int n = 3, pixels = 10, c = 5;
        var x = Ops.Random(n * pixels * c, 47);
        var dY = Ops.Random(n * c, 48);
        var dX0 = Ops.Random(x.Length, 49);
        using var bx = Ops.Upload(_device, x);
        using var by = Ops.Upload(_device, new float[n * c]);
        using var bdY = Ops.Upload(_device, dY);
        using var bdX = Ops.Upload(_device, dX0);
        pool.GlobalAvgForward(by.View, bx.View, n, pixels, c);
        pool.GlobalAvgBackward(bdX.View, bdY.View, n, pixels, c);
        var y = new float[n * c];
        GlobalAvgPool.Forward(y, x, n, pixels, c);
        var dX = (float[])dX0.Clone();
        GlobalAvgPool.Backward(dX, dY, n, pixels, c);
        Ops.Close(y, Ops.Download(_device, by.View), "global average");
        Ops.Close(dX, Ops.Download(_device, bdX.View), "global average backward");
    }

    [Theory]
    [InlineData(false, 2, 2)]
    [InlineData(true, 2, 3)]
    [InlineData(true, 3, 1)]
    public void UpsampleMatchesTheCpu(bool bilinear, int scaleH, int scaleW)
    {
        var pool = GpuPool.On(_device);
        var d = new UpsampleDims(2, 3, 4, 5, scaleH, scaleW);
        ForwardAndBackwardMatchTheCpu("upsample", d.N * d.H * d.W * d.C, d.N * d.P * d.Q * d.C, 50,
            (y, x, dX, dY) =>
            {
                pool.UpsampleForward(y, x, d, bilinear);
                pool.UpsampleBackward(dX, dY, d, bilinear);
            },
            (y, x, dX, dY) =>
            {
                Upsample.Forward(y, x, d, bilinear);
                Upsample.Backward(dX, dY, d, bilinear);
            });
    }

    [Theory]
    [InlineData(2, 1, 4, 3)]
    [InlineData(0, 0, 7, 6)]
    [InlineData(6, 5, 1, 1)]
    public void CropMatchesTheCpuForwardAndBackward(int top, int left, int p, int q)
    {
        var pool = GpuPool.On(_device);
        var d = new CropDims(2, 7, 6, 5, top, left, p, q);
        // A copy and one addition per element: the same bits, and dX outside the window as it was.
        ForwardAndBackwardMatchTheCpu("crop", d.N * d.H * d.W * d.C, d.N * d.P * d.Q * d.C, 53,
            (y, x, dX, dY) =>
            {
                pool.CropForward(y, x, d);
                pool.CropBackward(dX, dY, d);
            },
            (y, x, dX, dY) =>
            {
                Crop.Forward(y, x, d);
                Crop.Backward(dX, dY, d);
            },
            rtol: 0, atol: 0);
    }

    /// <summary>
    /// A resampling kernel's forward and backward (y, x, dX, dY; dX accumulating onto random values) on the device
    /// against the CPU kernel's, from the same random x, dY and dX.
    /// </summary>
    private void ForwardAndBackwardMatchTheCpu(string what, int inputs, int outputs, int seed,
        Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> gpu, Action<float[], float[], float[], float[]> cpu,
        double rtol = 1e-4, double atol = 1e-6)
    {
        var x = Ops.Random(inputs, seed);
        var dY = Ops.Random(outputs, seed + 1);
        var dX0 = Ops.Random(inputs, seed + 2);
        using var bx = Ops.Upload(_device, x);
        using var by = Ops.Upload(_device, new float[outputs]);
        using var bdY = Ops.Upload(_device, dY);
        using var bdX = Ops.Upload(_device, dX0);
        gpu(by.View, bx.View, bdX.View, bdY.View);
        var y = new float[outputs];
        var dX = (float[])dX0.Clone();
        cpu(y, x, dX, dY);
        Ops.Close(y, Ops.Download(_device, by.View), what + " forward", rtol, atol);
        Ops.Close(dX, Ops.Download(_device, bdX.View), what + " backward", rtol, atol);
    }

    [Fact]
    public void ACropWindowOutsideItsInputIsRefused()
    {
        var pool = GpuPool.On(_device);
        var d = new CropDims(1, 4, 4, 2, 2, 0, 3, 4);
        using var x = _device.Accelerator.Allocate1D<float>(d.N * d.H * d.W * d.C);
        using var y = _device.Accelerator.Allocate1D<float>(d.N * d.P * d.Q * d.C);
        var e = Assert.Throws<ArgumentException>(() => pool.CropForward(y.View, x.View, d));
        Assert.StartsWith("GpuPool.CropForward: the 3x4 window at top 2, left 0 does not lie inside the 4x4 input.", e.Message);
    }

    [Fact]
    public void AViewOfTheWrongSizeIsRefusedByName()
    {
        var pool = GpuPool.On(_device);
        var d = Dims("2x2/2");
        using var x = _device.Accelerator.Allocate1D<float>(d.N * d.H * d.W * d.C);
        using var y = _device.Accelerator.Allocate1D<float>(d.N * d.P * d.Q * d.C + 1);
        var e = Assert.Throws<ArgumentException>(() => pool.MaxForward(y.View, x.View, d));
        Assert.Contains("GpuPool.MaxForward: y", e.Message);
    }
}
