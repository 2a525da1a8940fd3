using NetGen.Execution;
using Xunit;

namespace NetGen.Gpu.Tests.Networks;

/// <summary>LocalResponseNorm on the GPU backend (GpuGraphs.cnn's GpuLrnNet) against the CPU class.</summary>
[Collection(NetworkCollection.Name)]
public sealed class LrnNetworkTests(NetworkDeviceFixture fixture)
{
    private const ulong Seed = 11;
    private readonly GpuDevice _device = fixture.Device;

    [Fact]
    public void Lrn_ForwardAndTraining_MatchTheCpu()
    {
        NetworkParity.Forward(mode => new GpuLrnNet(Seed, mode), mode => new GpuLrnNet.Gpu(_device, Seed, mode), 2);
        NetworkParity.Train(() => new GpuLrnNet(Seed, ExecutionMode.Training), () => new GpuLrnNet.Gpu(_device, Seed, ExecutionMode.Training), 3);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuLrnNet.Gpu(_device, Seed, ExecutionMode.Inference), "conv1.weight", 2);
    }
}
