using NetGen.Kernels;
using Xunit;
using static NetGen.Gpu.Tests.GemmTestData;

namespace NetGen.Gpu.Tests;

public class ConvTransposeTests
{
    public static TheoryData<string, Conv2DTransposeDims> Shapes => new()
    {
        { "4x4 stride 2 pad 1 (a decoder upsample)", Conv2DTransposeDims.Create(2, 3, 4, 5, 3, 4, 4, strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1) },
        { "3x3 stride 2 output padding 1, groups 2", Conv2DTransposeDims.Create(1, 4, 3, 4, 6, 3, 3, strideH: 2, strideW: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, outputPaddingH: 1, outputPaddingW: 1, groups: 2) },
        { "2x2 stride 2 depthwise", Conv2DTransposeDims.Create(1, 3, 3, 3, 3, 2, 2, strideH: 2, strideW: 2, groups: 3) },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardAndBackwardMatchTheCpuKernels(string name, Conv2DTransposeDims d)
    {
        using var device = GpuDevice.CpuSimulator(4, 4);
        Conv2DDims conv = d.AsConvolution();
        var x = Random(d.N * d.H * d.W * d.C, 1);
        var w = Random(GpuConv2DTranspose.PackedWeightFloats(d), 2, 0.5f);
        var b = Random(d.K, 3);
        int outputs = d.N * d.P * d.Q * d.K;
        var dY = Random(outputs, 4);
        var dX0 = Random(x.Length, 5);
        var dW0 = Random(w.Length, 6);
        var dB0 = Random(d.K, 7);

        // float64: the transposed forward is the input gradient of the convolution it transposes.
        var (expectedY, _, _) = ConvReference.Backward(new float[outputs], w, x, new float[outputs], new float[w.Length], new float[conv.K], conv);
        for (int i = 0; i < outputs; i++) expectedY[i] = Math.Max(expectedY[i] + b[i % d.K], 0);

        using var bx = Upload(device, x);
        using var bw = Upload(device, w);
        using var bp = Upload(device, new float[w.Length]);
        using var bb = Upload(device, b);
        using var by = Upload(device, new float[outputs]);
        using var bg = Upload(device, dY);
        using var bdx = Upload(device, dX0);
        using var bdw = Upload(device, dW0);
        using var bdb = Upload(device, dB0);
        GpuConv2DTranspose.PackWeights(device, View(bp, w.Length), View(bw, w.Length), d);
        GpuConv2DTranspose.Forward<SimulatorTile>(device, View(by, outputs), View(bx, x.Length), View(bp, w.Length), View(bb, d.K), default, d, Activation.ReLU);
        GpuConv2DTranspose.BackwardData<SimulatorTile>(device, View(bdx, x.Length), View(bg, outputs), View(bp, w.Length), d);
        GpuConv2DTranspose.BackwardWeights<SimulatorTile>(device, View(bdw, w.Length), View(bg, outputs), View(bx, x.Length), d);
        GpuConv2DTranspose.BackwardBias(device, View(bdb, d.K), View(bg, outputs), d);
        var y = Download(device, by, outputs);
        Close(expectedY, y, $"{name}: forward vs float64");

        var packed = new float[Conv2DTranspose.PackedWeightFloats(d)];
        Conv2DTranspose.Pack(packed, w, d);
        var cpuY = new float[outputs];
        Conv2DTranspose.Forward(cpuY, x, packed, b, new float[Conv2DTranspose.ForwardWorkspaceFloats(d)], d, Activation.ReLU);
        Close(cpuY, y, $"{name}: forward vs the CPU kernel");

        float[] cX = (float[])dX0.Clone(), cW = (float[])dW0.Clone(), cB = (float[])dB0.Clone();
        var packedBack = new float[Conv2DTranspose.PackedBackwardWeightFloats(d)];
        Conv2DTranspose.PackForBackward(packedBack, w, d);
        Conv2DTranspose.BackwardData(cX, dY, packedBack, new float[Conv2DTranspose.BackwardWorkspaceFloats(d)], d);
        Conv2DTranspose.BackwardWeights(cW, dY, x, d);
        Conv2DTranspose.BackwardBias(cB, dY, d);
        Close(cX, Download(device, bdx, x.Length), $"{name}: dX vs the CPU kernel");
        Close(cW, Download(device, bdw, w.Length), $"{name}: dW vs the CPU kernel");
        Close(cB, Download(device, bdb, d.K), $"{name}: dB vs the CPU kernel");
    }
}
