using NetGen.Execution;
using Xunit;

namespace NetGen.Gpu.Tests.Networks;

/// <summary>Multiply on the GPU backend (GpuGraphs.cnn's GpuMultiplyNet): same-shape products and both squeeze-and-excitation gates against the CPU class.</summary>
[Collection(NetworkCollection.Name)]
public sealed class MultiplyNetworkTests(NetworkDeviceFixture fixture)
{
    private const ulong Seed = 7;
    private readonly GpuDevice _device = fixture.Device;

    [Fact]
    public void Multiply_ForwardAndTraining_MatchTheCpu()
    {
        NetworkParity.Forward(mode => new GpuMultiplyNet(Seed, mode), mode => new GpuMultiplyNet.Gpu(_device, Seed, mode), 2);
        NetworkParity.Train(() => new GpuMultiplyNet(Seed, ExecutionMode.Training), () => new GpuMultiplyNet.Gpu(_device, Seed, ExecutionMode.Training), 3);
        NetworkParity.SaveOnGpuLoadOnCpu(() => new GpuMultiplyNet(Seed), () => new GpuMultiplyNet.Gpu(_device, Seed, ExecutionMode.Inference), 2);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuMultiplyNet.Gpu(_device, Seed, ExecutionMode.Inference), "stem.weight", 2);
    }
}
