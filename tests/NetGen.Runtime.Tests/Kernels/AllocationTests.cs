using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>Every kernel call, after warm-up, allocates nothing on the calling thread.</summary>
public class AllocationTests
{
    private static void AssertNoAllocation(string name, Action call)
    {
        call(); // warm-up: JIT, statics
        call();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            call();
        }
        long grown = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(grown == 0, $"{name} allocated {grown} bytes over 20 calls.");
    }

    [Fact]
    public void Group1_kernels_do_not_allocate()
    {
        var rng = new Random(1);
        var cd = Conv2DDims.Create(2, 9, 9, 5, 20, 3, 3, 2, 2, 1, 1, 1, 1, groups: 5);
        var x = TestData.Uniform(rng, cd.N * cd.H * cd.W * cd.C);
        var w = TestData.Uniform(rng, cd.K * cd.GroupC * cd.R * cd.S);
        var b = TestData.Uniform(rng, cd.K);
        var y = new float[cd.N * cd.P * cd.Q * cd.K];
        var packed = new float[Conv2D.PackedWeightFloats(cd)];
        var backPacked = new float[Conv2D.PackedBackwardWeightFloats(cd)];
        var ws = new float[Conv2D.ForwardWorkspaceFloats(cd)];
        var dX = new float[x.Length];
        var dW = new float[w.Length];
        var dB = new float[cd.K];
        AssertNoAllocation("Conv2D.Pack", () => Conv2D.Pack(packed, w, cd));
        AssertNoAllocation("Conv2D.PackForBackward", () => Conv2D.PackForBackward(backPacked, w, cd));
        AssertNoAllocation("Conv2D.Forward", () => Conv2D.Forward(y, x, packed, b, ws, cd, Activation.ReLU));
        AssertNoAllocation("Conv2D.BackwardData", () => Conv2D.BackwardData(dX, y, backPacked, cd));
        AssertNoAllocation("Conv2D.BackwardWeights", () => Conv2D.BackwardWeights(dW, y, x, cd));
        AssertNoAllocation("Conv2D.BackwardBias", () => Conv2D.BackwardBias(dB, y, cd));

        var dd = new DenseDims(3, 40, 21);
        var dx = TestData.Uniform(rng, dd.N * dd.C);
        var dw = TestData.Uniform(rng, dd.K * dd.C);
        var dp = new float[Dense.PackedWeightFloats(dd)];
        var dy = new float[dd.N * dd.K];
        var ddx = new float[dx.Length];
        var ddw = new float[dw.Length];
        var ddb = new float[dd.K];
        AssertNoAllocation("Dense.Pack", () => Dense.Pack(dp, dw, dd));
        AssertNoAllocation("Dense.Forward", () => Dense.Forward(dy, dx, dp, ddb, dd, Activation.Tanh));
        AssertNoAllocation("Dense.BackwardData", () => Dense.BackwardData(ddx, dy, dw, dd));
        AssertNoAllocation("Dense.BackwardWeights", () => Dense.BackwardWeights(ddw, dy, dx, dd));
        AssertNoAllocation("Dense.BackwardBias", () => Dense.BackwardBias(ddb, dy, dd));

        var pd = PoolDims.Create(2, 7, 7, 20, 3, 3, 2, 2, 1, 1, 1, 1, ceilMode: true);
        var px = TestData.Uniform(rng, pd.N * pd.H * pd.W * pd.C);
        var py = new float[pd.N * pd.P * pd.Q * pd.C];
        var pdx = new float[px.Length];
        AssertNoAllocation("MaxPool2D.Forward", () => MaxPool2D.Forward(py, px, pd));
        AssertNoAllocation("MaxPool2D.Backward", () => MaxPool2D.Backward(pdx, py, px, pd));

        var logits = TestData.Uniform(rng, 40);
        var probs = new float[40];
        var dl = new float[40];
        int[] labels = [1, 2, 3, 4];
        AssertNoAllocation("Softmax.Forward", () => Softmax.Forward(probs, logits, 4, 10));
        AssertNoAllocation("Softmax.Backward", () => Softmax.Backward(dl, logits, probs, 4, 10));
        AssertNoAllocation("SoftmaxCrossEntropy", () => SoftmaxCrossEntropy.ForwardBackward(dl, logits, labels, 4, 10));
        foreach (var kind in Enum.GetValues<Activation>())
        {
            AssertNoAllocation($"Activations.Forward {kind}", () => Activations.Forward(probs, logits, kind, 0.1f));
            AssertNoAllocation($"Activations.Backward {kind}", () => Activations.Backward(dl, logits, probs, kind, 0.1f));
            AssertNoAllocation($"Activations.BackwardInPlace {kind}", () => Activations.BackwardInPlace(dl, probs, kind, 0.1f));
        }
    }
}
