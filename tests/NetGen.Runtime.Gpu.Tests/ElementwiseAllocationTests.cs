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
/// by the test (same kernel, same arguments, so the same launcher cost). The simulator's own share
/// varies by a few dozen bytes from run to run (its worker threads' timing), so the comparison allows
/// less than one object's worth per call: an allocation per call of the entry point (24 bytes at
/// least, times <see cref="Calls"/>) still fails it.
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

    /// <summary>The entry point's bytes over <see cref="Calls"/> calls are the bare launch's, within the simulator's noise.</summary>
    private static void NoMoreThanBare(long bare, long entry, string what) =>
        Assert.True(entry - bare < Calls * 8, $"{what}: {entry} bytes over {Calls} calls against the bare launch's {bare}.");

    [Fact]
    public void ActivationPoolAndOptimizerCallsAllocateNoMoreThanTheirBareLaunch()
    {
        var a = _device.Accelerator;
        using var buffer = a.Allocate1D<float>(96);
        var view = buffer.View;

        var activations = GpuActivations.On(_device);
        var bareActivation = a.LoadStreamKernel(Kernel<Action<ArrayView<float>, ArrayView<float>, int, float, int>>(typeof(GpuActivations), "ForwardKernel"));
        var config = new KernelConfig(1, 16);
        NoMoreThanBare(Bytes(() => bareActivation(config, view, view, (int)Activation.ReLU, 0f, 96)),
            Bytes(() => GpuActivations.On(_device).Forward(view, view, Activation.ReLU)), "ReLU forward");

        var bareClip = a.LoadStreamKernel(Kernel<Action<ArrayView<float>, ArrayView<float>, float, float, int>>(typeof(GpuActivations), "ClipForwardKernel"));
        NoMoreThanBare(Bytes(() => bareClip(config, view, view, -1f, 1f, 96)), Bytes(() => activations.ClipForward(view, view, -1f, 1f)), "Clip forward");
        var bareClipBackward = a.LoadStreamKernel(Kernel<Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, int>>(typeof(GpuActivations), "ClipBackwardKernel"));
        using var second = a.Allocate1D<float>(96);
        NoMoreThanBare(Bytes(() => bareClipBackward(config, view, second.View, view, -1f, 1f, 96)),
            Bytes(() => activations.ClipBackward(view, second.View, view, -1f, 1f)), "Clip backward");

        var dims = PoolDims.Create(1, 4, 4, 6, 2, 2, 2, 2);
        var pooled = view.SubView(0, 24);
        var barePool = a.LoadStreamKernel(Kernel<Action<ArrayView<float>, ArrayView<float>, PoolDims, int>>(typeof(GpuPool), "MaxForwardKernel"));
        var pool = GpuPool.On(_device);
        NoMoreThanBare(Bytes(() => barePool(config, pooled, view, dims, 24)), Bytes(() => pool.MaxForward(pooled, view, dims)), "MaxPool forward");

        var optimizer = GpuOptimizer.On(_device);
        var bareAdam = a.LoadStreamKernel(Kernel<Action<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, GpuOptimizer.AdamScalars, int>>(typeof(GpuOptimizer), "AdamKernel"));
        var part = view.SubView(0, 24);
        var settings = new AdamSettings(1e-3f);
        var scalars = GpuOptimizer.AdamScalars.For(settings, 1);
        long step = 1;
        NoMoreThanBare(Bytes(() => bareAdam(config, part, part, part, part, scalars, 24)), Bytes(() => optimizer.Adam(part, part, part, part, settings, step++)), "Adam");
    }
}
