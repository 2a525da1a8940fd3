using NetGen.Training;
using Xunit;
using static NetGen.Runtime.Tests.Training.OptimizerReference;

namespace NetGen.Runtime.Tests.Training;

public class OptimizerBehaviourTests
{
    private static Optimizer Create(string kind, ParameterGroup[] groups, out float[] state)
    {
        switch (kind)
        {
            case "sgd":
                state = new float[Sgd.StateLength(groups, 0.9f)];
                return new Sgd(groups, state, 0.05f, momentum: 0.9f, weightDecay: 0.01f);
            case "adam":
                state = new float[Adam.StateLength(groups)];
                return new Adam(groups, state, 0.05f, weightDecay: 0.01f);
            default:
                state = new float[Adam.StateLength(groups)];
                return new AdamW(groups, state, 0.05f);
        }
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void FrozenGroup_IsUntouched_AndStartsFreshWhenUnfrozen(string kind)
    {
        float[] pA = Initial(20), gA = Gradient(20, 1);
        float[] pB = Initial(13), gB = Gradient(13, 2);
        var frozen = new ParameterGroup("frozen", pB, gB, frozen: true);
        Optimizer opt = Create(kind, [new ParameterGroup("a", pA, gA), frozen], out float[] state);
        float[] before = [.. pB];
        for (int t = 0; t < 3; t++)
        {
            opt.Step();
        }

        Assert.Equal(before, pB);
        Assert.NotEqual(Initial(20), pA);
        Assert.All(state.AsSpan(state.Length * 20 / 33).ToArray(), s => Assert.Equal(0f, s));
        Assert.Equal(3, opt.GetStepCount(0));
        Assert.Equal(0, opt.GetStepCount(1));

        frozen.Frozen = false;
        opt.Step();
        Assert.Equal(1, opt.GetStepCount(1));
        Assert.NotEqual(before, pB);
    }

    [Theory]
    [InlineData("sgd", 300)]
    [InlineData("adam", 600)]
    public void QuadraticIsMinimised(string kind, int steps)
    {
        // f(p) = 1/2 sum a_i (p_i - c_i)^2 with curvatures a_i from 0.5 to 4; grad = a (p - c).
        const int n = 50;
        var a = Enumerable.Range(0, n).Select(i => 0.5 + 3.5 * i / (n - 1)).ToArray();
        var c = Enumerable.Range(0, n).Select(i => Math.Sin(i)).ToArray();
        var p = new float[n];
        var g = new float[n];
        var groups = new[] { new ParameterGroup("p", p, g) };
        Optimizer opt = kind == "sgd"
            ? new Sgd(groups, new float[n], 0.1f, momentum: 0.9f)
            : new Adam(groups, new float[2 * n], 0.05f);
        double Loss() => Enumerable.Range(0, n).Sum(i => 0.5 * a[i] * (p[i] - c[i]) * (p[i] - c[i]));
        double initial = Loss();
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < n; i++)
            {
                g[i] = (float)(a[i] * (p[i] - c[i]));
            }

            opt.Step();
        }

        Assert.True(Loss() < 1e-6 * initial, $"loss {Loss()} from {initial}");
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adam")]
    [InlineData("adamw")]
    public void Step_AllocatesNothing(string kind)
    {
        float[] p = Initial(1000), g = Gradient(1000, 1);
        Optimizer opt = Create(kind, [new ParameterGroup("w", p, g), new ParameterGroup("b", new float[10], new float[10], applyWeightDecay: false)], out _);
        opt.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 20; t++)
        {
            opt.Step();
            opt.LearningRate *= 0.99f;
        }

        opt.ZeroGradients();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.All(g, x => Assert.Equal(0f, x));
    }

    [Fact]
    public void WeightDecayExemptGroup_GetsNoDecay()
    {
        float[] p = [1f, -2f], g = [0f, 0f];
        var sgd = new Sgd([new ParameterGroup("bias", p, g, applyWeightDecay: false)], Memory<float>.Empty, 0.1f, weightDecay: 0.5f);
        sgd.Step();
        Assert.Equal([1f, -2f], p);
        float[] q = [1f, -2f];
        var decayed = new Sgd([new ParameterGroup("w", q, new float[2])], Memory<float>.Empty, 0.1f, weightDecay: 0.5f);
        decayed.Step();
        Assert.Equal([0.95f, -1.9f], q);
    }
}
