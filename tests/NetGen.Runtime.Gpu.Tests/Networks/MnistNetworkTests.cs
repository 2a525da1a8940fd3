using NetGen.Execution;
using Xunit;

namespace NetGen.Gpu.Tests.Networks;

/// <summary>The MNIST-style CNNs: the generated Gpu class on the simulator against the CPU class with the same seed.</summary>
[Collection(NetworkCollection.Name)]
public sealed class MnistNetworkTests(NetworkDeviceFixture fixture)
{
    private const ulong Seed = 7;
    private readonly GpuDevice _device = fixture.Device;

    [Fact]
    public void Forward_MatchesTheCpu()
    {
        NetworkParity.Forward(mode => new GpuMnistNet(Seed, mode), mode => new GpuMnistNet.Gpu(_device, Seed, mode), 4);
        NetworkParity.Forward(mode => new GpuMnistAdamNet(Seed, mode), mode => new GpuMnistAdamNet.Gpu(_device, Seed, mode), 3);
    }

    [Fact]
    public void TrainingWithSgdMomentum_MatchesTheCpu() =>
        NetworkParity.Train(() => new GpuMnistNet(Seed, ExecutionMode.Training), () => new GpuMnistNet.Gpu(_device, Seed, ExecutionMode.Training), 5);

    [Fact]
    public void TrainingWithAdam_MatchesTheCpu() =>
        NetworkParity.Train(() => new GpuMnistAdamNet(Seed, ExecutionMode.Training), () => new GpuMnistAdamNet.Gpu(_device, Seed, ExecutionMode.Training), 3);

    [Fact]
    public void TrainingWithAdamW_MatchesTheCpu() =>
        NetworkParity.Train(() => new GpuMnistAdamNet(Seed, ExecutionMode.Training), () => new GpuMnistAdamNet.Gpu(_device, Seed, ExecutionMode.Training), 3,
            s => { s.DecoupledWeightDecay = true; s.WeightDecay = 0.01f; s.LearningRate = 0.01f; });

    [Fact]
    public void SaveOnTheGpu_LoadsOnTheCpu() =>
        NetworkParity.SaveOnGpuLoadOnCpu(() => new GpuMnistNet(Seed), () => new GpuMnistNet.Gpu(_device, Seed, ExecutionMode.Inference), 3);

    [Fact]
    public void PerturbedWeight_ChangesTheGpuOutput()
    {
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuMnistNet.Gpu(_device, Seed, ExecutionMode.Inference), "conv1.weight", 2);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuMnistNet.Gpu(_device, Seed, ExecutionMode.Inference), "dense_1.weight", 2);
    }

    [Fact]
    public void Instance_ReportsItsDeviceAndTheCpuChecks()
    {
        using var g = new GpuMnistNet.Gpu(_device, Seed, ExecutionMode.Training);
        Assert.Equal("simulator", ((INetwork)g).DeviceName);
        Assert.Equal(GpuMnistNet.Gpu.DeviceTrainingBytes, g.AllocatedBytes);
        var error = Assert.Throws<ArgumentException>(() => g.Predict(new float[3], new float[5]));
        Assert.Contains("GpuMnistNet.Predict: the input has 3 floats; one sample (1, 8, 8) is 64", error.Message);
        var labels = Assert.Throws<ArgumentOutOfRangeException>(() => g.TrainStep(new float[64], new[] { 9 }));
        Assert.Contains("GpuMnistNet", labels.Message);
        using var inference = new GpuMnistNet.Gpu(_device, Seed, ExecutionMode.Inference);
        Assert.Equal(GpuMnistNet.Gpu.DeviceInferenceBytes, inference.AllocatedBytes);
        Assert.Throws<InvalidOperationException>(() => inference.TrainStep(new float[64], new[] { 1 }));
        g.Dispose();
        Assert.Throws<ObjectDisposedException>(() => g.Predict(new float[64], new float[5]));
    }
}
