using NetGen.Execution;
using NetGen.Kernels;
using NetGen.Threading;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// A batch-1 convolution split by bands of output rows over a pool (LayerBands) against the
/// same convolution in one Conv2D.Forward call: the outputs must be equal bit for bit, for
/// every stride, padding, dilation and grouping, and for any number of workers.
/// </summary>
public class LayerBandsTests
{
    public record Case(string Name, Conv2DDims Dims, bool Bias, Activation Act)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case, int> Cases()
    {
        var cases = new[]
        {
            new Case("3x3 pad 1, 9x8x20 -> 40", Conv2DDims.Create(1, 9, 8, 20, 40, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1), true, Activation.ReLU),
            new Case("stem 7x7 stride 2 pad 3, 3 channels", Conv2DDims.Create(1, 17, 15, 3, 32, 7, 7, 2, 2, 3, 3, 3, 3), false, Activation.ReLU),
            new Case("downsample 1x1 stride 2", Conv2DDims.Create(1, 9, 9, 32, 48, 1, 1, 2, 2), false, Activation.None),
            new Case("dilation 2x1, asymmetric pads, groups 2, K=34", Conv2DDims.Create(1, 11, 8, 6, 34, 3, 3, 1, 1, 2, 0, 1, 2, 2, 1, 2), true, Activation.Tanh),
            new Case("stride 3x1, pad top 2 only, 5x3 kernel", Conv2DDims.Create(1, 13, 6, 5, 17, 5, 3, 3, 1, 2, 0, 1, 1), true, Activation.LeakyReLU),
            new Case("3x3 pad 1, 10x9x16 -> 64 (the pixel-tile kernel)", Conv2DDims.Create(1, 10, 9, 16, 64, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1), true, Activation.ReLU),
            new Case("7x7x32 -> 64, 3x3 pad 1: 49 pixels split by tiles or channel pairs (the pixel-tile kernel)", Conv2DDims.Create(1, 7, 7, 32, 64, 3, 3, 1, 1, 1, 1, 1, 1), false, Activation.ReLU),
            new Case("7x7x16 -> 192, 3x3 pad 1: 6 channel pairs over 2 or 3 workers, tiles over 5 (the pixel-tile kernel)", Conv2DDims.Create(1, 7, 7, 16, 192, 3, 3, 1, 1, 1, 1, 1, 1), true, Activation.ReLU),
            new Case("stem 7x7 stride 2 pad 3, 3 -> 64 (the row-tap kernel)", Conv2DDims.Create(1, 21, 19, 3, 64, 7, 7, 2, 2, 3, 3, 3, 3), true, Activation.ReLU),
            new Case("depthwise 3x3 stride 2 pad 1", Conv2DDims.Create(1, 10, 7, 24, 24, 3, 3, 2, 2, 1, 1, 1, 1, groups: 24), true, Activation.ReLU),
        };
        var data = new TheoryData<Case, int>();
        foreach (var c in cases)
        {
            foreach (int workers in new[] { 2, 3, 5 })
            {
                data.Add(c, workers);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bands_equal_one_call_bit_for_bit(Case t, int workers)
    {
        var d = t.Dims;
        var (x, packed, b) = Operands(d, t.Bias, t.Name.Length);
        var expected = new float[d.P * d.Q * d.K];
        Conv2D.Forward(expected, x, packed, b, new float[Conv2D.ForwardWorkspaceFloats(d)], d, t.Act, 0.1f);

        using var pool = new WorkerPool(workers);
        var (bands, memory, offset, floats) = Bands(pool, d);
        var before = Arenas.ToArrays(memory);
        var actual = new float[expected.Length];
        Array.Fill(actual, float.NaN); // every band must write all of its rows
        LayerBands.Conv2DForward(bands, actual, x, packed, b, memory[0].View.Slice(offset, floats), d, t.Act, 0.1f);

        // By 8-pixel tiles or 32-channel pairs where the pixel-tile kernel runs the layer, else by rows.
        int units = !Conv2D.SuitsPixelTiles(d) ? d.P : bands.SplitsByChannels(d) ? d.K / 32 : (d.P * d.Q + 7) / 8;
        Assert.Equal(Math.Min(workers, units), bands.BandCount(d));
        Assert.Equal(Bits(expected), Bits(actual));
        // Each worker wrote only its own scratch.
        for (int i = 0; i < workers; i++)
        {
            Assert.Equal(before[i][..offset], Arenas.ToArray(memory[i])[..offset]);
            Assert.Equal(before[i][(offset + floats)..], Arenas.ToArray(memory[i])[(offset + floats)..]);
        }
    }

    [Fact]
    public void A_band_in_the_padding_alone_keeps_the_layer_whole()
    {
        // 2 input rows, 3 zero rows above and below, 1x1: output rows 0-2 and 5-7 read only padding.
        var d = Conv2DDims.Create(1, 2, 4, 3, 16, 1, 1, padTop: 3, padBottom: 3);
        Assert.Equal(8, d.P);
        Assert.False(Conv2D.TryRowBand(d, 0, 3, out _, out _));
        Assert.True(Conv2D.TryRowBand(d, 2, 4, out var band, out int row));
        Assert.Equal((0, 1, 1, 2), (row, band.H, band.PadTop, band.P));
        using var pool = new WorkerPool(3);
        var (bands, memory, offset, floats) = Bands(pool, d);
        // Three bands would be rows [0, 2), [2, 5), [5, 8): the first and last read nothing.
        Assert.Equal(1, bands.BandCount(d));

        var (x, packed, b) = Operands(d, true, 3);
        var expected = new float[d.P * d.Q * d.K];
        Conv2D.Forward(expected, x, packed, b, new float[Conv2D.ForwardWorkspaceFloats(d)], d);
        var actual = new float[expected.Length];
        LayerBands.Conv2DForward(bands, actual, x, packed, b, memory[0].View.Slice(offset, floats), d);
        Assert.Equal(Bits(expected), Bits(actual));
    }

    [Fact]
    public void Band_geometry_follows_stride_padding_and_dilation()
    {
        // 3x3, dilation 2 (reach 5 rows), stride 2, pad top 2: output row p reads rows 2p - 2, 2p, 2p + 2.
        var d = Conv2DDims.Create(1, 12, 4, 1, 16, 3, 3, 2, 1, 2, 2, 2, 2, 2, 2);
        Assert.Equal(6, d.P);
        Assert.True(Conv2D.TryRowBand(d, 0, 2, out var first, out int firstRow));
        Assert.Equal((0, 5, 2), (firstRow, first.H, first.PadTop)); // rows -2..4, of which 0..4 exist
        Assert.True(Conv2D.TryRowBand(d, 4, 6, out var last, out int lastRow));
        Assert.Equal((6, 6, 0), (lastRow, last.H, last.PadTop)); // rows 6..12, of which 6..11 exist
        Assert.Throws<ArgumentException>(() => Conv2D.TryRowBand(d, 3, 3, out _, out _));
        Assert.Throws<ArgumentException>(() => Conv2D.TryRowBand(d with { N = 2 }, 0, 1, out _, out _));
    }

    [Fact]
    public void Small_layers_and_no_bands_run_on_the_calling_thread()
    {
        var d = Conv2DDims.Create(1, 9, 8, 20, 40, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        using var pool = new WorkerPool(2);
        var memory = Arenas.Of(64, 64);
        Assert.Equal(1, new LayerBands(pool, memory, 0, 64).BandCount(d)); // 9 * 8 * 40 * 9 * 20 = 518,400 < 1,000,000
        Assert.Equal(2, new LayerBands(pool, memory, 0, 64) { MinimumMultiplyAdds = LayerBands.MultiplyAdds(d) }.BandCount(d));
        var (x, packed, b) = Operands(d, true, 1);
        var expected = new float[d.P * d.Q * d.K];
        var actual = new float[expected.Length];
        Conv2D.Forward(expected, x, packed, b, new float[64], d);
        LayerBands.Conv2DForward(null, actual, x, packed, b, new float[64], d);
        Assert.Equal(Bits(expected), Bits(actual));
    }

    [Fact]
    public void Wrong_worker_arrays_are_refused_with_what_is_wrong()
    {
        using var pool = new WorkerPool(2);
        var one = Assert.Throws<ArgumentException>(() => new LayerBands(pool, Arenas.Of(64), 0, 32));
        Assert.Contains("1 worker arenas for a pool of 2 workers", one.Message);
        var small = Assert.Throws<ArgumentException>(() => new LayerBands(pool, Arenas.Of(64, 40), 16, 32));
        Assert.Contains("worker 1's arena cannot hold the scratch [16, 48)", small.Message);
    }

    [Fact]
    public void A_split_call_allocates_nothing()
    {
        var d = Conv2DDims.Create(1, 16, 16, 32, 32, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        var (x, packed, b) = Operands(d, true, 2);
        var y = new float[d.P * d.Q * d.K];
        using var pool = new WorkerPool(2);
        var (bands, memory, offset, floats) = Bands(pool, d);
        Assert.Equal(2, bands.BandCount(d));
        void Run()
        {
            for (int i = 0; i < 10; i++)
                LayerBands.Conv2DForward(bands, y, x, packed, b, memory[0].View.Slice(offset, floats), d, Activation.ReLU);
        }
        Run();
        // As in WorkerPredictTests: a one-off allocation may fall in one pass, a per-call one shows in both.
        long first = AllocatedBy(Run), second = AllocatedBy(Run);
        Assert.True(Math.Min(first, second) == 0, $"allocated {first} and {second} bytes in two passes of 10 calls");
    }

    private static long AllocatedBy(Action run)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        run();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static (float[] X, float[] Packed, float[] Bias) Operands(Conv2DDims d, bool bias, int seed)
    {
        var rng = new Random(seed);
        var x = TestData.Uniform(rng, d.H * d.W * d.C);
        var w = TestData.Uniform(rng, d.K * d.GroupC * d.R * d.S, 0.5f);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, w, d);
        return (x, packed, bias ? TestData.Uniform(rng, d.K) : []);
    }

    /// <summary>Per-worker arrays with garbage around and in the scratch (at an offset, as in a network's memory); splitting from the first multiply-add.</summary>
    private static (LayerBands Bands, NativeArena[] Memory, int Offset, int Floats) Bands(WorkerPool pool, Conv2DDims d)
    {
        const int offset = 7;
        int floats = Conv2D.ForwardWorkspaceFloats(d);
        var rng = new Random(11);
        var memory = new float[pool.Workers][];
        for (int i = 0; i < memory.Length; i++)
            memory[i] = TestData.Uniform(rng, offset + floats + 9, 3f);
        var arenas = Arenas.From(memory);
        return (new LayerBands(pool, arenas, offset, floats) { MinimumMultiplyAdds = 0 }, arenas, offset, floats);
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
