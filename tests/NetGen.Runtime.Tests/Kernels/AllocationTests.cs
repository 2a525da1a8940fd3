using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>Every kernel call, after warm-up, allocates nothing on the calling thread.</summary>
public class AllocationTests
{
    /// <summary>
    /// Twenty calls after warm-up must allocate nothing. The runtime may allocate once on this
    /// thread while the suite runs (tiered JIT, on-stack replacement): a window is retried up to
    /// three times, and an allocation per call shows in every window.
    /// </summary>
    private static void AssertNoAllocation(string name, Action call)
    {
        call(); // warm-up: JIT, statics
        call();
        long grown = 0;
        for (int window = 0; window < 3; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++)
            {
                call();
            }
            grown = GC.GetAllocatedBytesForCurrentThread() - before;
            if (grown == 0)
            {
                return;
            }
        }
        Assert.Fail($"{name} allocated {grown} bytes over 20 calls, in each of 3 windows.");
    }

    [Fact]
    public void Winograd_kernels_do_not_allocate()
    {
        var rng = new Random(2);
        var d = Conv2DDims.Create(2, 13, 13, 32, 80, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, TestData.Uniform(rng, d.K * d.C * 9), d);
        var u = new float[Conv2D.WinogradWeightFloats(d)];
        var b = TestData.Uniform(rng, d.K);
        var ws = new float[Conv2D.WinogradWorkspaceFloats(d)];
        var y = new float[d.N * d.P * d.Q * d.K];
        AssertNoAllocation("Conv2D.PackWinograd", () => Conv2D.PackWinograd(u, packed, d));
        AssertNoAllocation("Conv2D.ForwardWinograd", () => Conv2D.ForwardWinograd(y, x, u, b, ws, d, Activation.ReLU));
        AssertNoAllocation("Conv2D.ForwardWinograd, ELU", () => Conv2D.ForwardWinograd(y, x, u, b, ws, d, Activation.ELU, 1f));
        var pool = PoolDims.Create(d.N, d.P, d.Q, d.K, 2, 2, 2, 2);
        var py = new float[pool.N * pool.P * pool.Q * pool.C];
        AssertNoAllocation("Conv2D.ForwardWinogradMaxPool", () => Conv2D.ForwardWinogradMaxPool(py, x, u, b, ws, d, pool, Activation.ReLU));
        AssertNoAllocation("Conv2D.ForwardWinogradMaxPool, tanh", () => Conv2D.ForwardWinogradMaxPool(py, x, u, b, ws, d, pool, Activation.Tanh));
    }

    [Fact]
    public void One_channel_kernels_do_not_allocate()
    {
        var rng = new Random(3);
        var d = Conv2DDims.Create(2, 28, 28, 1, 40, 3, 3);
        var x = TestData.Uniform(rng, d.N * d.H * d.W);
        var packed = new float[Conv2D.PackedWeightFloats(d)];
        Conv2D.Pack(packed, TestData.Uniform(rng, d.K * 9), d);
        var b = TestData.Uniform(rng, d.K);
        var pool = PoolDims.Create(d.N, d.P, d.Q, d.K, 2, 2, 2, 2);
        var ws = new float[Conv2D.ForwardMaxPoolWorkspaceFloats(d, pool)];
        var y = new float[d.N * d.P * d.Q * d.K];
        var py = new float[pool.N * pool.P * pool.Q * pool.C];
        AssertNoAllocation("Conv2D.Forward, one channel", () => Conv2D.Forward(y, x, packed, b, ws, d, Activation.ReLU));
        AssertNoAllocation("Conv2D.ForwardMaxPool, one channel", () => Conv2D.ForwardMaxPool(py, x, packed, b, ws, d, pool, Activation.ReLU));
        AssertNoAllocation("Conv2D.ForwardMaxPool, one channel, tanh", () => Conv2D.ForwardMaxPool(py, x, packed, b, ws, d, pool, Activation.Tanh));
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
        AssertNoAllocation("Conv2D.BackwardData", () => Conv2D.BackwardData(dX, y, backPacked, ws, cd));
        var s1 = Conv2DDims.Create(2, 9, 9, 5, 20, 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1);
        var s1y = new float[s1.N * s1.P * s1.Q * s1.K];
        var s1dx = new float[s1.N * s1.H * s1.W * s1.C];
        var s1p = new float[Conv2D.PackedBackwardWeightFloats(s1)];
        var s1ws = new float[Conv2D.BackwardDataWorkspaceFloats(s1)];
        AssertNoAllocation("Conv2D.BackwardData stride 1", () => Conv2D.BackwardData(s1dx, s1y, s1p, s1ws, s1));
        AssertNoAllocation("Conv2D.BackwardWeights", () => Conv2D.BackwardWeights(dW, y, x, cd));
        AssertNoAllocation("Conv2D.BackwardBias", () => Conv2D.BackwardBias(dB, y, cd));
        var dwd = Conv2DDims.Create(2, 9, 9, 20, 20, 3, 3, 1, 1, 1, 1, 1, 1, groups: 20);
        var dwx = TestData.Uniform(rng, dwd.N * dwd.H * dwd.W * dwd.C);
        var dwy = new float[dwd.N * dwd.P * dwd.Q * dwd.K];
        var dwp = new float[Conv2D.PackedWeightFloats(dwd)];
        var dwdx = new float[dwx.Length];
        AssertNoAllocation("Conv2D.Forward depthwise", () => Conv2D.Forward(dwy, dwx, dwp, [], ws, dwd, Activation.Tanh));
        AssertNoAllocation("Conv2D.BackwardData depthwise", () => Conv2D.BackwardData(dwdx, dwy, dwp, ws, dwd));

        var mp = PoolDims.Create(cd.N, cd.P, cd.Q, cd.K, 2, 2, 2, 2);
        var mpy = new float[mp.N * mp.P * mp.Q * mp.C];
        var mpws = new float[Conv2D.ForwardMaxPoolWorkspaceFloats(cd, mp)];
        AssertNoAllocation("Conv2D.ForwardMaxPool", () => Conv2D.ForwardMaxPool(mpy, x, packed, b, mpws, cd, mp, Activation.ReLU));

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
            AssertNoAllocation($"Activations.BackwardWithInput {kind}", () => Activations.BackwardWithInput(dl, logits, probs, probs, kind, 0.1f));
            AssertNoAllocation($"Activations.BackwardInPlaceWithInput {kind}", () => Activations.BackwardInPlaceWithInput(dl, probs, probs, kind, 0.1f));
            if (Activations.NeedsInput(kind)) continue;
            AssertNoAllocation($"Activations.Backward {kind}", () => Activations.Backward(dl, logits, probs, kind, 0.1f));
            AssertNoAllocation($"Activations.BackwardInPlace {kind}", () => Activations.BackwardInPlace(dl, probs, kind, 0.1f));
        }
    }

    [Fact]
    public void Group2_kernels_do_not_allocate()
    {
        var rng = new Random(2);
        var pd = PoolDims.Create(2, 7, 7, 20, 3, 3, 2, 2, 1, 1, 1, 1);
        var x = TestData.Uniform(rng, pd.N * pd.H * pd.W * pd.C);
        var y = new float[pd.N * pd.P * pd.Q * pd.C];
        var dX = new float[x.Length];
        AssertNoAllocation("AvgPool2D.Forward", () => AvgPool2D.Forward(y, x, pd, true));
        AssertNoAllocation("AvgPool2D.Backward", () => AvgPool2D.Backward(dX, y, pd, false));
        var g = new float[pd.N * pd.C];
        AssertNoAllocation("GlobalAvgPool.Forward", () => GlobalAvgPool.Forward(g, x, pd.N, pd.H * pd.W, pd.C));
        AssertNoAllocation("GlobalAvgPool.Backward", () => GlobalAvgPool.Backward(dX, g, pd.N, pd.H * pd.W, pd.C));

        int rows = pd.N * pd.H * pd.W, c = pd.C;
        var gamma = TestData.Uniform(rng, c);
        var beta = TestData.Uniform(rng, c);
        var mean = new float[c];
        var invStd = new float[c];
        var runMean = new float[c];
        var runVar = new float[c];
        Array.Fill(runVar, 1f);
        var bn = new float[x.Length];
        var ws = new float[BatchNorm.BackwardWorkspaceFloats(c)];
        var dG = new float[c];
        var dB = new float[c];
        AssertNoAllocation("BatchNorm.ForwardTraining", () => BatchNorm.ForwardTraining(bn, mean, invStd, runMean, runVar, x, gamma, beta, ws, rows, c, 1e-5f, 0.1f));
        AssertNoAllocation("BatchNorm.ForwardInference", () => BatchNorm.ForwardInference(bn, x, gamma, beta, runMean, runVar, ws, rows, c, 1e-5f));
        AssertNoAllocation("BatchNorm.Backward", () => BatchNorm.Backward(dX, dG, dB, bn, x, gamma, mean, invStd, ws, rows, c));

        var mask = new float[x.Length];
        var random = new FastRandom(3);
        AssertNoAllocation("Dropout.ForwardTraining", () => Dropout.ForwardTraining(bn, mask, x, 0.3f, ref random));
        AssertNoAllocation("Dropout.Backward", () => Dropout.Backward(dX, bn, mask));
        AssertNoAllocation("Elementwise.Add", () => Elementwise.Add(bn, x, dX));
        AssertNoAllocation("Elementwise.AccumulateGradient", () => Elementwise.AccumulateGradient(dX, bn));
        AssertNoAllocation("Elementwise.Multiply", () => Elementwise.Multiply(bn, x, dX));
        AssertNoAllocation("Elementwise.MultiplyBackward", () => Elementwise.MultiplyBackward(dX, mask, bn, x, x));
        AssertNoAllocation("Elementwise.Gate", () => Elementwise.Gate(bn, x, g, pd.N, pd.H * pd.W, c));
        AssertNoAllocation("Elementwise.GateBackward", () => Elementwise.GateBackward(dX, g, bn, x, g, pd.N, pd.H * pd.W, c));
        var cat = new float[rows * (c + 5)];
        AssertNoAllocation("Concat.Forward", () => Concat.Forward(cat, x, rows, c + 5, 5));
        AssertNoAllocation("Concat.Backward", () => Concat.Backward(dX, cat, rows, c + 5, 0));
    }

    [Fact]
    public void Group3_kernels_do_not_allocate()
    {
        var rng = new Random(3);
        var td = Conv2DTransposeDims.Create(2, 4, 4, 5, 18, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        var x = TestData.Uniform(rng, td.N * td.H * td.W * td.C);
        var w = TestData.Uniform(rng, td.C * td.K * td.R * td.S);
        var b = TestData.Uniform(rng, td.K);
        var y = new float[td.N * td.P * td.Q * td.K];
        var packed = new float[Conv2DTranspose.PackedWeightFloats(td)];
        var backPacked = new float[Conv2DTranspose.PackedBackwardWeightFloats(td)];
        var ws = new float[Conv2DTranspose.BackwardWorkspaceFloats(td)];
        var dX = new float[x.Length];
        var dW = new float[w.Length];
        var dB = new float[td.K];
        AssertNoAllocation("Conv2DTranspose.Pack", () => Conv2DTranspose.Pack(packed, w, td));
        AssertNoAllocation("Conv2DTranspose.PackForBackward", () => Conv2DTranspose.PackForBackward(backPacked, w, td));
        AssertNoAllocation("Conv2DTranspose.Forward", () => Conv2DTranspose.Forward(y, x, packed, b, ws, td, Activation.ReLU));
        AssertNoAllocation("Conv2DTranspose.BackwardData", () => Conv2DTranspose.BackwardData(dX, y, backPacked, ws, td));
        AssertNoAllocation("Conv2DTranspose.BackwardWeights", () => Conv2DTranspose.BackwardWeights(dW, y, x, td));
        AssertNoAllocation("Conv2DTranspose.BackwardBias", () => Conv2DTranspose.BackwardBias(dB, y, td));

        var ud = new UpsampleDims(2, 4, 4, 5, 2, 2);
        var up = new float[ud.N * ud.P * ud.Q * ud.C];
        AssertNoAllocation("Upsample.Forward bilinear", () => Upsample.Forward(up, x, ud, true));
        AssertNoAllocation("Upsample.Backward nearest", () => Upsample.Backward(dX, up, ud, false));
        var cd = new CropDims(2, 4, 4, 5, 1, 1, 2, 3);
        var cropped = new float[2 * 2 * 3 * 5];
        AssertNoAllocation("Crop.Forward", () => Crop.Forward(cropped, x, cd));
        AssertNoAllocation("Crop.Backward", () => Crop.Backward(dX, cropped, cd));

        int rows = td.N * td.H * td.W;
        var lrn = new float[x.Length];
        var lws = new float[LocalResponseNorm.BackwardWorkspaceFloats(td.C)];
        AssertNoAllocation("LocalResponseNorm.Forward", () => LocalResponseNorm.Forward(lrn, x, rows, td.C, 2, 2f, 1e-4f, 0.75f));
        AssertNoAllocation("LocalResponseNorm.Backward", () => LocalResponseNorm.Backward(dX, lrn, x, lws, rows, td.C, 2, 2f, 1e-4f, 0.75f));
    }
}
