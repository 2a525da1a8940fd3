using NetGen.Training;
using Xunit;
using static NetGen.Runtime.Tests.Training.OptimizerReference;

namespace NetGen.Runtime.Tests.Training;

public class SgdTests
{
    // 37 is not a multiple of any vector width, so the scalar tail runs too.
    private const int Length = 37;

    private static (Sgd Optimizer, float[] Params, float[] Grads, float[] State) Make(
        float lr, float momentum = 0, float dampening = 0, float weightDecay = 0, bool nesterov = false, int length = Length)
    {
        float[] p = Initial(length);
        var g = new float[length];
        var groups = new[] { new ParameterGroup("w", p, g) };
        var state = new float[Sgd.StateLength(groups, momentum)];
        return (new Sgd(groups, state, lr, momentum, dampening, weightDecay, nesterov), p, g, state);
    }

    private static void CheckAgainstReference(float lr, float momentum, float dampening, float weightDecay, bool nesterov, int length = Length)
    {
        var (sgd, p, g, _) = Make(lr, momentum, dampening, weightDecay, nesterov, length);
        double[] refP = p.Select(x => (double)x).ToArray();
        var refBuf = new double[length];
        for (int t = 1; t <= 4; t++)
        {
            Gradient(length, t).CopyTo(g, 0);
            sgd.Step();
            SgdStep(refP, refBuf, g, t, lr, momentum, dampening, weightDecay, nesterov);
            AssertClose(refP, p);
        }
    }

    [Fact]
    public void Plain_MatchesReference() => CheckAgainstReference(0.1f, 0, 0, 0, false);

    [Fact]
    public void MomentumDampeningWeightDecay_MatchesReference() => CheckAgainstReference(0.05f, 0.9f, 0.1f, 0.01f, false);

    [Fact]
    public void Nesterov_MatchesReference() => CheckAgainstReference(0.05f, 0.9f, 0f, 0.001f, true);

    [Fact]
    public void ShortGroup_OnlyScalarTail_MatchesReference() => CheckAgainstReference(0.05f, 0.8f, 0f, 0.01f, true, length: 3);

    [Fact]
    public void Nesterov_DiffersFromPlainMomentum_AsSpecified()
    {
        var (plain, pPlain, gPlain, _) = Make(0.1f, momentum: 0.5f);
        var (nesterov, pNest, gNest, _) = Make(0.1f, momentum: 0.5f, nesterov: true);
        float[] start = Initial(Length);
        float[] g1 = Gradient(Length, 1);
        g1.CopyTo(gPlain, 0);
        g1.CopyTo(gNest, 0);
        plain.Step();
        nesterov.Step();
        // Step 1: the buffer is g, so plain moves lr g and Nesterov lr (g + mu g) = 1.5 lr g.
        for (int i = 0; i < Length; i++)
        {
            Assert.Equal(-0.1 * g1[i], pPlain[i] - start[i], 1e-6);
            Assert.Equal(-0.15 * g1[i], pNest[i] - start[i], 1e-6);
        }
    }

    [Fact]
    public void StateBuffer_HoldsTheMomentumBuffer()
    {
        var (sgd, _, g, state) = Make(0.1f, momentum: 0.9f, dampening: 0.5f);
        float[] g1 = Gradient(Length, 1), g2 = Gradient(Length, 2);
        g1.CopyTo(g, 0);
        sgd.Step();
        Assert.Equal(g1, state);
        g2.CopyTo(g, 0);
        sgd.Step();
        for (int i = 0; i < Length; i++)
        {
            Assert.Equal(0.9 * g1[i] + 0.5 * g2[i], state[i], 1e-6);
        }

        Assert.Equal(2, sgd.GetStepCount(0));
    }

    [Fact]
    public void InvalidSettings_AreRejected()
    {
        float[] p = new float[4], g = new float[4];
        var groups = new[] { new ParameterGroup("w", p, g) };
        Assert.Throws<ArgumentException>(() => new Sgd(groups, new float[3], 0.1f, momentum: 0.9f));
        Assert.Throws<ArgumentException>(() => new Sgd(groups, Memory<float>.Empty, 0.1f, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd(groups, new float[4], 0.1f, momentum: 0.9f, dampening: 0.1f, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(groups, Memory<float>.Empty, float.NaN));
        Assert.Throws<ArgumentException>(() => new ParameterGroup("bad", new float[3], new float[2]));
        var shared = new float[8];
        var overlapping = new[] { new ParameterGroup("a", shared.AsMemory(0, 5), new float[5]), new ParameterGroup("b", shared.AsMemory(4, 4), new float[4]) };
        var ex = Assert.Throws<ArgumentException>(() => new Sgd(overlapping, Memory<float>.Empty, 0.1f));
        Assert.Contains("Groups 'a' and 'b' share parameters", ex.Message);
    }
}
