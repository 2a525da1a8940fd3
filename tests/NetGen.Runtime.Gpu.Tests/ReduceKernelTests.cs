using NetGen.Gpu;
using NetGen.Kernels;
using Xunit;

namespace NetGen.Gpu.Tests;

[Collection(OpsCollection.Name)]
public class ReduceKernelTests(OpsDevice fixture)
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 3)]
    [InlineData(150, 7)]
    [InlineData(1100, 9)]
    public void BiasGradientAddsEveryRowOfEachChannel(int rows, int k)
    {
        var device = fixture.Device;
        var reduce = GpuReduce.On(device);
        var dY = Ops.Random(rows * k, rows + k);
        var dBias0 = Ops.Random(k, 3);
        using var bdY = Ops.Upload(device, dY);
        using var bBias = Ops.Upload(device, dBias0);
        using var work = device.Accelerator.Allocate1D<float>(reduce.BiasGradientWorkspaceFloats(rows, k));
        reduce.BiasGradient(bBias.View.SubView(0, k), bdY.View.SubView(0, rows * k), work.View, rows, k);
        var cpu = (float[])dBias0.Clone();
        Dense.BackwardBias(cpu, dY, new DenseDims(rows, 1, k));
        var reference = new double[k];
        for (int c = 0; c < k; c++)
        {
            reference[c] = dBias0[c];
            for (int r = 0; r < rows; r++) reference[c] += dY[r * k + c];
        }
        var gpu = Ops.Download(device, bBias.View.SubView(0, k));
        Ops.Close(cpu, gpu, "bias gradient against the CPU", atol: 1e-5);
        Ops.Close(reference, gpu, "bias gradient against float64", atol: 1e-5);
        Assert.True(reduce.Splits(rows) <= GpuReduce.MaxSplits);
        if (rows == 1100) Assert.True(reduce.Splits(rows) > 1, "1100 rows should split over several groups");
    }

    /// <summary>The warp-shuffle reductions on other warp widths: 2 lanes x 8 warps and 8 lanes x 2 warps, wide and narrow tensors.</summary>
    [Theory]
    [InlineData(2, 8)]
    [InlineData(8, 2)]
    public void ReductionsHoldForOtherWarpShapes(int warpSize, int warps)
    {
        using var device = GpuDevice.CpuSimulator(warpSize, warps);
        BatchNormKernelTests.TrainingMatchesTheCpuAndFloat64(device, 70, 11);
        // 3 channels on 8 lanes: blocks narrower than the warp, each warp taking two rows at once.
        BatchNormKernelTests.TrainingMatchesTheCpuAndFloat64(device, 70, 3);
        LossKernelTests.MatchesSoftmaxLoss(device, 7, 10);
    }
}
