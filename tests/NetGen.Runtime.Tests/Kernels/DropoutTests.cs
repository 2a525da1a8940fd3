using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class DropoutTests
{
    [Theory]
    [InlineData(0.0f)]
    [InlineData(0.25f)]
    [InlineData(0.5f)]
    [InlineData(1.0f)]
    public void Mask_drops_about_rate_scales_survivors_and_backward_reuses_it(float rate)
    {
        const int f = 20000;
        var rng = new Random(12);
        var x = TestData.Uniform(rng, f);
        var y = new float[f];
        var mask = new float[f];
        var random = new FastRandom(1234);
        Dropout.ForwardTraining(y, mask, x, rate, ref random);
        int dropped = mask.Count(m => m == 0f);
        // Binomial(f, rate): 5 standard deviations is a deterministic bound for this seed.
        double sd = Math.Sqrt(f * rate * (1 - rate));
        Assert.InRange(dropped, f * rate - 5 * sd - 0.5, f * rate + 5 * sd + 0.5);
        float keep = rate < 1 ? 1 / (1 - rate) : 0;
        Assert.All(mask, m => Assert.True(m == 0f || m == keep));
        for (int i = 0; i < f; i++)
        {
            Assert.Equal(x[i] * mask[i], y[i]);
        }

        var dY = TestData.Uniform(rng, f);
        var dX0 = TestData.Uniform(rng, f);
        var dX = (float[])dX0.Clone();
        Dropout.Backward(dX, dY, mask);
        TensorAssert.Close(Enumerable.Range(0, f).Select(i => dX0[i] + (double)dY[i] * mask[i]).ToArray(), dX, 1e-6, 1e-7, "dX");
    }

    [Fact]
    public void Same_seed_gives_the_same_mask_and_streams_differ()
    {
        var x = new float[256];
        Array.Fill(x, 1f);
        float[] Mask(ulong seed, ulong stream)
        {
            var random = new FastRandom(seed, stream);
            var m = new float[x.Length];
            Dropout.ForwardTraining(new float[x.Length], m, x, 0.5f, ref random);
            return m;
        }
        Assert.Equal(Mask(7, 0), Mask(7, 0));
        Assert.NotEqual(Mask(7, 0), Mask(7, 1));
        Assert.NotEqual(Mask(7, 0), Mask(8, 0));
    }
}
