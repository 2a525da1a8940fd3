using NetGen.Execution;
using NetGen.Kernels;
using NetGen.Threading;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// A batch-1 Winograd layer split by output channels (LayerBands.Conv2DForwardWinograd on layers whose transformed
/// weights outweigh their maps, Conv2D.ForwardWinogradChannels per band) against one whole-layer
/// Conv2D.ForwardWinograd call: equal bit for bit, each range writing its channels and no others.
/// </summary>
public class LayerBandsWinogradChannelsTests
{
    public static TheoryData<int, int, int, int, bool, Activation> Cases()
    {
        var data = new TheoryData<int, int, int, int, bool, Activation>();
        foreach (int size in new[] { 7, 14 })
            foreach (var (c, k) in new[] { (64, 64), (32, 128), (16, 512) })
                foreach (int workers in new[] { 2, 3 })
                {
                    data.Add(size, c, k, workers, true, Activation.ReLU);
                    data.Add(size, c, k, workers, false, Activation.None);
                }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Channel_bands_equal_one_call_bit_for_bit(int size, int c, int k, int workers, bool withBias, Activation activation)
    {
        var d = Same(size, c, k);
        var (x, u, b) = Operands(d, size + k + workers, withBias);
        var expected = new float[d.P * d.Q * d.K];
        Conv2D.ForwardWinograd(expected, x, u, b, new float[Conv2D.WinogradWorkspaceFloats(d)], d, activation);

        using var pool = new WorkerPool(workers);
        var (bands, memory, offset, floats) = Bands(pool, d);
        Assert.True(bands.SplitsWinogradByChannels(d));
        // Whole groups of 64 channels when K has one per worker, else blocks of 16.
        int step = k % 64 == 0 && k / 64 >= workers ? 64 : 16;
        Assert.Equal(Math.Min(workers, k / step), bands.WinogradBandCount(d));
        var before = Arenas.ToArrays(memory);
        var actual = new float[expected.Length];
        Array.Fill(actual, float.NaN); // every band must write all of its channels
        LayerBands.Conv2DForwardWinograd(bands, actual, x, u, b, memory[0].View.Slice(offset, floats), d, activation);

        Assert.Equal(Bits(expected), Bits(actual));
        for (int i = 0; i < memory.Length; i++)
        {
            Assert.Equal(before[i][..offset], Arenas.ToArray(memory[i])[..offset]);
            Assert.Equal(before[i][(offset + floats)..], Arenas.ToArray(memory[i])[(offset + floats)..]);
        }
    }

    [Theory]
    [InlineData(0, 64, Activation.Tanh)]
    [InlineData(64, 128, Activation.Tanh)]
    [InlineData(16, 48, Activation.ReLU)]
    [InlineData(112, 128, Activation.None)]
    [InlineData(0, 128, Activation.LeakyReLU)]
    public void A_channel_range_writes_its_channels_of_every_pixel_and_no_others(int first, int end, Activation activation) =>
        CheckRange(first, end, activation, KernelPath.Hardware);

    [Theory]
    [InlineData(0, 64, Activation.Tanh)]
    [InlineData(16, 48, Activation.ReLU)]
    [InlineData(96, 128, Activation.None)]
    public void A_channel_range_on_the_256_bit_path_writes_its_channels_and_no_others(int first, int end, Activation activation) =>
        CheckRange(first, end, activation, KernelPath.Vector256);

    [Theory]
    [InlineData(0, 64, Activation.Tanh)]
    [InlineData(16, 48, Activation.ReLU)]
    [InlineData(96, 128, Activation.None)]
    public void A_channel_range_on_the_128_bit_path_writes_its_channels_and_no_others(int first, int end, Activation activation) =>
        CheckRange(first, end, activation, KernelPath.Vector128);

    [Theory]
    [InlineData(0, 64, Activation.Tanh)]
    [InlineData(16, 48, Activation.ReLU)]
    [InlineData(96, 128, Activation.None)]
    public void A_channel_range_on_the_128_bit_unfused_path_writes_its_channels_and_no_others(int first, int end, Activation activation) =>
        CheckRange(first, end, activation, KernelPath.Vector128Unfused);

    private static void CheckRange(int first, int end, Activation activation, KernelPath path)
    {
        // 7x9 output: odd P and Q, so the last tile row and column store half a tile.
        var d = Conv2DDims.Create(1, 7, 9, 32, 128, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        var (x, u, b) = Operands(d, first + end, withBias: true);
        var whole = new float[d.P * d.Q * d.K];
        Conv2D.ForwardWinograd(whole, x, u, b, new float[Conv2D.WinogradWorkspaceFloats(d)], d, activation, 0.1f, path);

        var y = new float[whole.Length];
        Array.Fill(y, float.NaN);
        Conv2D.ForwardWinogradChannels(y, x, u, b, new float[Conv2D.WinogradWorkspaceFloats(d)], d, activation, 0.1f, first, end, path);

        for (int i = 0; i < y.Length; i++)
        {
            int channel = i % d.K;
            int expected = channel >= first && channel < end ? BitConverter.SingleToInt32Bits(whole[i]) : BitConverter.SingleToInt32Bits(float.NaN);
            Assert.True(expected == BitConverter.SingleToInt32Bits(y[i]), $"pixel {i / d.K}, channel {channel}: {y[i]} for {whole[i]}");
        }
    }

    [Theory]
    [InlineData(8, 64)]
    [InlineData(0, 40)]
    [InlineData(64, 64)]
    [InlineData(-16, 64)]
    [InlineData(64, 144)]
    public void A_range_not_of_whole_blocks_within_k_is_refused(int first, int end)
    {
        var d = Conv2DDims.Create(1, 7, 7, 16, 128, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        var (x, u, b) = Operands(d, 3, withBias: true);
        var error = Assert.Throws<ArgumentException>(() => Conv2D.ForwardWinogradChannels(
            new float[d.P * d.Q * d.K], x, u, b, new float[Conv2D.WinogradWorkspaceFloats(d)], d, Activation.None, 0f, first, end, KernelPath.Hardware));
        Assert.Contains($"[{first}, {end})", error.Message);
        Assert.Contains("Conv2D.ForwardWinogradChannels", error.Message);
    }

    [Fact]
    public void ResNet18_layers_split_by_channels_from_14x14x256_on_by_default()
    {
        using var pool = new WorkerPool(2);
        var memory = Arenas.Of(1, 1);
        var bands = new LayerBands(pool, memory, 0, 1);
        Assert.False(bands.SplitsWinogradByChannels(Same(56, 64, 64)));
        Assert.False(bands.SplitsWinogradByChannels(Same(28, 128, 128)));
        // 28x28x128's weights outweigh its maps (0.26M floats against 0.20M) but are under the 0.52M minimum.
        Assert.True(new LayerBands(pool, memory, 0, 1) { MinimumChannelSplitWeightFloats = 0 }.SplitsWinogradByChannels(Same(28, 128, 128)));
        Assert.True(bands.SplitsWinogradByChannels(Same(14, 256, 256)));
        Assert.True(bands.SplitsWinogradByChannels(Same(7, 512, 512)));
        // Small weights stay in cache: rows, whatever the maps.
        Assert.False(bands.SplitsWinogradByChannels(Same(7, 64, 64)));
        Assert.False(new LayerBands(pool, memory, 0, 1) { MinimumChannelSplitWeightFloats = long.MaxValue }.SplitsWinogradByChannels(Same(7, 512, 512)));
    }

    [Fact]
    public void A_channel_split_call_allocates_nothing()
    {
        var d = Same(7, 64, 128);
        var (x, u, b) = Operands(d, 2, withBias: true);
        var y = new float[d.P * d.Q * d.K];
        using var pool = new WorkerPool(2);
        var (bands, memory, offset, floats) = Bands(pool, d);
        Assert.True(bands.SplitsWinogradByChannels(d));
        Assert.Equal(2, bands.WinogradBandCount(d));
        void Run()
        {
            for (int i = 0; i < 3; i++)
                LayerBands.Conv2DForwardWinograd(bands, y, x, u, b, memory[0].View.Slice(offset, floats), d, Activation.ReLU);
        }
        Run();
        // As in LayerBandsTests: a one-off allocation may fall in one pass, a per-call one shows in both.
        long firstPass = AllocatedBy(Run), secondPass = AllocatedBy(Run);
        Assert.True(Math.Min(firstPass, secondPass) == 0, $"allocated {firstPass} and {secondPass} bytes in two passes of 3 calls");
    }

    private static Conv2DDims Same(int size, int c, int k) =>
        Conv2DDims.Create(1, size, size, c, k, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);

    private static long AllocatedBy(Action run)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        run();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Input, Winograd weights (from canonical through the forward packing) and bias (empty without).</summary>
    private static (float[] X, float[] U, float[] Bias) Operands(Conv2DDims d, int seed, bool withBias)
    {
        var rng = new Random(seed);
        var x = TestData.Uniform(rng, d.H * d.W * d.C);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, TestData.Uniform(rng, d.K * d.C * 9, 0.5f), d);
        var u = new float[Conv2D.WinogradWeightFloats(d)];
        Conv2D.PackWinograd(u, packed, d);
        return (x, u, withBias ? TestData.Uniform(rng, d.K) : Array.Empty<float>());
    }

    /// <summary>Per-worker arrays with garbage around and in the Winograd scratch; every layer split, and by channels where its weights outweigh its maps.</summary>
    private static (LayerBands Bands, NativeArena[] Memory, int Offset, int Floats) Bands(WorkerPool pool, Conv2DDims d)
    {
        const int offset = 5;
        int floats = Conv2D.WinogradWorkspaceFloats(d);
        var rng = new Random(13);
        var memory = new float[pool.Workers][];
        for (int i = 0; i < memory.Length; i++)
            memory[i] = TestData.Uniform(rng, offset + floats + 7, 3f);
        var arenas = Arenas.From(memory);
        return (new LayerBands(pool, arenas, offset, floats) { MinimumMultiplyAdds = 0, MinimumChannelSplitWeightFloats = 0 }, arenas, offset, floats);
    }

    private static int[] Bits(float[] values) => Array.ConvertAll(values, BitConverter.SingleToInt32Bits);
}
