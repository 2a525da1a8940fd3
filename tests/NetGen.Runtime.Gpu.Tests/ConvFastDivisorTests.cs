using Xunit;

namespace NetGen.Gpu.Tests;

public class ConvFastDivisorTests
{
    [Fact]
    public void DividesExactlyAsIntegerDivision()
    {
        int[] dividends = [0, 1, 2, 3, 7, 63, 64, 65, 1000, 65535, 65536, 1 << 20, 123456789, int.MaxValue - 1, int.MaxValue];
        var random = new Random(5);
        for (int d = 1; d <= 2000; d++)
        {
            var divisor = FastDivisor.Of(d);
            foreach (int n in dividends.Concat(Enumerable.Range(0, 40).Select(_ => random.Next())).Concat(Enumerable.Range(0, 3 * d)))
            {
                int q = divisor.DivRem(n, out int rest);
                if (q != n / d || rest != n % d)
                    Assert.Fail($"{n} / {d}: got {q} remainder {rest}, expected {n / d} remainder {n % d}.");
            }
        }
        foreach (int d in new[] { 50176, 1 << 16, (1 << 16) + 1, 1 << 30, int.MaxValue })
        {
            var divisor = FastDivisor.Of(d);
            foreach (int n in dividends) Assert.Equal(n / d, divisor.Divide(n));
        }
    }

    [Fact]
    public void ADivisorBelowOneIsRefused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FastDivisor.Of(0));
        Assert.Contains("the divisor is 0", e.Message);
    }
}
