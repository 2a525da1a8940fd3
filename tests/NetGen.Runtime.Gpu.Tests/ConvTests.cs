using NetGen.Kernels;
using Xunit;
using static NetGen.Gpu.Tests.GemmTestData;

namespace NetGen.Gpu.Tests;

public class ConvTests
{
    /// <summary>Ragged shapes (nothing a multiple of the 16 x 16 tile): stride 2, padding, dilation, groups, depthwise with a multiplier, 1 x 1.</summary>
    public static TheoryData<string, Conv2DDims> Shapes => new()
    {
        { "3x3 pad 1", Conv2DDims.Create(2, 6, 5, 3, 7, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1) },
        { "3x3 stride 2 pad 1", Conv2DDims.Create(2, 7, 8, 5, 6, 3, 3, strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1) },
        { "5x3 dilation 2 stride (1, 2)", Conv2DDims.Create(1, 9, 9, 4, 5, 5, 3, strideW: 2, padTop: 2, padBottom: 2, padLeft: 1, dilationH: 2, dilationW: 2) },
        { "groups 2 3x3", Conv2DDims.Create(2, 5, 6, 6, 10, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 2) },
        { "depthwise 3x3 stride 2", Conv2DDims.Create(2, 7, 6, 5, 5, 3, 3, strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 5) },
        { "depthwise multiplier 2", Conv2DDims.Create(1, 5, 5, 3, 6, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, groups: 3) },
        { "1x1 stride 2", Conv2DDims.Create(3, 5, 5, 9, 4, 1, 1, strideH: 2, strideW: 2) },
        { "7x7 stride 2 pad 3 (a stem)", Conv2DDims.Create(1, 11, 11, 3, 8, 7, 7, strideH: 2, strideW: 2, padTop: 3, padBottom: 3, padLeft: 3, padRight: 3) },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardMatchesFloat64AndTheCpuKernel(string name, Conv2DDims d)
    {
        using var device = GpuDevice.CpuSimulator(4, 4);
        var x = Random(d.N * d.H * d.W * d.C, 1);
        var w = Random(d.K * d.GroupC * d.R * d.S, 2, 0.5f);
        var b = Random(d.K, 3);
        var residual = Random(d.N * d.P * d.Q * d.K, 4);
        int outputs = residual.Length;

        using var bx = Upload(device, x);
        using var bw = Upload(device, w);
        using var bp = Upload(device, new float[w.Length]);
        using var bb = Upload(device, b);
        using var br = Upload(device, residual);
        using var by = Upload(device, new float[outputs]);
        GpuConv2D.PackWeights(device, View(bp, w.Length), View(bw, w.Length), d);
        GpuConv2D.Forward<SimulatorTile>(device, View(by, outputs), View(bx, x.Length), View(bp, w.Length), View(bb, d.K), default, d, Activation.ReLU);
        var gpu = Download(device, by, outputs);
        Close(ConvReference.Forward(x, w, b, null, Activation.ReLU, d), gpu, $"{name}: forward + bias + ReLU vs float64");

        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, w, d);
        var cpu = new float[outputs];
        Conv2D.Forward(cpu, x, packed, b, new float[Conv2D.ForwardWorkspaceFloats(d)], d, Activation.ReLU);
        Close(cpu, gpu, $"{name}: forward vs the CPU kernel");

        GpuConv2D.Forward<SimulatorWideTile>(device, View(by, outputs), View(bx, x.Length), View(bp, w.Length), default, View(br, outputs), d, Activation.Sigmoid);
        Close(ConvReference.Forward(x, w, null, residual, Activation.Sigmoid, d), Download(device, by, outputs), $"{name}: forward + residual + sigmoid, wide tile");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void BackwardMatchesFloat64AndTheCpuKernels(string name, Conv2DDims d)
    {
        using var device = GpuDevice.CpuSimulator(4, 4);
        var x = Random(d.N * d.H * d.W * d.C, 1);
        var w = Random(d.K * d.GroupC * d.R * d.S, 2);
        var dY = Random(d.N * d.P * d.Q * d.K, 3);
        var dX0 = Random(x.Length, 4);
        var dW0 = Random(w.Length, 5);
        var dB0 = Random(d.K, 6);
        var (eX, eW, eB) = ConvReference.Backward(x, w, dY, dX0, dW0, dB0, d);

        using var bx = Upload(device, x);
        using var bw = Upload(device, w);
        using var bp = Upload(device, new float[w.Length]);
        using var by = Upload(device, dY);
        using var bdx = Upload(device, dX0);
        using var bdw = Upload(device, dW0);
        using var bdb = Upload(device, dB0);
        GpuConv2D.PackWeights(device, View(bp, w.Length), View(bw, w.Length), d);
        GpuConv2D.BackwardData<SimulatorTile>(device, View(bdx, x.Length), View(by, dY.Length), View(bp, w.Length), d);
        GpuConv2D.BackwardWeights<SimulatorTile>(device, View(bdw, w.Length), View(by, dY.Length), View(bx, x.Length), d, splitK: 2);
        GpuConv2D.BackwardBias(device, View(bdb, d.K), View(by, dY.Length), d);
        var gX = Download(device, bdx, x.Length);
        var gW = Download(device, bdw, w.Length);
        var gB = Download(device, bdb, d.K);
        Close(eX, gX, $"{name}: dX vs float64");
        Close(eW, gW, $"{name}: dW vs float64");
        Close(eB, gB, $"{name}: dB vs float64");

        float[] cX = (float[])dX0.Clone(), cW = (float[])dW0.Clone(), cB = (float[])dB0.Clone();
        var packed = new float[Conv2D.PackedBackwardWeightFloats(d)];
        Conv2D.PackForBackward(packed, w, d);
        Conv2D.BackwardData(cX, dY, packed, new float[Conv2D.BackwardDataWorkspaceFloats(d)], d);
        Conv2D.BackwardWeights(cW, dY, x, d);
        Conv2D.BackwardBias(cB, dY, d);
        Close(cX, gX, $"{name}: dX vs the CPU kernel");
        Close(cW, gW, $"{name}: dW vs the CPU kernel");
        Close(cB, gB, $"{name}: dB vs the CPU kernel");
    }

    [Fact]
    public void WrongSizesAreRefusedByName()
    {
        using var device = GpuDevice.CpuSimulator(4, 4);
        using var buffer = Upload(device, new float[256]);
        var d = Conv2DDims.Create(1, 4, 4, 2, 3, 3, 3);
        var e = Assert.Throws<ArgumentException>(() =>
            GpuConv2D.Forward<SimulatorTile>(device, View(buffer, 12), View(buffer, 32), View(buffer, 54), default, View(buffer, 11), d));
        Assert.Contains("GpuConv2D.Forward: residual holds 11 floats; it must be empty or hold N*P*Q*K = 12", e.Message);
        var pack = Assert.Throws<ArgumentException>(() => GpuConv2D.PackWeights(device, View(buffer, 54), View(buffer, 53), d));
        Assert.Contains("weights holds 53 floats", pack.Message);
    }
}
