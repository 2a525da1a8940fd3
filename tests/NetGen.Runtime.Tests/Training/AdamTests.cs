using NetGen.Training;
using Xunit;
using static NetGen.Runtime.Tests.Training.OptimizerReference;

namespace NetGen.Runtime.Tests.Training;

public class AdamTests
{
    private const int Length = 37;

    private static (Adam Optimizer, float[] Params, float[] Grads, float[] State) Make(bool decoupled, float lr, float weightDecay, int length = Length)
    {
        float[] p = Initial(length);
        var g = new float[length];
        var groups = new[] { new ParameterGroup("w", p, g) };
        var state = new float[Adam.StateLength(groups)];
        Adam adam = decoupled
            ? new AdamW(groups, state, lr, weightDecay: weightDecay)
            : new Adam(groups, state, lr, weightDecay: weightDecay);
        return (adam, p, g, state);
    }

    [Theory]
    [InlineData(false, 0f)]
    [InlineData(false, 0.1f)]
    [InlineData(true, 0.1f)]
    [InlineData(true, 0.01f)]
    public void FirstSteps_MatchReference(bool decoupled, float weightDecay)
    {
        const float lr = 0.01f;
        var (adam, p, g, _) = Make(decoupled, lr, weightDecay);
        double[] refP = p.Select(x => (double)x).ToArray();
        var m = new double[Length];
        var v = new double[Length];
        for (int t = 1; t <= 5; t++)
        {
            Gradient(Length, t).CopyTo(g, 0);
            adam.Step();
            AdamStep(refP, m, v, g, t, lr, 0.9, 0.999, 1e-8, weightDecay, decoupled);
            AssertClose(refP, p, rtol: 1e-5, atol: 1e-7);
        }
    }

    [Fact]
    public void FirstStep_IsBiasCorrected_AndStateIsMThenV()
    {
        // With bias correction, step 1 moves each parameter by lr * g / (|g| + eps): about lr.
        var (adam, p, g, state) = Make(decoupled: false, lr: 0.01f, weightDecay: 0);
        float[] start = Initial(Length);
        float[] g1 = Gradient(Length, 1);
        g1.CopyTo(g, 0);
        adam.Step();
        for (int i = 0; i < Length; i++)
        {
            Assert.Equal(-0.01 * g1[i] / (Math.Abs(g1[i]) + 1e-8), p[i] - start[i], 1e-6);
            Assert.Equal(0.1 * g1[i], state[i], 1e-6 * Math.Abs(g1[i]));
            Assert.Equal(0.001 * g1[i] * g1[i], state[Length + i], 1e-6 * g1[i] * g1[i]);
        }
    }

    [Fact]
    public void AdamW_DiffersFromAdam_OnlyThroughDecoupledDecay()
    {
        float[] g1 = Gradient(Length, 1);
        float[] start = Initial(Length);

        // Without weight decay the two are the same algorithm, bit for bit.
        var (adam0, p0, g0, _) = Make(false, 0.01f, 0);
        var (adamW0, pW0, gW0, _) = Make(true, 0.01f, 0);
        g1.CopyTo(g0, 0);
        g1.CopyTo(gW0, 0);
        adam0.Step();
        adamW0.Step();
        Assert.Equal(p0, pW0);

        // With decay 0.5: AdamW shrinks p by (1 - lr wd) and then takes the plain Adam step;
        // Adam adds wd p to the gradient, which the normalisation then rescales.
        var (adam, p, g, _) = Make(false, 0.01f, 0.5f);
        var (adamW, pW, gW, _) = Make(true, 0.01f, 0.5f);
        g1.CopyTo(g, 0);
        g1.CopyTo(gW, 0);
        adam.Step();
        adamW.Step();
        for (int i = 0; i < Length; i++)
        {
            double expectedW = start[i] * (1 - 0.01 * 0.5) - 0.01 * g1[i] / (Math.Abs(g1[i]) + 1e-8);
            double l2 = g1[i] + 0.5 * start[i];
            double expectedAdam = start[i] - 0.01 * l2 / (Math.Abs(l2) + 1e-8);
            Assert.Equal(expectedW, pW[i], 1e-6);
            Assert.Equal(expectedAdam, p[i], 1e-6);
        }

        Assert.NotEqual(p, pW);
    }
}
