using NetGen.Gpu;
using NetGen.Kernels;
using Xunit;

namespace NetGen.Gpu.Tests;

[Collection(OpsCollection.Name)]
public class ElementwiseKernelTests(OpsDevice fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    [Fact]
    public void AddMultiplyAndTheirGradientsMatchTheCpu()
    {
        var ops = GpuElementwise.On(_device);
        const int f = 29;
        var a = Ops.Random(f, 1);
        var b = Ops.Random(f, 2);
        var dY = Ops.Random(f, 3);
        var dA0 = Ops.Random(f, 4);
        var dB0 = Ops.Random(f, 5);
        using var ba = Ops.Upload(_device, a);
        using var bb = Ops.Upload(_device, b);
        using var bdY = Ops.Upload(_device, dY);
        using var by = Ops.Upload(_device, new float[f]);
        var y = new float[f];

        ops.Add(by.View, ba.View, bb.View);
        Elementwise.Add(y, a, b);
        Ops.Close(y, Ops.Download(_device, by.View), "add", 0, 0);
        ops.AddReLU(by.View, ba.View, bb.View);
        Elementwise.AddReLU(y, a, b);
        Ops.Close(y, Ops.Download(_device, by.View), "add + relu", 0, 0);
        ops.Multiply(by.View, ba.View, bb.View);
        Elementwise.Multiply(y, a, b);
        Ops.Close(y, Ops.Download(_device, by.View), "multiply", 0, 0);

        using var bdA = Ops.Upload(_device, dA0);
        using var bdB = Ops.Upload(_device, dB0);
        ops.MultiplyBackward(bdA.View, bdB.View, bdY.View, ba.View, bb.View);
        ops.AccumulateGradient(bdA.View, bdY.View);
        var dA = (float[])dA0.Clone();
        var dB = (float[])dB0.Clone();
        Elementwise.MultiplyBackward(dA, dB, dY, a, b);
        Elementwise.AccumulateGradient(dA, dY);
        Ops.Close(dA, Ops.Download(_device, bdA.View), "dA");
        Ops.Close(dB, Ops.Download(_device, bdB.View), "dB");

        // In place: y is b.
        ops.Add(bb.View, ba.View, bb.View);
        var inPlace = (float[])b.Clone();
        Elementwise.Add(inPlace, a, inPlace);
        Ops.Close(inPlace, Ops.Download(_device, bb.View), "add in place", 0, 0);
    }

    [Fact]
    public void ScaleShiftAndTheirGradientMatchTheCpu()
    {
        var ops = GpuElementwise.On(_device);
        const int f = 37; // not a multiple of a group (16) or of a vector
        var x = Ops.Random(f, 61);
        var dY = Ops.Random(f, 62);
        var dX0 = Ops.Random(f, 63);
        using var bx = Ops.Upload(_device, x);
        using var by = Ops.Upload(_device, new float[f]);
        using var bdY = Ops.Upload(_device, dY);
        using var bdX = Ops.Upload(_device, dX0);
        var y = new float[f];

        // One multiplication or addition per element: the same bits as the CPU.
        ops.Scale(by.View, bx.View, -1.75f);
        ScalarOps.Scale(y, x, -1.75f);
        Ops.Close(y, Ops.Download(_device, by.View), "scale", 0, 0);
        ops.Shift(by.View, bx.View, 0.3f);
        ScalarOps.Shift(y, x, 0.3f);
        Ops.Close(y, Ops.Download(_device, by.View), "shift", 0, 0);

        // dX accumulates: scale's gradient then shift's (factor 1).
        ops.ScaleAccumulate(bdX.View, bdY.View, -1.75f);
        ops.ScaleAccumulate(bdX.View, bdY.View, 1f);
        var dX = (float[])dX0.Clone();
        ScalarOps.ScaleAccumulate(dX, dY, -1.75f);
        ScalarOps.ScaleAccumulate(dX, dY, 1f);
        Ops.Close(dX, Ops.Download(_device, bdX.View), "dX");

        // In place (y is x), as an inference step runs them.
        ops.Shift(bx.View, bx.View, -2f);
        var inPlace = (float[])x.Clone();
        ScalarOps.Shift(inPlace, inPlace, -2f);
        Ops.Close(inPlace, Ops.Download(_device, bx.View), "shift in place", 0, 0);

        var e = Assert.Throws<ArgumentException>(() => ops.Scale(Ops.View(by, f - 1), bx.View, 2f));
        Assert.StartsWith("GpuElementwise.Scale: the input has 37 elements, but the output's length = 36.", e.Message);
    }

    [Fact]
    public void GateAndItsGradientsMatchTheCpu()
    {
        var ops = GpuElementwise.On(_device);
        const int n = 2, pixels = 7, c = 5;
        var x = Ops.Random(n * pixels * c, 11);
        var s = Ops.Random(n * c, 12);
        var dY = Ops.Random(x.Length, 13);
        var dX0 = Ops.Random(x.Length, 14);
        var dS0 = Ops.Random(n * c, 15);
        using var bx = Ops.Upload(_device, x);
        using var bs = Ops.Upload(_device, s);
        using var bdY = Ops.Upload(_device, dY);
        using var by = Ops.Upload(_device, new float[x.Length]);
        using var bdX = Ops.Upload(_device, dX0);
        using var bdS = Ops.Upload(_device, dS0);
        ops.Gate(by.View, bx.View, bs.View, n, pixels, c);
        ops.GateBackward(bdX.View, bdS.View, bdY.View, bx.View, bs.View, n, pixels, c);
        var y = new float[x.Length];
        Elementwise.Gate(y, x, s, n, pixels, c);
        var dX = (float[])dX0.Clone();
        var dS = (float[])dS0.Clone();
        Elementwise.GateBackward(dX, dS, dY, x, s, n, pixels, c);
        Ops.Close(y, Ops.Download(_device, by.View), "gate");
        Ops.Close(dX, Ops.Download(_device, bdX.View), "gate dX");
        Ops.Close(dS, Ops.Download(_device, bdS.View), "gate dS");
    }

    [Fact]
    public void ConcatWritesAndReadsItsChannelSlice()
    {
        var ops = GpuElementwise.On(_device);
        const int rows = 6, total = 9, offset = 3, c = 4;
        var x = Ops.Random(rows * c, 21);
        var y0 = Ops.Random(rows * total, 22);
        var dX0 = Ops.Random(rows * c, 23);
        using var bx = Ops.Upload(_device, x);
        using var by = Ops.Upload(_device, y0);
        using var bdX = Ops.Upload(_device, dX0);
        ops.ConcatForward(by.View, bx.View, rows, total, offset);
        ops.ConcatBackward(bdX.View, by.View, rows, total, offset);
        var y = (float[])y0.Clone();
        Concat.Forward(y, x, rows, total, offset);
        var dX = (float[])dX0.Clone();
        Concat.Backward(dX, y, rows, total, offset);
        Ops.Close(y, Ops.Download(_device, by.View), "concat", 0, 0);
        Ops.Close(dX, Ops.Download(_device, bdX.View), "concat backward");
        var e = Assert.Throws<ArgumentException>(() => ops.ConcatForward(by.View, bx.View, rows, total, 6));
        Assert.Contains("[6, 10)", e.Message);
    }

    [Theory]
    [InlineData(0.75f)]
    [InlineData(0.6f)]
    public void LocalResponseNormMatchesTheCpuAndFiniteDifferences(float beta)
    {
        var ops = GpuElementwise.On(_device);
        const int rows = 5, c = 7, radius = 2;
        const float k = 2f, alpha = 1e-1f;
        var x = Ops.Random(rows * c, 31, 2f);
        var dY = Ops.Random(x.Length, 32);
        var dX0 = Ops.Random(x.Length, 33);
        using var bx = Ops.Upload(_device, x);
        using var by = Ops.Upload(_device, new float[x.Length]);
        using var bdY = Ops.Upload(_device, dY);
        using var bdX = Ops.Upload(_device, dX0);
        ops.LrnForward(by.View, bx.View, rows, c, radius, k, alpha, beta);
        ops.LrnBackward(bdX.View, bdY.View, bx.View, rows, c, radius, k, alpha, beta);
        var y = new float[x.Length];
        LocalResponseNorm.Forward(y, x, rows, c, radius, k, alpha, beta);
        var dX = (float[])dX0.Clone();
        LocalResponseNorm.Backward(dX, dY, x, new float[LocalResponseNorm.BackwardWorkspaceFloats(c)], rows, c, radius, k, alpha, beta);
        Ops.Close(y, Ops.Download(_device, by.View), "LRN");
        var gpuDx = Ops.Download(_device, bdX.View);
        Ops.Close(dX, gpuDx, "LRN backward", atol: 1e-5);

        // float64: central differences of L = sum dY * y.
        double Loss(double[] v)
        {
            double total = 0;
            for (int m = 0; m < rows; m++)
            {
                for (int ch = 0; ch < c; ch++)
                {
                    double sum = 0;
                    for (int j = Math.Max(0, ch - radius); j <= Math.Min(c - 1, ch + radius); j++) sum += v[m * c + j] * v[m * c + j];
                    total += dY[m * c + ch] * v[m * c + ch] * Math.Pow(k + alpha * sum, -beta);
                }
            }
            return total;
        }
        var xd = x.Select(v => (double)v).ToArray();
        var reference = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            const double h = 1e-6;
            double keep = xd[i];
            xd[i] = keep + h;
            double up = Loss(xd);
            xd[i] = keep - h;
            double down = Loss(xd);
            xd[i] = keep;
            reference[i] = dX0[i] + (up - down) / (2 * h);
        }
        Ops.Close(reference, gpuDx, "LRN backward against float64", atol: 1e-5);
    }

    [Fact]
    public void DropoutDrawsEachSamplesMaskFromItsOwnStreams()
    {
        var ops = GpuElementwise.On(_device);
        const int samples = 3, perSample = 600;
        const float rate = 0.3f;
        const ulong seed = 12345, firstStream = 1000;
        var x = Ops.Random(samples * perSample, 41);
        using var bx = Ops.Upload(_device, x);
        using var by = Ops.Upload(_device, new float[x.Length]);
        using var bMask = Ops.Upload(_device, new float[x.Length]);
        ops.DropoutForward(by.View, bMask.View, bx.View, rate, seed, firstStream, samples);
        var mask = Ops.Download(_device, bMask.View);
        var y = Ops.Download(_device, by.View);

        // The CPU's generator and rule, lane by lane.
        float keep = 1f / (1f - rate);
        int dropped = 0;
        for (int n = 0; n < samples; n++)
        {
            for (int lane = 0; lane < GpuElementwise.StreamsPerSample; lane++)
            {
                var random = new FastRandom(seed, firstStream + (ulong)(n * GpuElementwise.StreamsPerSample + lane));
                for (int i = lane; i < perSample; i += GpuElementwise.StreamsPerSample)
                {
                    int at = n * perSample + i;
                    float expected = random.NextFloat() >= rate ? keep : 0f;
                    Assert.Equal(expected, mask[at]);
                    Assert.Equal(x[at] * expected, y[at]);
                    if (expected == 0f) dropped++;
                }
            }
        }
        // 1800 draws at rate 0.3: 540 expected, sd about 19.
        Assert.InRange(dropped, 440, 640);

        // One sample alone gets the mask it had in the batch: streams belong to samples.
        using var bOne = Ops.Upload(_device, x.AsSpan(perSample, perSample).ToArray());
        using var bOneMask = Ops.Upload(_device, new float[perSample]);
        ops.DropoutForward(bOne.View, bOneMask.View, bOne.View, rate, seed, firstStream + GpuElementwise.StreamsPerSample, 1);
        Assert.Equal(mask.AsSpan(perSample, perSample).ToArray(), Ops.Download(_device, bOneMask.View));

        var dY = Ops.Random(x.Length, 42);
        var dX0 = Ops.Random(x.Length, 43);
        using var bdY = Ops.Upload(_device, dY);
        using var bdX = Ops.Upload(_device, dX0);
        ops.DropoutBackward(bdX.View, bdY.View, bMask.View);
        var dX = (float[])dX0.Clone();
        Dropout.Backward(dX, dY, mask);
        Ops.Close(dX, Ops.Download(_device, bdX.View), "dropout backward");
    }
}
