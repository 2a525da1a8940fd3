using NetGen.Kernels;
using Xunit;
using static NetGen.Gpu.Tests.GemmTestData;

namespace NetGen.Gpu.Tests;

public class DenseTests
{
    [Theory]
    [InlineData(7, 19, 13, Activation.ReLU)]
    [InlineData(20, 33, 5, Activation.Tanh)]
    [InlineData(1, 4, 40, Activation.None)]
    [InlineData(9, 6, 17, Activation.LeakyReLU)]
    public void ForwardMatchesTheCpuKernelAndFloat64(int n, int c, int k, Activation activation)
    {
        using var device = GpuDevice.CpuSimulator(4, 4);
        var dims = new DenseDims(n, c, k);
        var x = Random(n * c, 1);
        var w = Random(k * c, 2, 0.5f);
        var b = Random(k, 3);
        var expected = new double[n * k];
        for (int i = 0; i < n; i++)
        {
            for (int o = 0; o < k; o++)
            {
                double sum = b[o];
                for (int j = 0; j < c; j++) sum += (double)x[i * c + j] * w[o * c + j];
                expected[i * k + o] = activation switch
                {
                    Activation.ReLU => Math.Max(sum, 0),
                    Activation.Tanh => Math.Tanh(sum),
                    Activation.LeakyReLU => sum > 0 ? sum : 0.1 * sum,
                    _ => sum,
                };
            }
        }
        var packed = new float[NetGen.Kernels.Dense.PackedWeightFloats(dims)];
        NetGen.Kernels.Dense.Pack(packed, w, dims);
        var cpu = new float[n * k];
        NetGen.Kernels.Dense.Forward(cpu, x, packed, b, dims, activation, 0.1f);

        using var dx = Upload(device, x);
        using var dw = Upload(device, w);
        using var db = Upload(device, b);
        using var dy = Upload(device, new float[n * k]);
        GpuDense.Forward<SimulatorTile>(device, View(dy, n * k), View(dx, x.Length), View(dw, w.Length), View(db, k), dims, activation, 0.1f);
        var gpu = Download(device, dy, n * k);
        Close(expected, gpu, $"dense forward {dims} {activation} vs float64");
        Close(cpu, gpu, $"dense forward {dims} {activation} vs CPU");

        GpuDense.Forward<SimulatorWideTile>(device, View(dy, n * k), View(dx, x.Length), View(dw, w.Length), default, dims, activation, 0.1f);
        var noBias = Download(device, dy, n * k);
        NetGen.Kernels.Dense.Forward(cpu, x, packed, default, dims, activation, 0.1f);
        Close(cpu, noBias, $"dense forward {dims} {activation} without bias, wide tile");
    }

