using NetGen.Gpu;
using Xunit;
using CpuBatchNorm = NetGen.Kernels.BatchNorm;

namespace NetGen.Gpu.Tests;

[Collection(OpsCollection.Name)]
public class BatchNormKernelTests(OpsDevice fixture)
{
    // 150 rows (three row splits of the column sums at 4 warps) of 6 channels (a warp-wide block and a ragged one).
    private const int Rows = 150, C = 6;
    private const float Eps = 1e-5f, Momentum = 0.1f;

    /// <summary>Training forward and backward against the CPU and float64; without <paramref name="scale"/> or <paramref name="center"/> gamma or beta is empty (1 or 0) and gets no gradient.</summary>
    internal static void TrainingMatchesTheCpuAndFloat64(GpuDevice device, int rows, int c, bool scale = true, bool center = true)
    {
        int gammas = scale ? c : 0, betas = center ? c : 0;
        var bn = GpuBatchNorm.On(device);
        var x = Ops.Random(rows * c, 1, scale: 2f, shift: 3f);
        var gamma = Ops.Random(c, 2, 0.5f, 1f);
        var beta = Ops.Random(c, 3);
        var runMean = Ops.Random(c, 4);
        var runVar = Ops.Random(c, 5, 0.2f, 1f);
        using var bx = Ops.Upload(device, x);
        using var by = Ops.Upload(device, new float[x.Length]);
        using var bMean = Ops.Upload(device, new float[c]);
        using var bInv = Ops.Upload(device, new float[c]);
        using var bRunMean = Ops.Upload(device, runMean);
        using var bRunVar = Ops.Upload(device, runVar);
        using var bGamma = Ops.Upload(device, gamma);
        using var bBeta = Ops.Upload(device, beta);
        using var bWork = device.Accelerator.Allocate1D<float>(bn.ForwardWorkspaceFloats(rows, c));
        bn.ForwardTraining(by.View, bMean.View, bInv.View, bRunMean.View, bRunVar.View, bx.View, Ops.View(bGamma, gammas), Ops.View(bBeta, betas), bWork.View, rows, c, Eps, Momentum);

        var y = new float[x.Length];
        var mean = new float[c];
        var inv = new float[c];
        var cpuRunMean = (float[])runMean.Clone();
        var cpuRunVar = (float[])runVar.Clone();
        CpuBatchNorm.ForwardTraining(y, mean, inv, cpuRunMean, cpuRunVar, x, gamma.AsSpan(0, gammas), beta.AsSpan(0, betas), new float[CpuBatchNorm.ForwardWorkspaceFloats(c)], rows, c, Eps, Momentum);
        Ops.Close(y, Ops.Download(device, by.View), "y");
        Ops.Close(mean, Ops.Download(device, bMean.View), "saved mean");
        Ops.Close(inv, Ops.Download(device, bInv.View), "saved 1/std");
        Ops.Close(cpuRunMean, Ops.Download(device, bRunMean.View), "running mean");
        Ops.Close(cpuRunVar, Ops.Download(device, bRunVar.View), "running variance");

        // float64: the definitions.
        var refY = new double[x.Length];
        var refRunVar = new double[c];
        for (int k = 0; k < c; k++)
        {
            double m = 0, v = 0;
            for (int r = 0; r < rows; r++) m += x[r * c + k];
            m /= rows;
            for (int r = 0; r < rows; r++) v += (x[r * c + k] - m) * (x[r * c + k] - m);
            refRunVar[k] = 0.9 * runVar[k] + 0.1 * v / (rows - 1);
            for (int r = 0; r < rows; r++) refY[r * c + k] = (scale ? gamma[k] : 1) * (x[r * c + k] - m) / Math.Sqrt(v / rows + Eps) + (center ? beta[k] : 0);
        }
        Ops.Close(refY, Ops.Download(device, by.View), "y against float64", atol: 1e-5);
        Ops.Close(refRunVar, Ops.Download(device, bRunVar.View), "running variance against float64");

        // Backward from the saved statistics, dX, dGamma and dBeta accumulating.
        var dY = Ops.Random(x.Length, 6);
        var dX0 = Ops.Random(x.Length, 7);
        var dGamma0 = Ops.Random(c, 8);
        var dBeta0 = Ops.Random(c, 9);
        using var bdY = Ops.Upload(device, dY);
        using var bdX = Ops.Upload(device, dX0);
        using var bdGamma = Ops.Upload(device, dGamma0);
        using var bdBeta = Ops.Upload(device, dBeta0);
        using var bBack = device.Accelerator.Allocate1D<float>(bn.BackwardWorkspaceFloats(rows, c));
        bn.Backward(bdX.View, Ops.View(bdGamma, gammas), Ops.View(bdBeta, betas), bdY.View, bx.View, Ops.View(bGamma, gammas), bMean.View, bInv.View, bBack.View, rows, c);
        var dX = (float[])dX0.Clone();
        var dGamma = (float[])dGamma0.Clone();
        var dBeta = (float[])dBeta0.Clone();
        CpuBatchNorm.Backward(dX, dGamma.AsSpan(0, gammas), dBeta.AsSpan(0, betas), dY, x, gamma.AsSpan(0, gammas), mean, inv,
            new float[CpuBatchNorm.BackwardWorkspaceFloats(c)], rows, c);
        Ops.Close(dX, Ops.Download(device, bdX.View), "dX", atol: 1e-5);
        // An absent gradient's buffer behind the empty view keeps its values: nothing was written through it.
        Ops.Close(dGamma, Ops.Download(device, bdGamma.View), scale ? "dGamma" : "the buffer behind an empty dGamma", atol: 1e-5);
        Ops.Close(dBeta, Ops.Download(device, bdBeta.View), center ? "dBeta" : "the buffer behind an empty dBeta", atol: 1e-5);

        // float64 gradients of L = sum dY * y through the batch statistics.
        var refDx = new double[x.Length];
        var refDGamma = new double[c];
        for (int k = 0; k < c; k++)
        {
            double m = 0, v = 0;
            for (int r = 0; r < rows; r++) m += x[r * c + k];
            m /= rows;
            for (int r = 0; r < rows; r++) v += (x[r * c + k] - m) * (x[r * c + k] - m);
            double invStd = 1 / Math.Sqrt(v / rows + Eps), sumDy = 0, sumDyXhat = 0;
            for (int r = 0; r < rows; r++)
            {
                double xhat = (x[r * c + k] - m) * invStd;
                sumDy += dY[r * c + k];
                sumDyXhat += dY[r * c + k] * xhat;
            }
            refDGamma[k] = dGamma0[k] + (scale ? sumDyXhat : 0);
            for (int r = 0; r < rows; r++)
            {
                double xhat = (x[r * c + k] - m) * invStd;
                refDx[r * c + k] = dX0[r * c + k] + (scale ? gamma[k] : 1) * invStd / rows * (rows * dY[r * c + k] - sumDy - xhat * sumDyXhat);
            }
        }
        Ops.Close(refDx, Ops.Download(device, bdX.View), "dX against float64", atol: 1e-5);
        Ops.Close(refDGamma, Ops.Download(device, bdGamma.View), "dGamma against float64", atol: 1e-5);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public void TrainingForwardAndBackwardMatchTheCpuAndFloat64(bool scale, bool center) => TrainingMatchesTheCpuAndFloat64(fixture.Device, Rows, C, scale, center);

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public void InferenceAndItsBackwardMatchTheCpu(bool scale, bool center)
    {
        int gammas = scale ? C : 0, betas = center ? C : 0;
        var device = fixture.Device;
        var bn = GpuBatchNorm.On(device);
        var x = Ops.Random(Rows * C, 11, 2f);
        var gamma = Ops.Random(C, 12, 0.5f, 1f);
        var beta = Ops.Random(C, 13);
        var mean = Ops.Random(C, 14);
        var variance = Ops.Random(C, 15, 0.2f, 1f);
        var dY = Ops.Random(x.Length, 16);
        var dX0 = Ops.Random(x.Length, 17);
        using var bx = Ops.Upload(device, x);
        using var by = Ops.Upload(device, new float[x.Length]);
        using var bGamma = Ops.Upload(device, gamma);
        using var bBeta = Ops.Upload(device, beta);
        using var bMean = Ops.Upload(device, mean);
        using var bVar = Ops.Upload(device, variance);
        using var bdY = Ops.Upload(device, dY);
        using var bdX = Ops.Upload(device, dX0);
        bn.ForwardInference(by.View, bx.View, Ops.View(bGamma, gammas), Ops.View(bBeta, betas), bMean.View, bVar.View, Rows, C, Eps);
        bn.BackwardInference(bdX.View, bdY.View, Ops.View(bGamma, gammas), bVar.View, Rows, C, Eps);
        var y = new float[x.Length];
        CpuBatchNorm.ForwardInference(y, x, gamma.AsSpan(0, gammas), beta.AsSpan(0, betas), mean, variance, new float[2 * C], Rows, C, Eps);
        var dX = (float[])dX0.Clone();
        CpuBatchNorm.BackwardInference(dX, dY, gamma.AsSpan(0, gammas), variance, new float[C], Rows, C, Eps);
        Ops.Close(y, Ops.Download(device, by.View), "inference y");
        Ops.Close(dX, Ops.Download(device, bdX.View), "inference dX");
    }

    [Fact]
    public void ParameterGradientsAloneLeaveNoInputGradient()
    {
        var device = fixture.Device;
        var bn = GpuBatchNorm.On(device);
        var x = Ops.Random(Rows * C, 21);
        var dY = Ops.Random(x.Length, 22);
        var gamma = Ops.Random(C, 23, 0.5f, 1f);
        var mean = Ops.Random(C, 24, 0.1f);
        var inv = Ops.Random(C, 25, 0.2f, 1f);
        using var bx = Ops.Upload(device, x);
        using var bdY = Ops.Upload(device, dY);
        using var bGamma = Ops.Upload(device, gamma);
        using var bMean = Ops.Upload(device, mean);
        using var bInv = Ops.Upload(device, inv);
        using var bdGamma = Ops.Upload(device, new float[C]);
        using var bdBeta = Ops.Upload(device, new float[C]);
        using var bWork = device.Accelerator.Allocate1D<float>(bn.BackwardWorkspaceFloats(Rows, C));
        bn.Backward(default, bdGamma.View, bdBeta.View, bdY.View, bx.View, bGamma.View, bMean.View, bInv.View, bWork.View, Rows, C);
        var dGamma = new float[C];
        var dBeta = new float[C];
        CpuBatchNorm.Backward(default, dGamma, dBeta, dY, x, gamma, mean, inv, new float[3 * C], Rows, C);
        Ops.Close(dGamma, Ops.Download(device, bdGamma.View), "dGamma", atol: 1e-5);
        Ops.Close(dBeta, Ops.Download(device, bdBeta.View), "dBeta", atol: 1e-5);
    }

    [Fact]
    public void BadShapesAreRefusedByName()
    {
        var device = fixture.Device;
        var bn = GpuBatchNorm.On(device);
        using var big = device.Accelerator.Allocate1D<float>(Rows * C);
        using var small = device.Accelerator.Allocate1D<float>(C);
        using var work = device.Accelerator.Allocate1D<float>(bn.ForwardWorkspaceFloats(Rows, C));
        var e = Assert.Throws<ArgumentException>(() => bn.ForwardTraining(big.View, small.View, small.View, small.View, small.View, big.View,
            small.View.SubView(0, C - 1), small.View, work.View, Rows, C, Eps, Momentum));
        Assert.Contains("gamma", e.Message);
        Assert.Contains("at least 2", Assert.Throws<ArgumentException>(() => bn.ForwardTraining(small.View, small.View, small.View, small.View, small.View,
            small.View, small.View, small.View, work.View, 1, C, Eps, Momentum)).Message);
        // A dGamma for a batch norm without scale would be a gradient of nothing.
        using var back = device.Accelerator.Allocate1D<float>(bn.BackwardWorkspaceFloats(Rows, C));
        var noScale = Assert.Throws<ArgumentException>(() => bn.Backward(big.View, small.View, small.View, big.View, big.View, default,
            small.View, small.View, back.View, Rows, C));
        Assert.Equal("GpuBatchNorm.Backward: dGamma was given for a batch norm without scale (gamma is empty). (Parameter 'dGamma')", noScale.Message);
    }
}
