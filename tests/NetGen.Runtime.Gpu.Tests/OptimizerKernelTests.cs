using ILGPU;
using ILGPU.Runtime;
using NetGen.Execution;
using NetGen.Gpu;
using Xunit;

namespace NetGen.Gpu.Tests;

[Collection(OpsCollection.Name)]
public class OptimizerKernelTests(OpsDevice fixture)
{
    private readonly GpuDevice _device = fixture.Device;

    // A ragged block: 53 floats, not a multiple of any group.
    private const int Length = 53, Steps = 6;

    private static ParameterTensor[] Table() => [new ParameterTensor("block", 0, [Length], 0, ParameterInit.Zeros, 1, 1)];

    public static TheoryData<float, float, float, bool> SgdCases() => new()
    {
        { 0f, 0f, 0f, false },
        { 0.9f, 0f, 0.01f, false },
        { 0.9f, 0.3f, 0f, false },
        { 0.8f, 0f, 0.05f, true },
    };

    [Theory]
    [MemberData(nameof(SgdCases))]
    public void SgdFollowsTheCpuUpdateRuleOverSeveralSteps(float momentum, float dampening, float weightDecay, bool nesterov)
    {
        var opt = GpuOptimizer.On(_device);
        var p = Ops.Random(Length, 61);
        var cpuP = (float[])p.Clone();
        var cpuBuffer = new float[Length];
        var settings = new TrainingSettings(0.05f) { Momentum = momentum, Dampening = dampening, WeightDecay = weightDecay, Nesterov = nesterov };
        using var bp = Ops.Upload(_device, p);
        using var bg = _device.Accelerator.Allocate1D<float>(Length);
        using var bBuffer = _device.Accelerator.Allocate1D<float>(Length);
        var gpuSettings = new SgdSettings(0.05f, momentum, dampening, weightDecay, nesterov);
        for (int step = 1; step <= Steps; step++)
        {
            var g = Ops.Random(Length, 70 + step);
            bg.View.CopyFromCPU(g);
            opt.Sgd(bp.View, bg.View, bBuffer.View, gpuSettings, first: step == 1);
            OptimizerStep.Sgd(cpuP, g, momentum != 0 ? cpuBuffer : Span<float>.Empty, Table(), settings, step, "test");
        }
        Ops.Close(cpuP, Ops.Download(_device, bp.View), $"SGD parameters after {Steps} steps", rtol: 1e-5, atol: 1e-7);
        if (momentum != 0) Ops.Close(cpuBuffer, Ops.Download(_device, bBuffer.View), "SGD momentum buffer", rtol: 1e-5, atol: 1e-7);
    }

    [Theory]
    [InlineData(0f, false)]
    [InlineData(0.01f, false)]
    [InlineData(0.01f, true)]
    public void AdamAndAdamWFollowTheCpuUpdateRuleOverSeveralSteps(float weightDecay, bool decoupled)
    {
        var opt = GpuOptimizer.On(_device);
        var p = Ops.Random(Length, 62);
        var cpuP = (float[])p.Clone();
        var cpuState = new float[2 * Length];
        var settings = new TrainingSettings(1e-2f) { WeightDecay = weightDecay, DecoupledWeightDecay = decoupled, Beta1 = 0.85, Beta2 = 0.995 };
        var gpuSettings = new AdamSettings(1e-2f, 0.85, 0.995, 1e-8f, weightDecay, decoupled);
        using var bp = Ops.Upload(_device, p);
        using var bg = _device.Accelerator.Allocate1D<float>(Length);
        using var bm = Ops.Upload(_device, new float[Length]);
        using var bv = Ops.Upload(_device, new float[Length]);
        for (int step = 1; step <= Steps; step++)
        {
            var g = Ops.Random(Length, 80 + step, scale: 0.5f);
            bg.View.CopyFromCPU(g);
            opt.Adam(bp.View, bg.View, bm.View, bv.View, gpuSettings, step);
            OptimizerStep.Adam(cpuP, g, cpuState, Table(), settings, step, "test");
        }
        Ops.Close(cpuP, Ops.Download(_device, bp.View), $"Adam parameters after {Steps} steps", rtol: 1e-5, atol: 1e-7);
        Ops.Close(cpuState.AsSpan(0, Length), Ops.Download(_device, bm.View), "first moments", rtol: 1e-5, atol: 1e-9);
        Ops.Close(cpuState.AsSpan(Length, Length), Ops.Download(_device, bv.View), "second moments", rtol: 1e-5, atol: 1e-12);

        // float64: Adam from its definition, the same steps.
        var rp = p.Select(v => (double)v).ToArray();
        var rm = new double[Length];
        var rv = new double[Length];
        for (int step = 1; step <= Steps; step++)
        {
            var g = Ops.Random(Length, 80 + step, scale: 0.5f);
            for (int i = 0; i < Length; i++)
            {
                if (decoupled) rp[i] *= 1 - 1e-2 * weightDecay;
                double gi = g[i] + (decoupled ? 0 : weightDecay * rp[i]);
                rm[i] = 0.85 * rm[i] + 0.15 * gi;
                rv[i] = 0.995 * rv[i] + 0.005 * gi * gi;
                double mHat = rm[i] / (1 - Math.Pow(0.85, step)), vHat = rv[i] / (1 - Math.Pow(0.995, step));
                rp[i] -= 1e-2 * mHat / (Math.Sqrt(vHat) + 1e-8);
            }
        }
        Ops.Close(rp, Ops.Download(_device, bp.View), "Adam against float64", rtol: 1e-5, atol: 1e-6);
    }

    [Fact]
    public void AMissingMomentumBufferIsRefusedByName()
    {
        var opt = GpuOptimizer.On(_device);
        using var p = _device.Accelerator.Allocate1D<float>(8);
        using var buffer = _device.Accelerator.Allocate1D<float>(7);
        var e = Assert.Throws<ArgumentException>(() => opt.Sgd(p.View, p.View, buffer.View, new SgdSettings(0.1f, Momentum: 0.9f), first: true));
        Assert.Contains("buffer", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => opt.Adam(p.View, p.View, p.View, p.View, new AdamSettings(0.1f), step: 0));
    }
}
