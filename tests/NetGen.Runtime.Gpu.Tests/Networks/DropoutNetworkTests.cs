using NetGen.Execution;
using NetGen.Kernels;
using Xunit;

namespace NetGen.Gpu.Tests.Networks;

/// <summary>
/// Dropout on the GPU backend: the identity at inference and in Evaluate (parity with the CPU class), the
/// training path through the mask (rate 0: parity with the CPU), masks as documented (rate 0.5: a host
/// reference redraws them from the step seed and the layer's streams), and the random state as the CPU keeps it.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class DropoutNetworkTests(NetworkDeviceFixture fixture)
{
    private const ulong Seed = 5;
    private readonly GpuDevice _device = fixture.Device;

    [Fact]
    public void RateZero_ForwardAndTraining_MatchTheCpu()
    {
        NetworkParity.Forward(mode => new GpuDropoutIdentityNet(Seed, mode), mode => new GpuDropoutIdentityNet.Gpu(_device, Seed, mode), 3);
        NetworkParity.Train(() => new GpuDropoutIdentityNet(Seed, ExecutionMode.Training), () => new GpuDropoutIdentityNet.Gpu(_device, Seed, ExecutionMode.Training), 5);
        NetworkParity.SaveOnGpuLoadOnCpu(() => new GpuDropoutIdentityNet(Seed), () => new GpuDropoutIdentityNet.Gpu(_device, Seed, ExecutionMode.Inference), 2);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuDropoutIdentityNet.Gpu(_device, Seed, ExecutionMode.Inference), "conv1.weight", 2);
    }

    [Fact]
    public void RateZero_WithABranch_MatchesTheCpu()
    {
        NetworkParity.Forward(mode => new GpuDropoutBranchNet(Seed, mode), mode => new GpuDropoutBranchNet.Gpu(_device, Seed, mode), 2);
        NetworkParity.Train(() => new GpuDropoutBranchNet(Seed, ExecutionMode.Training), () => new GpuDropoutBranchNet.Gpu(_device, Seed, ExecutionMode.Training), 3);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuDropoutBranchNet.Gpu(_device, Seed, ExecutionMode.Inference), "conv.weight", 2);
    }

    [Fact]
    public void RandomState_IsTheCpuClasses_StepForStep()
    {
        using var c = new GpuDropoutIdentityNet(Seed, ExecutionMode.Training);
        using var g = new GpuDropoutIdentityNet.Gpu(_device, Seed, ExecutionMode.Training);
        Assert.Equal(CompiledTrainableNetwork.RandomStateSize, g.RandomStateLength);
        Assert.Equal(c.RandomStateLength, g.RandomStateLength);
        var sc = new byte[c.RandomStateLength];
        var sg = new byte[g.RandomStateLength];
        for (int step = 0; step < 2; step++)
        {
            var inputs = NetworkParity.Inputs(c, c.MaxBatch, 40 + step);
            var labels = NetworkParity.Labels(c, c.MaxBatch, 5, 50 + step);
            c.TrainStep(inputs, labels);
            g.TrainStep(inputs, labels);
            c.CopyRandomState(sc);
            g.CopyRandomState(sg);
            Assert.Equal(sc, sg);
        }
        Assert.Throws<ArgumentException>(() => g.RestoreState(0, new float[g.OptimizerStateLength], new byte[16]));
        Assert.Throws<ArgumentException>(() => g.RestoreState(0, new float[g.OptimizerStateLength], new byte[15]));
    }

    [Fact]
    public void RateHalf_Evaluate_IsTheIdentity_LikeTheCpu()
    {
        NetworkParity.Forward(mode => new GpuDropoutNet(Seed, mode), mode => new GpuDropoutNet.Gpu(_device, Seed, mode), 3);
        using var c = new GpuDropoutNet(Seed, ExecutionMode.Training);
        using var g = new GpuDropoutNet.Gpu(_device, Seed, ExecutionMode.Training);
        var inputs = NetworkParity.Inputs(c, 4, 61);
        var labels = NetworkParity.Labels(c, 4, 3, 62);
        var rc = c.Evaluate(inputs, labels);
        var rg = g.Evaluate(inputs, labels);
        Assert.True(Math.Abs(rc.Loss - rg.Loss) <= 1e-4 * Math.Max(1, Math.Abs(rc.Loss)), $"Evaluate: GPU {rg.Loss}, CPU {rc.Loss}.");
        Assert.Equal(rc.Correct, rg.Correct);
    }

    [Fact]
    public void RateHalf_TrainingMasks_AreTheDocumentedStreams()
    {
        using ITrainableNetwork g = new GpuDropoutNet.Gpu(_device, Seed, ExecutionMode.Training);
        int batch = g.MaxBatch, features = g.InputSize, classes = g.OutputSize;
        var inputs = NetworkParity.Inputs(g, batch, 71);
        var labels = NetworkParity.Labels(g, batch, classes, 72);
        var weight = new float[classes * features];
        var bias = new float[classes];
        g.CopyParameter("head.weight", weight);
        g.CopyParameter("head.bias", bias);
        var before = new byte[g.RandomStateLength];
        g.CopyRandomState(before);

        var result = g.ComputeGradients(inputs, labels);

        // The step seed as the CPU class draws it, then node 1's streams: sample s, lane e (16 floats < 256 lanes: one draw each).
        var random = new FastRandom(Seed, 1);
        ulong stepSeed = ((ulong)random.NextUInt() << 32) | random.NextUInt();
        var expectedWeight = new double[weight.Length];
        double loss = 0;
        int dropped = 0;
        for (int s = 0; s < batch; s++)
        {
            var kept = new double[features];
            for (int e = 0; e < features; e++)
            {
                var stream = new FastRandom(stepSeed, (ulong)(1 * batch * GpuElementwise.StreamsPerSample + s * GpuElementwise.StreamsPerSample + e));
                bool keep = stream.NextFloat() >= 0.5f;
                dropped += keep ? 0 : 1;
                kept[e] = keep ? inputs[s * features + e] * 2.0 : 0;
            }
            var logits = new double[classes];
            for (int k = 0; k < classes; k++)
            {
                logits[k] = bias[k];
                for (int e = 0; e < features; e++) logits[k] += weight[k * features + e] * kept[e];
            }
            double max = logits.Max(), sum = logits.Sum(v => Math.Exp(v - max));
            loss += Math.Log(sum) + max - logits[labels[s]];
            for (int k = 0; k < classes; k++)
            {
                double p = Math.Exp(logits[k] - max) / sum - (k == labels[s] ? 1 : 0);
                for (int e = 0; e < features; e++) expectedWeight[k * features + e] += p * kept[e] / batch;
            }
        }
        Assert.InRange(dropped, 1, batch * features - 1);
        Assert.True(Math.Abs(loss / batch - result.Loss) <= 1e-4 * Math.Max(1, loss / batch), $"loss: GPU {result.Loss}, host {loss / batch}.");
        var gradient = new float[weight.Length];
        g.CopyGradient("head.weight", gradient);
        Ops.Close(expectedWeight, gradient, "head.weight's gradient through the masks", 1e-4, 1e-6);

        // The state after one draw is the host generator's; restoring the earlier state redraws the same masks.
        var after = new byte[g.RandomStateLength];
        g.CopyRandomState(after);
        var optimizer = new float[g.OptimizerStateLength];
        g.CopyOptimizerState(optimizer);
        g.RestoreState(0, optimizer, before);
        Assert.Equal(result.Loss, g.ComputeGradients(inputs, labels).Loss);
        var next = g.ComputeGradients(inputs, labels);
        Assert.NotEqual(result.Loss, next.Loss);
        Assert.NotEqual(before, after);
    }
}
