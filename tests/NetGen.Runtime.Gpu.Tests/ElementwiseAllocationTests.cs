using System.Reflection;
using ILGPU;
using ILGPU.Runtime;
using NetGen.Gpu;
using NetGen.Kernels;
using Xunit;

namespace NetGen.Gpu.Tests;

/// <summary>
/// The entry points add no allocation to a launch: ILGPU's CPU accelerator allocates a task per
/// launch itself, so each entry point is compared with a bare launch of the same kernel loaded
/// by the test (same kernel, same arguments, so the same launcher cost).
/// </summary>
[Collection(OpsCollection.Name)]
public class ElementwiseAllocationTests(OpsDevice fixture)
{
    private const int Calls = 20;
    private readonly GpuDevice _device = fixture.Device;

    private static TDelegate Kernel<TDelegate>(Type family, string name) where TDelegate : Delegate =>
        (TDelegate)Delegate.CreateDelegate(typeof(TDelegate), family.GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!);

    private long Bytes(Action launch)
    {
        launch();
        _device.Synchronize();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++) launch();
        long after = GC.GetAllocatedBytesForCurrentThread();
        _device.Synchronize();
        return after - before;
    }

    [Fact]
    public void ActivationPoolAndOptimizerCallsAllocateNoMoreThanTheirBareLaunch()
    {
        var a = _device.Accelerator;
        using var buffer = a.Allocate1D<float>(96);
        var view = buffer.View;

        var activations = GpuActivations.On(_device);
        var bareActivation = a.LoadStreamKernel(Kernel<Action<ArrayView<float>, ArrayView<float>, int, float, int>>(typeof(GpuActivations), "ForwardKernel"));
        var config = new KernelConfig(1, 16);
        Assert.Equal(Bytes(() => bareActivation(config, view, view, (int)Activation.ReLU, 0f, 96)),
            Bytes(() => GpuActivations.On(_device).Forward(view, view, Activation.ReLU)));

        var dims = PoolDims.Create(1, 4, 4, 6, 2, 2, 2, 2);
        var pooled = view.SubView(0, 24);
        var barePool = a.LoadStreamKernel(Kernel<Action<ArrayView<float>, ArrayView<float>, PoolDims, int>>(typeof(GpuPool), "MaxForwardKernel"));
        var pool = GpuPool.On(_device);
        Assert.Equal(Bytes(() => barePool(config, pooled, view, dims, 24)), Bytes(() => pool.MaxForward(pooled, view, dims)));

        var optimizer = GpuOptimizer.On(_device);
        var bareAdam = a.LoadStreamKernel(Kernel<Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GpuOptimizer.AdamScalars, int>>(typeof(GpuOptimizer), "AdamKernel"));
        var part = view.SubView(0, 24);
        var settings = new AdamSettings(1e-3f);
        var scalars = GpuOptimizer.AdamScalars.For(settings, 1);
        long step = 1;
        Assert.Equal(Bytes(() => bareAdam(config, part, part, part, part, scalars, 24)), Bytes(() => optimizer.Adam(part, part, part, part, settings, step++)));
    }
}
