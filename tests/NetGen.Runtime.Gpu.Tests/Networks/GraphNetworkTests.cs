using NetGen.Execution;
using Xunit;

namespace NetGen.Gpu.Tests.Networks;

/// <summary>The .cnn networks of GpuGraphs.cnn: a residual block with batch norm, the other layer kinds, a per-pixel head.</summary>
[Collection(NetworkCollection.Name)]
public sealed class GraphNetworkTests(NetworkDeviceFixture fixture)
{
    private const ulong Seed = 3;
    private readonly GpuDevice _device = fixture.Device;

    [Fact]
    public void Residual_ForwardAndTraining_MatchTheCpu()
    {
        NetworkParity.Forward(mode => new GpuResidualNet(Seed, mode), mode => new GpuResidualNet.Gpu(_device, Seed, mode), 3);
        NetworkParity.Train(() => new GpuResidualNet(Seed, ExecutionMode.Training), () => new GpuResidualNet.Gpu(_device, Seed, ExecutionMode.Training), 3);
        NetworkParity.SaveOnGpuLoadOnCpu(() => new GpuResidualNet(Seed), () => new GpuResidualNet.Gpu(_device, Seed, ExecutionMode.Inference), 2);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuResidualNet.Gpu(_device, Seed, ExecutionMode.Inference), "bn1.running_mean", 2);
    }

    [Fact]
    public void LayerKinds_ForwardAndTraining_MatchTheCpu()
    {
        NetworkParity.Forward(mode => new GpuLayerKindsNet(Seed, mode), mode => new GpuLayerKindsNet.Gpu(_device, Seed, mode), 2);
        NetworkParity.Train(() => new GpuLayerKindsNet(Seed, ExecutionMode.Training), () => new GpuLayerKindsNet.Gpu(_device, Seed, ExecutionMode.Training), 4);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuLayerKindsNet.Gpu(_device, Seed, ExecutionMode.Inference), "dw.weight", 2);
    }

    [Fact]
    public void Segmentation_ForwardAndTraining_MatchTheCpu()
    {
        NetworkParity.Forward(mode => new GpuSegmentNet(Seed, mode), mode => new GpuSegmentNet.Gpu(_device, Seed, mode), 2);
        NetworkParity.Train(() => new GpuSegmentNet(Seed, ExecutionMode.Training), () => new GpuSegmentNet.Gpu(_device, Seed, ExecutionMode.Training), 3);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuSegmentNet.Gpu(_device, Seed, ExecutionMode.Inference), "conv2.weight", 2);
    }
}
