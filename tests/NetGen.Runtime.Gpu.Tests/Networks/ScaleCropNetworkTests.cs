using NetGen.Execution;
using Xunit;

namespace NetGen.Gpu.Tests.Networks;

/// <summary>
/// Scale, shift, both forms of crop and batch norms without gamma and/or beta on the GPU backend
/// (GpuGraphs.cnn's GpuScaleCropNet) against the CPU class.
/// </summary>
[Collection(NetworkCollection.Name)]
public sealed class ScaleCropNetworkTests(NetworkDeviceFixture fixture)
{
    private const ulong Seed = 13;
    private readonly GpuDevice _device = fixture.Device;

    [Fact]
    public void ScaleShiftCropAndBatchNormWithoutAffine_ForwardAndTraining_MatchTheCpu()
    {
        NetworkParity.Forward(mode => new GpuScaleCropNet(Seed, mode), mode => new GpuScaleCropNet.Gpu(_device, Seed, mode), 2);
        NetworkParity.Train(() => new GpuScaleCropNet(Seed, ExecutionMode.Training), () => new GpuScaleCropNet.Gpu(_device, Seed, ExecutionMode.Training), 3);
        NetworkParity.SaveOnGpuLoadOnCpu(() => new GpuScaleCropNet(Seed), () => new GpuScaleCropNet.Gpu(_device, Seed, ExecutionMode.Inference), 2);
        NetworkParity.PerturbedWeightChangesOutput(() => new GpuScaleCropNet.Gpu(_device, Seed, ExecutionMode.Inference), "conv1.weight", 2);
    }
}
