using NetGen.Training;
using Xunit;

namespace NetGen.Runtime.Tests.Training;

public class ScheduleTests
{
    [Fact]
    public void Constant_IsConstant()
    {
        var s = new ConstantSchedule(0.01f);
        Assert.Equal(0.01f, s.At(0));
        Assert.Equal(0.01f, s.At(1000));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.At(-1));
    }

    [Fact]
    public void Step_MultipliesByGammaEveryStepSize()
    {
        var s = new StepSchedule(0.1f, stepSize: 3, gamma: 0.5f);
        float[] expected = [0.1f, 0.1f, 0.1f, 0.05f, 0.05f, 0.05f, 0.025f];
        for (int t = 0; t < expected.Length; t++)
        {
            Assert.Equal(expected[t], s.At(t), 1e-8f);
        }
    }

    [Fact]
    public void Cosine_FollowsTheClosedForm()
    {
        var s = new CosineSchedule(peak: 1f, totalSteps: 10, minimum: 0.1f);
        Assert.Equal(1f, s.At(0));
        Assert.Equal(0.55f, s.At(5), 1e-6f);
        Assert.Equal(0.1f + 0.9f * (1 + Math.Cos(Math.PI * 0.3)) / 2, s.At(3), 1e-6);
        Assert.Equal(0.1f, s.At(10));
        Assert.Equal(0.1f, s.At(50));
        for (int t = 1; t <= 10; t++)
        {
            Assert.True(s.At(t) < s.At(t - 1), $"not decreasing at {t}");
        }
    }

    [Fact]
    public void Cosine_WarmupRisesLinearlyToThePeak()
    {
        var s = new CosineSchedule(peak: 0.4f, totalSteps: 14, warmupSteps: 4);
        Assert.Equal([0.1f, 0.2f, 0.3f, 0.4f], new[] { s.At(0), s.At(1), s.At(2), s.At(3) });
        Assert.Equal(0.4f, s.At(4));
        Assert.Equal(0.2f, s.At(9), 1e-6f);
        Assert.Equal(0f, s.At(14));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(0.1f, 4, warmupSteps: 4));
    }
}
