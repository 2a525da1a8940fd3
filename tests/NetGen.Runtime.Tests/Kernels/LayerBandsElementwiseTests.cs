using NetGen.Execution;
using NetGen.Kernels;
using NetGen.Threading;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The max pool and the residual adds split over a pool (LayerBands) against the same kernel in one
/// call: equal bit for bit, every output written, for any number of workers.
/// </summary>
public class LayerBandsElementwiseTests
{
    public static TheoryData<int> Workers() => new() { 2, 3, 5 };

    [Theory]
    [MemberData(nameof(Workers))]
    public void Max_pool_bands_equal_one_call_bit_for_bit(int workers)
    {
        // ResNet's stem pool (3x3, stride 2, pad 1) on an odd size and 20 channels (a 4-channel tail past the 16-lane block).
        var d = PoolDims.Create(1, 23, 21, 20, 3, 3, 2, 2, 1, 1, 1, 1);
        var x = TestData.Uniform(new Random(3), d.H * d.W * d.C);
        var expected = new float[d.P * d.Q * d.C];
        MaxPool2D.Forward(expected, x, d);

        using var pool = new WorkerPool(workers);
        var actual = new float[expected.Length];
        Array.Fill(actual, float.NaN);
        LayerBands.MaxPool2DForward(Bands(pool, 0), actual, x, d);
        Assert.Equal(Bits(expected), Bits(actual));
    }

    [Fact]
    public void A_pool_row_range_writes_those_rows_only_and_refuses_an_empty_range()
    {
        var d = PoolDims.Create(2, 9, 8, 16, 3, 3, 2, 2, 1, 1, 1, 1);
        var x = TestData.Uniform(new Random(4), d.N * d.H * d.W * d.C);
        var whole = new float[d.N * d.P * d.Q * d.C];
        MaxPool2D.Forward(whole, x, d);
        var part = new float[whole.Length];
        Array.Fill(part, float.NaN);
        MaxPool2D.ForwardRows(part, x, d, 1, 3);
        int rowFloats = d.Q * d.C;
        for (int i = 0; i < part.Length; i++)
        {
            int row = i / rowFloats % d.P;
            if (row is >= 1 and < 3) Assert.Equal(whole[i], part[i]);
            else Assert.True(float.IsNaN(part[i]), $"element {i} of row {row} outside [1, 3) was written");
        }
        var error = Assert.Throws<ArgumentException>(() => MaxPool2D.ForwardRows(part, x, d, 3, 3));
        Assert.Contains($"0 <= first < end <= P = {d.P}; got [3, 3)", error.Message);
    }

    [Theory]
    [InlineData(2, true, "apart")]
    [InlineData(3, true, "y is a")]
    [InlineData(5, true, "y is b")]
    [InlineData(2, false, "apart")]
    [InlineData(3, false, "y is b")]
    public void Add_bands_equal_one_call_bit_for_bit(int workers, bool relu, string placement)
    {
        const int length = 1000 * 16 + 7; // a tail past the last 16-float block
        var rng = new Random(workers);
        var a = TestData.Uniform(rng, length);
        var b = TestData.Uniform(rng, length);
        var expected = new float[length];
        if (relu) Elementwise.AddReLU(expected, a, b);
        else Elementwise.Add(expected, a, b);

        using var pool = new WorkerPool(workers);
        var bands = Bands(pool, 0);
        float[] y = placement switch
        {
            "y is a" => a,
            "y is b" => b,
            _ => Enumerable.Repeat(float.NaN, length).ToArray(),
        };
        if (relu) LayerBands.AddReLU(bands, y, a, b);
        else LayerBands.Add(bands, y, a, b);
        Assert.Equal(Bits(expected), Bits(y));
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    public void The_input_transpose_by_bands_equals_the_element_loop(int workers, int channels)
    {
        const int h = 13, w = 11;
        var src = TestData.Uniform(new Random(channels), channels * h * w);
        var expected = new float[src.Length];
        Layout.NchwToNhwc(expected, src, 1, channels, h, w);
        using var pool = new WorkerPool(workers);
        var actual = Enumerable.Repeat(float.NaN, src.Length).ToArray();
        LayerBands.NchwToNhwc(Bands(pool, 0), actual, src, channels, h, w);
        Assert.Equal(Bits(expected), Bits(actual));
        var error = Assert.Throws<ArgumentException>(() => Layout.NchwToNhwcRows(actual, src, channels, h, w, 5, h + 1));
        Assert.Contains($"0 <= first < end <= H = {h}; got [5, {h + 1})", error.Message);
    }

    [Fact]
    public void An_add_whose_output_overlaps_an_input_at_a_shift_runs_whole()
    {
        // y starts 16 floats into a's array: a band of y would read what another band wrote.
        var rng = new Random(9);
        var buffer = TestData.Uniform(rng, 4096 + 16);
        var b = TestData.Uniform(rng, 4096);
        var copy = (float[])buffer.Clone();
        Elementwise.AddReLU(copy.AsSpan(16), copy.AsSpan(0, 4096), b);
        using var pool = new WorkerPool(2);
        LayerBands.AddReLU(Bands(pool, 0), buffer.AsSpan(16), buffer.AsSpan(0, 4096), b);
        Assert.Equal(Bits(copy), Bits(buffer));
    }

    [Fact]
    public void Small_pools_and_adds_run_on_the_calling_thread()
    {
        var pool = new WorkerPool(2);
        var bands = Bands(pool, LayerBands.DefaultMinimumElements);
        pool.Dispose();
        // Below 32K output floats: a split would run on the disposed pool, which throws.
        var d = PoolDims.Create(1, 14, 14, 64, 3, 3, 2, 2, 1, 1, 1, 1); // 7 x 7 x 64 = 3,136 outputs
        LayerBands.MaxPool2DForward(bands, new float[d.P * d.Q * d.C], new float[d.H * d.W * d.C], d);
        var y = new float[LayerBands.DefaultMinimumElements - 1];
        LayerBands.AddReLU(bands, y, y, y);
        LayerBands.Add(null, y, y, y);
        Assert.Throws<ObjectDisposedException>(() => LayerBands.AddReLU(bands, new float[LayerBands.DefaultMinimumElements], new float[LayerBands.DefaultMinimumElements], new float[LayerBands.DefaultMinimumElements]));
    }

    [Fact]
    public void Split_pools_and_adds_allocate_nothing()
    {
        var d = PoolDims.Create(1, 32, 32, 32, 3, 3, 2, 2, 1, 1, 1, 1);
        var x = new float[d.H * d.W * d.C];
        var pooled = new float[d.P * d.Q * d.C];
        var sum = new float[8192];
        using var pool = new WorkerPool(2);
        var bands = Bands(pool, 0);
        void Run()
        {
            for (int i = 0; i < 10; i++)
            {
                LayerBands.MaxPool2DForward(bands, pooled, x, d);
                LayerBands.AddReLU(bands, sum, sum, sum);
            }
        }
        Run();
        // As in LayerBandsTests: a one-off allocation may fall in one pass, a per-call one shows in both.
        long first = AllocatedBy(Run), second = AllocatedBy(Run);
        Assert.True(Math.Min(first, second) == 0, $"allocated {first} and {second} bytes in two passes of 10 calls");
    }

    private static long AllocatedBy(Action run)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        run();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Bands over the pool with a small scratch (the pools and adds use none).</summary>
    private static LayerBands Bands(WorkerPool pool, int minimumElements) =>
        new(pool, Arenas.Of(Enumerable.Repeat(16, pool.Workers).ToArray()), 0, 16) { MinimumElements = minimumElements };

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
