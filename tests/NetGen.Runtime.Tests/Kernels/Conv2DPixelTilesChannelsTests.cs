using NetGen.Execution;
using NetGen.Kernels;
using NetGen.Threading;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>The pixel-tile forward over a range of output channels against the same channels of the whole layer.</summary>
public class Conv2DPixelTilesChannelsTests
{
    [Fact]
    public void A_channel_range_equals_those_channels_of_the_whole_layer_and_leaves_the_others()
    {
        var d = Conv2DDims.Create(2, 7, 6, 24, 128, 3, 3, 1, 1, 1, 1, 1, 1);
        var rng = new Random(8);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, TestData.Uniform(rng, d.K * d.C * d.R * d.S, 0.5f), d);
        var bias = TestData.Uniform(rng, d.K);
        var whole = new float[d.N * d.P * d.Q * d.K];
        Conv2D.ForwardPixelTiles(whole, x, packed, bias, new float[64], d, Activation.ReLU);

        var part = new float[whole.Length];
        Array.Fill(part, float.NaN);
        Conv2D.ForwardPixelTilesChannels(part, x, packed, bias, new float[64], d, Activation.ReLU, 0f, 32, 96);
        for (int i = 0; i < part.Length; i++)
        {
            int k = i % d.K;
            if (k is >= 32 and < 96)
                Assert.True(BitConverter.SingleToInt32Bits(whole[i]) == BitConverter.SingleToInt32Bits(part[i]), $"element {i} (channel {k}): {part[i]} against {whole[i]}");
            else
                Assert.True(float.IsNaN(part[i]), $"element {i} (channel {k}) outside [32, 96) was written");
        }
    }

    [Theory]
    [InlineData(16, 64, "[16, 64)")]
    [InlineData(64, 64, "[64, 64)")]
    [InlineData(0, 160, "[0, 160)")]
    public void A_range_off_the_channel_pairs_is_refused_with_the_range(int first, int end, string shown)
    {
        var d = Conv2DDims.Create(1, 6, 6, 16, 128, 3, 3, 1, 1, 1, 1, 1, 1);
        var error = Assert.Throws<ArgumentException>(() => Conv2D.ForwardPixelTilesChannels(
            new float[d.P * d.Q * d.K], new float[d.H * d.W * d.C], new float[Conv2D.PackedWeightFloats(d)], [], new float[64], d,
            Activation.None, 0f, first, end));
        Assert.Contains($"0 <= first < end <= K = 128, both multiples of 32; got {shown}", error.Message);
    }

    [Fact]
    public void Bands_split_by_channels_where_tiles_share_worse_or_weights_outweigh_the_input()
    {
        using var pool = new WorkerPool(2);
        var bands = new LayerBands(pool, Arenas.Of(16, 16), 0, 16);
        // ResNet-18 stage 4, 7x7: 7 tiles split 4 against 3; 16 channel pairs split 8 and 8.
        var stage4 = Conv2DDims.Create(1, 7, 7, 512, 512, 3, 3, 1, 1, 1, 1, 1, 1);
        Assert.True(bands.SplitsByChannels(stage4));
        Assert.Equal(2, bands.BandCount(stage4));
        // Stage 2, 28x28x128: even both ways, the weights (147K floats) outweigh the input (100K).
        Assert.True(bands.SplitsByChannels(Conv2DDims.Create(1, 28, 28, 128, 128, 3, 3, 1, 1, 1, 1, 1, 1)));
        // Stage 1, 56x56x64: even both ways, the input (200K floats) outweighs the weights (37K).
        Assert.False(bands.SplitsByChannels(Conv2DDims.Create(1, 56, 56, 64, 64, 3, 3, 1, 1, 1, 1, 1, 1)));
        // The stem runs the row-tap kernel: never by channels.
        Assert.False(bands.SplitsByChannels(Conv2DDims.Create(1, 224, 224, 3, 64, 7, 7, 2, 2, 3, 3, 3, 3)));
    }
}
