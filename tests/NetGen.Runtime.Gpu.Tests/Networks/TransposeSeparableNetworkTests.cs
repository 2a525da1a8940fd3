using NetGen.Execution;
using Xunit;

namespace NetGen.Gpu.Tests.Networks;

/// <summary>
/// Conv2DTranspose, SeparableConv2D and Clip on the GPU backend (GpuGraphs.cnn's GpuTransposeSegmentNet and
/// GpuSeparableNet) against the CPU class: forward, three training steps, and a weight that must matter.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class TransposeSeparableNetworkTests(NetworkDeviceFixture fixture)
{
    private const ulong Seed = 13;
    private readonly GpuDevice _device = fixture.Device;

    [Fact]
    public void TransposedConvolutions_ForwardAndTraining_MatchTheCpu()
    {
        NetworkParity.Forward(mode => new GpuTransposeSegmentNet(Seed, mode), mode => new GpuTransposeSegmentNet.Gpu(_device, Seed, mode), 2);
        NetworkParity.Train(() => new GpuTransposeSegmentNet(Seed, ExecutionMode.Training), () => new GpuTransposeSegmentNet.Gpu(_device, Seed, ExecutionMode.Training), 3);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuTransposeSegmentNet.Gpu(_device, Seed, ExecutionMode.Inference), "up1.weight", 2);
    }

    [Fact]
    public void SeparableConvolutionsAndClip_ForwardAndTraining_MatchTheCpu()
    {
        NetworkParity.Forward(mode => new GpuSeparableNet(Seed, mode), mode => new GpuSeparableNet.Gpu(_device, Seed, mode), 2);
        NetworkParity.Train(() => new GpuSeparableNet(Seed, ExecutionMode.Training), () => new GpuSeparableNet.Gpu(_device, Seed, ExecutionMode.Training), 3);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuSeparableNet.Gpu(_device, Seed, ExecutionMode.Inference), "sep2.depthwise.weight", 2);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuSeparableNet.Gpu(_device, Seed, ExecutionMode.Inference), "sep3.pointwise.weight", 2);
    }

    [Fact]
    public void FusedActivationsThatReadTheirInput_ForwardAndTraining_MatchTheCpu()
    {
        NetworkParity.Forward(mode => new GpuFusedInputActivationNet(Seed, mode), mode => new GpuFusedInputActivationNet.Gpu(_device, Seed, mode), 2);
        NetworkParity.Train(() => new GpuFusedInputActivationNet(Seed, ExecutionMode.Training),
            () => new GpuFusedInputActivationNet.Gpu(_device, Seed, ExecutionMode.Training), 3);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuFusedInputActivationNet.Gpu(_device, Seed, ExecutionMode.Inference), "c2.weight", 2);
    }
}
