using NetGen.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>Same seed, same data: the same weights and the same loss curve, bit for bit.</summary>
public class DeterminismTests
{
    [Fact]
    public void Same_seed_gives_an_identical_loss_curve()
    {
        var a = Curve(seed: 12);
        var b = Curve(seed: 12);
        var c = Curve(seed: 13);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    private static float[] Curve(ulong seed)
    {
        var net = new MixedNet(seed, ExecutionMode.Training);
        var inputs = Cases.Random(3 * 3 * 9 * 7, 8);
        int[] labels = { 0, 3, 1 };
        var losses = new float[6];
        for (int i = 0; i < losses.Length; i++) losses[i] = net.TrainStep(inputs, labels).Loss;
        return losses;
    }
}
