using NetGen.Execution;
using Xunit;

namespace NetGen.Gpu.Tests.Networks;

/// <summary>Concat and Upsample (nearest and bilinear) on the GPU backend (GpuGraphs.cnn's GpuConcatUpsampleNet) against the CPU class.</summary>
[Collection(NetworkCollection.Name)]
public sealed class ConcatUpsampleNetworkTests(NetworkDeviceFixture fixture)
{
    private const ulong Seed = 9;
    private readonly GpuDevice _device = fixture.Device;

    [Fact]
    public void ConcatAndUpsample_ForwardAndTraining_MatchTheCpu()
    {
        NetworkParity.Forward(mode => new GpuConcatUpsampleNet(Seed, mode), mode => new GpuConcatUpsampleNet.Gpu(_device, Seed, mode), 2);
        NetworkParity.Train(() => new GpuConcatUpsampleNet(Seed, ExecutionMode.Training), () => new GpuConcatUpsampleNet.Gpu(_device, Seed, ExecutionMode.Training), 3);
        NetworkParity.SaveOnGpuLoadOnCpu(() => new GpuConcatUpsampleNet(Seed), () => new GpuConcatUpsampleNet.Gpu(_device, Seed, ExecutionMode.Inference), 2);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuConcatUpsampleNet.Gpu(_device, Seed, ExecutionMode.Inference), "b.weight", 2);
    }
}
