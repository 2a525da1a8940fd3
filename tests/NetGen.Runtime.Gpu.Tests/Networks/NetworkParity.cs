using NetGen.Execution;
using Xunit;

namespace NetGen.Gpu.Tests.Networks;

/// <summary>One simulator (warps of 4, groups of 16) for the whole-network tests: each kernel family compiles once for them all.</summary>
public sealed class NetworkDeviceFixture : IDisposable
{
    public GpuDevice Device { get; } = GpuDevice.CpuSimulator(warpSize: 4, warpsPerGroup: 4);

    public void Dispose() => Device.Dispose();
}

[CollectionDefinition(Name)]
public sealed class NetworkCollection : ICollectionFixture<NetworkDeviceFixture>
{
    public const string Name = "Generated networks on the simulator";
}

/// <summary>
/// The checks every generated network's Gpu class must pass against its CPU class with the same seed:
/// forward, three training steps, Evaluate, a weight file moved from the GPU to the CPU, and a
/// perturbed weight that must change the GPU's output (so the comparisons can fail).
/// </summary>
internal static class NetworkParity
{
    public const double ForwardTolerance = 1e-4;
    public const double TrainingTolerance = 1e-3;

    public static float[] Inputs(INetwork network, int samples, int seed) => Ops.Random(samples * network.InputSize, seed);

    public static int[] Labels(ITrainableNetwork network, int samples, int classes, int seed)
    {
        var random = new Random(seed);
        var labels = new int[samples * network.LabelsPerSample];
        for (int i = 0; i < labels.Length; i++) labels[i] = random.Next(classes);
        return labels;
    }

    public static float[] Predict(INetwork network, float[] inputs, int samples)
    {
        var outputs = new float[samples * network.OutputSize];
        network.Predict(inputs, outputs, samples);
        return outputs;
    }

    /// <summary>Predict on inference instances (one sample and a batch) and on training instances: the same outputs.</summary>
    public static void Forward(Func<ExecutionMode, INetwork> cpu, Func<ExecutionMode, INetwork> gpu, int samples)
    {
        foreach (var mode in new[] { ExecutionMode.Inference, ExecutionMode.Training })
        {
            using var c = cpu(mode);
            using var g = gpu(mode);
            var inputs = Inputs(c, samples, 11);
            Ops.Close(Predict(c, inputs, samples), Predict(g, inputs, samples), $"{mode} Predict of {samples}", ForwardTolerance, 1e-6);
            var one = new float[g.OutputSize];
            g.Predict(inputs.AsSpan(0, g.InputSize), one);
            Ops.Close(Predict(c, inputs[..c.InputSize], 1), one, $"{mode} Predict of one", ForwardTolerance, 1e-6);
        }
    }

    /// <summary>Three TrainSteps on each: the losses and every parameter after them within <see cref="TrainingTolerance"/>; then Evaluate.</summary>
    public static void Train(Func<ITrainableNetwork> cpu, Func<ITrainableNetwork> gpu, int classes, Action<TrainingSettings>? settings = null)
    {
        using var c = cpu();
        using var g = gpu();
        settings?.Invoke(c.TrainingSettings);
        settings?.Invoke(g.TrainingSettings);
        int batch = c.MaxBatch;
        for (int step = 0; step < 3; step++)
        {
            var inputs = Inputs(c, batch, 100 + step);
            var labels = Labels(c, batch, classes, 200 + step);
            var rc = c.TrainStep(inputs, labels);
            var rg = g.TrainStep(inputs, labels);
            Assert.True(Math.Abs(rc.Loss - rg.Loss) <= TrainingTolerance * Math.Max(1, Math.Abs(rc.Loss)),
                $"step {step}: GPU loss {rg.Loss}, CPU loss {rc.Loss}.");
            Assert.Equal(rc.Correct, rg.Correct);
        }
        Assert.Equal(c.StepCount, g.StepCount);
        foreach (var tensor in c.ParameterTable)
        {
            var expected = new float[tensor.Length];
            var actual = new float[tensor.Length];
            c.CopyParameter(tensor.Name, expected);
            g.CopyParameter(tensor.Name, actual);
            Ops.Close(expected, actual, tensor.Name + " after 3 steps", TrainingTolerance, 1e-5);
            if (!tensor.Trainable) continue;
            c.CopyGradient(tensor.Name, expected);
            g.CopyGradient(tensor.Name, actual);
            Ops.Close(expected, actual, tensor.Name + "'s last gradient", TrainingTolerance, 1e-5);
        }
        var stateC = new float[c.OptimizerStateLength];
        var stateG = new float[g.OptimizerStateLength];
        c.CopyOptimizerState(stateC);
        g.CopyOptimizerState(stateG);
        Ops.Close(stateC, stateG, "optimizer state", TrainingTolerance, 1e-5);

        // Evaluate over more samples than a batch (a partial last batch): the same mean loss and count.
        int samples = batch + 1;
        var evalInputs = Inputs(c, samples, 300);
        var evalLabels = Labels(c, samples, classes, 301);
        var ec = c.Evaluate(evalInputs, evalLabels);
        var eg = g.Evaluate(evalInputs, evalLabels);
        Assert.True(Math.Abs(ec.Loss - eg.Loss) <= TrainingTolerance * Math.Max(1, Math.Abs(ec.Loss)), $"Evaluate: GPU {eg.Loss}, CPU {ec.Loss}.");
        Assert.Equal(ec.Correct, eg.Correct);
        Assert.Equal(ec.Count, eg.Count);
    }

    /// <summary>Weights saved by the GPU instance load into the CPU class, which then predicts what the GPU does.</summary>
    public static void SaveOnGpuLoadOnCpu(Func<INetwork> cpu, Func<INetwork> gpu, int samples)
    {
        string path = Path.Combine(Path.GetTempPath(), "netgen-gpu-" + Guid.NewGuid().ToString("N") + ".safetensors");
        try
        {
            using var g = gpu();
            using var c = cpu();
            // Different weights on each first: the load must carry them over.
            var first = g.ParameterTable[0];
            var values = Ops.Random(first.Length, 5, 0.5f);
            g.SetParameter(first.Name, values);
            g.Save(path);
            c.Load(path);
            var inputs = Inputs(c, samples, 21);
            Ops.Close(Predict(g, inputs, samples), Predict(c, inputs, samples), "CPU Predict after loading the GPU's file", ForwardTolerance, 1e-6);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Changing one weight changes the GPU's output: the parity checks above can fail.</summary>
    public static void PerturbedWeightChangesOutput(Func<INetwork> gpu, string tensor, int samples)
    {
        using var g = gpu();
        var inputs = Inputs(g, samples, 31);
        var before = Predict(g, inputs, samples);
        var t = g.ParameterTable.ToArray().Single(p => p.Name == tensor);
        var weights = new float[t.Length];
        g.CopyParameter(tensor, weights);
        for (int i = 0; i < weights.Length; i++) weights[i] += 0.05f * (i % 7); // uneven: a constant shift of a softmax layer's weights may cancel
        g.SetParameter(tensor, weights);
        var after = Predict(g, inputs, samples);
        double change = 0;
        for (int i = 0; i < before.Length; i++) change = Math.Max(change, Math.Abs(before[i] - after[i]));
        Assert.True(change > 1e-3, $"Perturbing {tensor} changed the GPU's output by at most {change:E2}.");
    }
}
