using NetGen.Execution;
using NetGen.Kernels;
using NetGen.Threading;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// A batch-1 Winograd layer (and one with its 2x2 max pool) split by rows of 2x2 tiles over a pool
/// (LayerBands.Conv2DForwardWinograd, Conv2DForwardWinogradMaxPool) against one Conv2D.ForwardWinograd
/// (ForwardWinogradMaxPool) call: equal bit for bit, each worker on its own scratch only.
/// </summary>
public class LayerBandsWinogradTests
{
    public static TheoryData<string, Conv2DDims, int> Cases()
    {
        var cases = new (string, Conv2DDims)[]
        {
            ("pad 1, 9x8, 16 -> 32 (odd P: the last band ends on half a tile)", Conv2DDims.Create(1, 9, 8, 16, 32, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
            ("valid, 13x13, 32 -> 64 (MNIST conv2)", Conv2DDims.Create(1, 13, 13, 32, 64, 3, 3)),
            ("pad 2 top only, 10x7, 16 -> 16", Conv2DDims.Create(1, 10, 7, 16, 16, 3, 3, padTop: 2, padBottom: 0, padLeft: 1, padRight: 1)),
            ("3 tile rows over 5 workers, 6x21, 16 -> 48", Conv2DDims.Create(1, 6, 21, 16, 48, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)),
        };
        var data = new TheoryData<string, Conv2DDims, int>();
        foreach (var (name, dims) in cases)
            foreach (int workers in new[] { 2, 3, 5 })
                data.Add(name, dims, workers);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bands_equal_one_call_bit_for_bit(string name, Conv2DDims d, int workers)
    {
        var (x, u, b) = Operands(d, name.Length);
        var expected = new float[d.P * d.Q * d.K];
        Conv2D.ForwardWinograd(expected, x, u, b, new float[Conv2D.WinogradWorkspaceFloats(d)], d, Activation.ReLU);

        using var pool = new WorkerPool(workers);
        var (bands, memory, offset, floats) = Bands(pool, d);
        var before = Arenas.ToArrays(memory);
        var actual = new float[expected.Length];
        Array.Fill(actual, float.NaN); // every band must write all of its rows
        LayerBands.Conv2DForwardWinograd(bands, actual, x, u, b, memory[0].View.Slice(offset, floats), d, Activation.ReLU);

        Assert.Equal(Math.Min(workers, (d.P + 1) / 2), bands.WinogradBandCount(d));
        Assert.Equal(Bits(expected), Bits(actual));
        AssertOnlyScratchWritten(before, memory, offset, floats);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pooled_bands_equal_one_call_bit_for_bit(string name, Conv2DDims d, int workers)
    {
        var p = PoolDims.Create(1, d.P, d.Q, d.K, 2, 2, 2, 2);
        Assert.True(Conv2D.SuitsWinogradMaxPool(d, p));
        var (x, u, b) = Operands(d, name.Length + 1);
        var expected = new float[p.P * p.Q * p.C];
        Conv2D.ForwardWinogradMaxPool(expected, x, u, b, new float[Conv2D.WinogradWorkspaceFloats(d)], d, p, Activation.Tanh);

        using var pool = new WorkerPool(workers);
        var (bands, memory, offset, floats) = Bands(pool, d);
        var before = Arenas.ToArrays(memory);
        var actual = new float[expected.Length];
        Array.Fill(actual, float.NaN);
        LayerBands.Conv2DForwardWinogradMaxPool(bands, actual, x, u, b, memory[0].View.Slice(offset, floats), d, p, Activation.Tanh);

        Assert.Equal(Math.Min(workers, p.P), bands.WinogradBandCount(d, p));
        Assert.Equal(Bits(expected), Bits(actual));
        AssertOnlyScratchWritten(before, memory, offset, floats);
    }

    [Fact]
    public void Small_layers_other_shapes_and_no_bands_run_on_the_calling_thread()
    {
        var d = Conv2DDims.Create(1, 9, 8, 16, 32, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        using var pool = new WorkerPool(2);
        int floats = Conv2D.WinogradWorkspaceFloats(d);
        var memory = Arenas.Of(floats, floats);
        Assert.Equal(1, new LayerBands(pool, memory, 0, floats).WinogradBandCount(d)); // 9 * 8 * 32 * 9 * 16 = 331,776 < 1,000,000
        Assert.Equal(1, new LayerBands(pool, memory, 0, floats) { MinimumMultiplyAdds = 0 }.WinogradBandCount(d with { N = 2 }));
        var strided = Conv2DDims.Create(1, 9, 8, 16, 32, 3, 3, 2, 2, 1, 1, 1, 1);
        Assert.Equal(1, new LayerBands(pool, memory, 0, floats) { MinimumMultiplyAdds = 0 }.WinogradBandCount(strided));

        var (x, u, b) = Operands(d, 1);
        var expected = new float[d.P * d.Q * d.K];
        var actual = new float[expected.Length];
        Conv2D.ForwardWinograd(expected, x, u, b, new float[floats], d);
        LayerBands.Conv2DForwardWinograd(null, actual, x, u, b, new float[floats], d);
        Assert.Equal(Bits(expected), Bits(actual));
    }

    [Fact]
    public void A_scratch_too_small_for_the_winograd_layer_is_refused()
    {
        var d = Conv2DDims.Create(1, 12, 12, 16, 32, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        using var pool = new WorkerPool(2);
        // Large enough for the direct kernel (C + 16), not for Winograd's 16 x 32 x (C + K).
        var memory = Arenas.Of(64, 64);
        var bands = new LayerBands(pool, memory, 0, 64) { MinimumMultiplyAdds = 0 };
        var (x, u, b) = Operands(d, 2);
        var error = Assert.Throws<ArgumentException>(() => LayerBands.Conv2DForwardWinograd(
            bands, new float[d.P * d.Q * d.K], x, u, b, new float[Conv2D.WinogradWorkspaceFloats(d)], d));
        Assert.Contains("workspaceFloats", error.Message);
    }

    [Fact]
    public void A_split_call_allocates_nothing()
    {
        var d = Conv2DDims.Create(1, 16, 16, 32, 32, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        var (x, u, b) = Operands(d, 2);
        var y = new float[d.P * d.Q * d.K];
        using var pool = new WorkerPool(2);
        var (bands, memory, offset, floats) = Bands(pool, d);
        Assert.Equal(2, bands.WinogradBandCount(d));
        void Run()
        {
            for (int i = 0; i < 3; i++)
                LayerBands.Conv2DForwardWinograd(bands, y, x, u, b, memory[0].View.Slice(offset, floats), d, Activation.ReLU);
        }
        Run();
        // As in LayerBandsTests: a one-off allocation may fall in one pass, a per-call one shows in both.
        long first = AllocatedBy(Run), second = AllocatedBy(Run);
        Assert.True(Math.Min(first, second) == 0, $"allocated {first} and {second} bytes in two passes of 3 calls");
    }

    private static void AssertOnlyScratchWritten(float[][] before, NativeArena[] memory, int offset, int floats)
    {
        for (int i = 0; i < memory.Length; i++)
        {
            Assert.Equal(before[i][..offset], Arenas.ToArray(memory[i])[..offset]);
            Assert.Equal(before[i][(offset + floats)..], Arenas.ToArray(memory[i])[(offset + floats)..]);
        }
    }

    private static long AllocatedBy(Action run)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        run();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Input, Winograd weights (from canonical through the forward packing) and bias.</summary>
    private static (float[] X, float[] U, float[] Bias) Operands(Conv2DDims d, int seed)
    {
        var rng = new Random(seed);
        var x = TestData.Uniform(rng, d.H * d.W * d.C);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, TestData.Uniform(rng, d.K * d.C * 9, 0.5f), d);
        var u = new float[Conv2D.WinogradWeightFloats(d)];
        Conv2D.PackWinograd(u, packed, d);
        return (x, u, TestData.Uniform(rng, d.K));
    }

    /// <summary>Per-worker arrays with garbage around and in the Winograd scratch (at an offset, as in a network's memory); splitting from the first multiply-add.</summary>
    private static (LayerBands Bands, NativeArena[] Memory, int Offset, int Floats) Bands(WorkerPool pool, Conv2DDims d)
    {
        const int offset = 5;
        int floats = Conv2D.WinogradWorkspaceFloats(d);
        var rng = new Random(13);
        var memory = new float[pool.Workers][];
        for (int i = 0; i < memory.Length; i++)
            memory[i] = TestData.Uniform(rng, offset + floats + 7, 3f);
        var arenas = Arenas.From(memory);
        return (new LayerBands(pool, arenas, offset, floats) { MinimumMultiplyAdds = 0 }, arenas, offset, floats);
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
