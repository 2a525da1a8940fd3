using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>Clip forward against min(max(x, lo), hi) in float64, backward against finite differences.</summary>
public class ClipTests
{
    /// <summary>Uniform values in [-2, 2) from a seed (shared with the other elementwise kernel tests).</summary>
    internal static float[] Values(int count, ulong seed)
    {
        var random = new NetGen.Training.SeededRandom(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = 4f * random.NextSingle() - 2f;
        return values;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(256)]
    public void Forward_clips_every_element_in_place_or_not(int count)
    {
        var x = Values(count, 3);
        var y = new float[count];
        Clip.Forward(y, x, -0.5f, 1.25f);
        for (int i = 0; i < count; i++) Assert.Equal((float)System.Math.Min(System.Math.Max((double)x[i], -0.5), 1.25), y[i]);
        Clip.Forward(x, x, -0.5f, 1.25f);
        Assert.Equal(y, x);
    }

    [Fact]
    public void Backward_accumulates_the_finite_difference_gradient_and_zero_at_the_bounds()
    {
        const int count = 41;
        const float lo = -0.5f, hi = 1.25f;
        var x = Values(count, 5);
        x[0] = lo;   // at a bound the gradient is 0 (PyTorch's hardtanh and relu6)
        x[1] = hi;
        var y = new float[count];
        Clip.Forward(y, x, lo, hi);
        var dY = Values(count, 6);
        var dX = new float[count];
        System.Array.Fill(dX, 0.25f);
        Clip.Backward(dX, dY, y, lo, hi);
        const double h = 1e-4;
        for (int i = 2; i < count; i++)
        {
            if (System.Math.Abs(x[i] - lo) < 1e-3 || System.Math.Abs(x[i] - hi) < 1e-3) continue;
            double plus = System.Math.Min(System.Math.Max(x[i] + h, lo), hi), minus = System.Math.Min(System.Math.Max(x[i] - h, lo), hi);
            double expected = 0.25 + dY[i] * (plus - minus) / (2 * h);
            Assert.True(System.Math.Abs(expected - dX[i]) < 1e-5, $"element {i}: x {x[i]}, expected {expected}, got {dX[i]}");
        }
        Assert.Equal((0.25f, 0.25f), (dX[0], dX[1]));
    }

    [Fact]
    public void Lengths_that_differ_are_rejected()
    {
        Assert.ThrowsAny<System.ArgumentException>(() => Clip.Forward(new float[3], new float[4], 0, 1));
        Assert.ThrowsAny<System.ArgumentException>(() => Clip.Backward(new float[3], new float[3], new float[2], 0, 1));
    }
}
