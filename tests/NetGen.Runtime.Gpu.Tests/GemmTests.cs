using Xunit;
using static NetGen.Gpu.Tests.GemmTestData;

namespace NetGen.Gpu.Tests;

public class GemmTests
{
    private static double[] Reference(float[] a, float[] b, float[] c, in GemmDims d)
    {
        var result = new double[d.M * d.N];
        for (int m = 0; m < d.M; m++)
        {
            for (int n = 0; n < d.N; n++)
            {
                double sum = 0;
                for (int k = 0; k < d.K; k++)
                {
                    double av = d.TransposeA ? a[k * d.M + m] : a[m * d.K + k];
                    double bv = d.TransposeB ? b[n * d.K + k] : b[k * d.N + n];
                    sum += av * bv;
                }
                result[m * d.N + n] = d.Alpha * sum + (d.Beta == 0 ? 0 : d.Beta * c[m * d.N + n]);
            }
        }
        return result;
    }

    private static void Check<TTile>(GpuDevice device, GemmDims dims, int splitK = 1) where TTile : struct, IGemmTile
    {
        var a = Random(dims.M * dims.K, 1);
        var b = Random(dims.K * dims.N, 2);
        var c = Random(dims.M * dims.N, 3);
        using var da = Upload(device, a);
        using var db = Upload(device, b);
        using var dc = Upload(device, c);
        GpuGemm.Multiply<TTile>(device, View(dc, c.Length), View(da, a.Length), View(db, b.Length), dims, splitK);
        Close(Reference(a, b, c, dims), Download(device, dc, c.Length), $"{typeof(TTile).Name} {dims} split {splitK}");
    }

    [Theory]
    [InlineData(16, 16, 8, false, false)]
    [InlineData(37, 21, 13, false, false)]
    [InlineData(19, 35, 9, true, false)]
    [InlineData(23, 17, 30, false, true)]
    [InlineData(5, 3, 1, true, true)]
    public void RaggedProductsMatchFloat64(int m, int n, int k, bool ta, bool tb)
    {
        using var device = GpuDevice.CpuSimulator(4, 4);
        Check<SimulatorTile>(device, new GemmDims(m, n, k, ta, tb));
        Check<SimulatorWideTile>(device, new GemmDims(m, n, k, ta, tb, Alpha: 0.5f, Beta: -2f));
    }

    [Fact]
    public void SplitReductionAccumulatesIntoC()
    {
        using var device = GpuDevice.CpuSimulator(4, 4);
        Check<SimulatorTile>(device, new GemmDims(9, 14, 50, Alpha: 1.5f, Beta: 1f), splitK: 3);
        Check<SimulatorTile>(device, new GemmDims(9, 14, 50, TransposeA: true, Beta: 1f), splitK: 0);
    }

    [Fact]
    public void BetaZeroNeverReadsC()
    {
        using var device = GpuDevice.CpuSimulator(4, 4);
        var dims = new GemmDims(6, 7, 5);
        var a = Random(30, 1);
        var b = Random(35, 2);
        var c = Enumerable.Repeat(float.NaN, 42).ToArray();
        using var da = Upload(device, a);
        using var db = Upload(device, b);
        using var dc = Upload(device, c);
        GpuGemm.Multiply<SimulatorTile>(device, View(dc, 42), View(da, 30), View(db, 35), dims);
        Close(Reference(a, b, new float[42], dims), Download(device, dc, 42), "beta 0 over NaN");
    }

    [Fact]
    public void WrongSizesAndTooLargeTilesAreRefusedByName()
    {
        using var device = GpuDevice.CpuSimulator(4, 4);
        using var buffer = Upload(device, new float[64]);
        var e = Assert.Throws<ArgumentException>(() =>
            GpuGemm.Multiply<SimulatorTile>(device, View(buffer, 12), View(buffer, 12), View(buffer, 11), new GemmDims(3, 4, 4)));
        Assert.Contains("b holds 11 floats; it must hold K*N = 16", e.Message);
        var tile = Assert.Throws<ArgumentException>(() =>
            GpuGemm.Multiply<GpuTile64>(device, View(buffer, 12), View(buffer, 12), View(buffer, 16), new GemmDims(3, 4, 4)));
        Assert.Contains("groups of 256 threads", tile.Message);
        var split = Assert.Throws<ArgumentException>(() =>
            GpuGemm.Multiply<SimulatorTile>(device, View(buffer, 12), View(buffer, 12), View(buffer, 16), new GemmDims(3, 4, 4), splitK: 2));
        Assert.Contains("needs Beta = 1", split.Message);
        var huge = Assert.Throws<ArgumentException>(() =>
            GpuGemm.Multiply<SimulatorTile>(device, View(buffer, 12), View(buffer, 12), View(buffer, 16), new GemmDims(65536, 65536, 4)));
        Assert.Contains("c would hold M*N = 4294967296 floats; the GPU kernels index views with int", huge.Message);
    }
}
