using NetGen.Training;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

public class InitializerTests
{
    private const int N = 200_000;

    private static (double Mean, double Variance, double Min, double Max) Stats(float[] w)
    {
        double mean = w.Average(x => (double)x);
        double variance = w.Sum(x => (x - mean) * (x - mean)) / w.Length;
        return (mean, variance, w.Min(), w.Max());
    }

    [Fact]
    public void KaimingNormal_HasVarianceTwoOverFanIn()
    {
        var w = new float[N];
        Initializers.KaimingNormal(w, fanIn: 50, new SeededRandom(1));
        var (mean, variance, _, _) = Stats(w);
        // std 0.2; the sample mean's sd is 0.2 / sqrt(N) = 4.5e-4, the variance's ~0.3%.
        Assert.InRange(mean, -0.002, 0.002);
        Assert.InRange(variance / (2.0 / 50), 0.985, 1.015);
    }

    [Fact]
    public void KaimingUniform_HasBoundAndVariance()
    {
        var w = new float[N];
        Initializers.KaimingUniform(w, fanIn: 50, new SeededRandom(2));
        var (mean, variance, min, max) = Stats(w);
        double bound = Math.Sqrt(6.0 / 50);
        Assert.InRange(mean, -0.002, 0.002);
        Assert.InRange(variance / (2.0 / 50), 0.985, 1.015);
        Assert.InRange(min, -bound, -0.99 * bound);
        Assert.InRange(max, 0.99 * bound, bound);
    }

    [Fact]
    public void XavierUniformAndNormal_HaveVarianceTwoOverFanSum()
    {
        var w = new float[N];
        Initializers.XavierUniform(w, fanIn: 30, fanOut: 70, new SeededRandom(3));
        var (mean, variance, min, max) = Stats(w);
        double bound = Math.Sqrt(6.0 / 100);
        Assert.InRange(mean, -0.002, 0.002);
        Assert.InRange(variance / 0.02, 0.985, 1.015);
        Assert.InRange(min, -bound, -0.99 * bound);
        Assert.InRange(max, 0.99 * bound, bound);

        Initializers.XavierNormal(w, fanIn: 30, fanOut: 70, new SeededRandom(4));
        (mean, variance, _, _) = Stats(w);
        Assert.InRange(mean, -0.002, 0.002);
        Assert.InRange(variance / 0.02, 0.985, 1.015);
    }

    [Fact]
    public void SameSeed_SameWeights_DifferentSeed_DifferentWeights()
    {
        float[] a = new float[1000], b = new float[1000], c = new float[1000];
        Initializers.KaimingNormal(a, 25, new SeededRandom(42));
        Initializers.KaimingNormal(b, 25, new SeededRandom(42));
        Initializers.KaimingNormal(c, 25, new SeededRandom(43));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void KaimingUniform_MatchesAnIndependentImplementation()
    {
        // Values from a Python implementation of splitmix64 + xoshiro128** and the same
        // bound * (2u - 1) mapping, rounded to float32: the weights do not depend on .NET.
        var w = new float[4];
        Initializers.KaimingUniform(w, fanIn: 25, new SeededRandom(123));
        Assert.Equal([-0.10832918435335159f, -0.26681315898895264f, 0.3928116261959076f, -0.37745603919029236f], w);
    }

    [Fact]
    public void KaimingNormal_MatchesAnIndependentPolarMethod()
    {
        // The same Python implementation with Marsaglia's polar method and math.log; equal to
        // within rounding of the logarithm's last bit.
        float[] expected = [-0.3305026888847351f, -0.04335738718509674f, -0.18209736049175262f, -0.518517255783081f, -0.02790497988462448f];
        var w = new float[5];
        Initializers.KaimingNormal(w, fanIn: 9, new SeededRandom(7));
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(expected[i], w[i], Math.Abs(expected[i]) * 1e-6f);
        }
    }

    [Fact]
    public void Fans_FollowPyTorch()
    {
        Assert.Equal((25, 150), Initializers.Fans([6, 1, 5, 5]));
        Assert.Equal((84, 10), Initializers.Fans([10, 84]));
        Assert.Throws<ArgumentException>(() => Initializers.Fans([10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Initializers.KaimingNormal(new float[1], 0, new SeededRandom(0)));
    }
}