    [Theory]
    [InlineData(7, 19, 13, 0)]
    [InlineData(70, 9, 6, 3)]
    [InlineData(3, 35, 21, 1)]
    public void BackwardAccumulatesAsTheCpuKernels(int n, int c, int k, int splitK)
    {
        using var device = GpuDevice.CpuSimulator(4, 4);
        var dims = new DenseDims(n, c, k);
        var x = Random(n * c, 1);
        var w = Random(k * c, 2);
        var gy = Random(n * k, 3);
        var dX = Random(n * c, 4);
        var dW = Random(k * c, 5);
        var dB = Random(k, 6);
        var eX = new double[n * c];
        var eW = new double[k * c];
        var eB = new double[k];
        for (int i = 0; i < n; i++)
        {
            for (int o = 0; o < k; o++)
            {
                eB[o] += gy[i * k + o];
                for (int j = 0; j < c; j++)
                {
                    eX[i * c + j] += (double)gy[i * k + o] * w[o * c + j];
                    eW[o * c + j] += (double)gy[i * k + o] * x[i * c + j];
                }
            }
        }
        for (int i = 0; i < eX.Length; i++) eX[i] += dX[i];
        for (int i = 0; i < eW.Length; i++) eW[i] += dW[i];
        for (int i = 0; i < eB.Length; i++) eB[i] += dB[i];

        float[] cX = (float[])dX.Clone(), cW = (float[])dW.Clone(), cB = (float[])dB.Clone();
        NetGen.Kernels.Dense.BackwardData(cX, gy, w, dims);
        NetGen.Kernels.Dense.BackwardWeights(cW, gy, x, dims);
        NetGen.Kernels.Dense.BackwardBias(cB, gy, dims);

        using var bx = Upload(device, x);
        using var bw = Upload(device, w);
        using var by = Upload(device, gy);
        using var bdx = Upload(device, dX);
        using var bdw = Upload(device, dW);
        using var bdb = Upload(device, dB);
        GpuDense.BackwardData<SimulatorTile>(device, View(bdx, dX.Length), View(by, gy.Length), View(bw, w.Length), dims);
        GpuDense.BackwardWeights<SimulatorTile>(device, View(bdw, dW.Length), View(by, gy.Length), View(bx, x.Length), dims, splitK);
        GpuDense.BackwardBias(device, View(bdb, k), View(by, gy.Length), dims);
        var gX = Download(device, bdx, dX.Length);
        var gW = Download(device, bdw, dW.Length);
        var gB = Download(device, bdb, k);
        Close(eX, gX, $"dense dX {dims}");
        Close(eW, gW, $"dense dW {dims} split {splitK}");
        Close(eB, gB, $"dense dB {dims}");
        Close(cX, gX, $"dense dX {dims} vs CPU");
        Close(cW, gW, $"dense dW {dims} vs CPU");
        Close(cB, gB, $"dense dB {dims} vs CPU");
    }

    [Fact]
    public void UnfusableActivationsAndWrongSizesAreRefusedByName()
    {
        using var device = GpuDevice.CpuSimulator(4, 4);
        using var buffer = Upload(device, new float[64]);
        var dims = new DenseDims(2, 3, 4);
        var softmax = Assert.Throws<ArgumentException>(() =>
            GpuDense.Forward<SimulatorTile>(device, View(buffer, 8), View(buffer, 6), View(buffer, 12), default, dims, Activation.Softmax));
        Assert.Contains("does not fuse Softmax", softmax.Message);
        var bias = Assert.Throws<ArgumentException>(() =>
            GpuDense.Forward<SimulatorTile>(device, View(buffer, 8), View(buffer, 6), View(buffer, 12), View(buffer, 3), dims));
        Assert.Contains("bias holds 3 floats; it must be empty or hold K = 4", bias.Message);
        var dW = Assert.Throws<ArgumentException>(() =>
            GpuDense.BackwardWeights<SimulatorTile>(device, View(buffer, 11), View(buffer, 8), View(buffer, 6), dims));
        Assert.Contains("GpuDense.BackwardWeights: dW holds 11 floats", dW.Message);
    }

    /// <summary>A caller's epilogue: y = 2 v + 1 at (sample, unit), through the hook (public: the CPU accelerator emits code that reads it).</summary>
    public struct TwiceAndOne : IGemmEpilogue
    {
        public ILGPU.ArrayView<float> Y;
        public int Units;

        public readonly void Store(int batch, int row, int col, float value) => Y[row * Units + col] = 2f * value + 1f;
    }

    [Fact]
    public void ForwardRunsACallersEpilogue()
    {
        using var device = GpuDevice.CpuSimulator(4, 4);
        var dims = new DenseDims(5, 7, 9);
        var x = Random(35, 1);
        var w = Random(63, 2);
        using var bx = Upload(device, x);
        using var bw = Upload(device, w);
        using var by = Upload(device, new float[45]);
        GpuDense.ForwardInto<SimulatorTile, TwiceAndOne>(device, new TwiceAndOne { Y = View(by, 45), Units = 9 }, View(bx, 35), View(bw, 63), dims);
        var expected = new double[45];
        for (int i = 0; i < 5; i++)
            for (int o = 0; o < 9; o++)
            {
                double sum = 0;
                for (int j = 0; j < 7; j++) sum += (double)x[i * 7 + j] * w[o * 7 + j];
                expected[i * 9 + o] = 2 * sum + 1;
            }
        Close(expected, Download(device, by, 45), "dense forward through a caller's epilogue");
    }
}
