using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>scale and shift forward against float64, backward against finite differences.</summary>
public class ScalarOpsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(256)]
    public void Forward_scales_and_shifts_every_element_in_place_or_not(int count)
    {
        var x = ClipTests.Values(count, 3);
        var scaled = new float[count];
        var shifted = new float[count];
        ScalarOps.Scale(scaled, x, -0.375f);
        ScalarOps.Shift(shifted, x, 2.5f);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal((float)(x[i] * -0.375), scaled[i]);
            Assert.Equal((float)(x[i] + 2.5), shifted[i]);
        }
        var inPlace = (float[])x.Clone();
        ScalarOps.Scale(inPlace, inPlace, -0.375f);
        Assert.Equal(scaled, inPlace);
        ScalarOps.Shift(x, x, 2.5f);
        Assert.Equal(shifted, x);
    }

    [Theory]
    [InlineData(-0.375f, false)]
    [InlineData(3f, false)]
    [InlineData(1f, true)]
    public void Backward_accumulates_the_finite_difference_gradient(float factor, bool shift)
    {
        const int count = 41;
        var x = ClipTests.Values(count, 5);
        var dY = ClipTests.Values(count, 6);
        var dX = new float[count];
        System.Array.Fill(dX, 0.25f);
        ScalarOps.ScaleAccumulate(dX, dY, factor);
        const double h = 1e-3;
        for (int i = 0; i < count; i++)
        {
            double plus = shift ? x[i] + h + 7 : (x[i] + h) * factor, minus = shift ? x[i] - h + 7 : (x[i] - h) * factor;
            double expected = 0.25 + dY[i] * (plus - minus) / (2 * h);
            Assert.True(System.Math.Abs(expected - dX[i]) < 1e-4, $"element {i}: expected {expected}, got {dX[i]}");
        }
    }

    [Fact]
    public void Lengths_that_differ_are_rejected()
    {
        Assert.ThrowsAny<System.ArgumentException>(() => ScalarOps.Scale(new float[3], new float[4], 2));
        Assert.ThrowsAny<System.ArgumentException>(() => ScalarOps.Shift(new float[3], new float[4], 2));
        Assert.ThrowsAny<System.ArgumentException>(() => ScalarOps.ScaleAccumulate(new float[3], new float[2], 2));
    }
}
