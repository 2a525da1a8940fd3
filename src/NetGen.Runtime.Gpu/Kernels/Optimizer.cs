using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>SGD's hyperparameters (PyTorch's torch.optim.SGD).</summary>
/// <param name="LearningRate">Learning rate.</param>
/// <param name="Momentum">Momentum, 0 for none.</param>
/// <param name="Dampening">Dampening of later steps' gradients in the buffer.</param>
/// <param name="WeightDecay">L2 coefficient added to the gradient.</param>
/// <param name="Nesterov">Nesterov's look-ahead form.</param>
public readonly record struct SgdSettings(float LearningRate, float Momentum = 0f, float Dampening = 0f, float WeightDecay = 0f, bool Nesterov = false);

/// <summary>Adam's or AdamW's hyperparameters (PyTorch's; betas are doubles as PyTorch's Python floats).</summary>
/// <param name="LearningRate">Learning rate.</param>
/// <param name="Beta1">First-moment decay, in [0, 1).</param>
/// <param name="Beta2">Second-moment decay, in [0, 1).</param>
/// <param name="Epsilon">Denominator term.</param>
/// <param name="WeightDecay">Weight decay coefficient: L2 in the gradient (Adam) or decoupled (AdamW).</param>
/// <param name="Decoupled">AdamW's decoupled decay.</param>
public readonly record struct AdamSettings(float LearningRate, double Beta1 = 0.9, double Beta2 = 0.999, float Epsilon = 1e-8f, float WeightDecay = 0f, bool Decoupled = false);

/// <summary>
/// The optimizer updates on the device, over a whole parameter block (L floats) in one launch,
/// with NetGen.Training.UpdateRules' arithmetic in the same order: SGD with momentum, dampening,
/// Nesterov and L2 decay (the buffer starts as the gradient on its first step); Adam and AdamW
/// (amsgrad off) with the step-count bias corrections, whose scalars are computed on the host in
/// double as UpdateRules computes them and rounded once.
/// </summary>
public sealed class GpuOptimizer
{
    private readonly LaunchShape _shape;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, float, int, int, int> _sgd;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamScalars, int> _adam;

    private GpuOptimizer(GpuDevice device)
    {
        _shape = new LaunchShape(device);
        var a = device.Accelerator;
        _sgd = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, float, int, int, int>(SgdKernel);
        _adam = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamScalars, int>(AdamKernel);
    }

    /// <summary>The optimizer kernels on <paramref name="device"/>, loaded once.</summary>
    public static GpuOptimizer On(GpuDevice device) => device.Kernels(static d => new GpuOptimizer(d));

    /// <summary>One SGD update of p in place.</summary>
    /// <param name="p">(L) parameters.</param>
    /// <param name="g">(L) gradients.</param>
    /// <param name="buffer">(L) momentum buffer; unused (may be empty) when momentum is 0.</param>
    /// <param name="settings">The hyperparameters.</param>
    /// <param name="first">The buffer's first step (it starts as the gradient).</param>
    public void Sgd(ArrayView<float> p, ArrayView<float> g, ArrayView<float> buffer, in SgdSettings settings, bool first)
    {
        const string kernel = "GpuOptimizer.Sgd";
        OpsCheck.Length(g.Length, p.Length, kernel, nameof(g), "p.Length");
        if (settings.Momentum != 0f)
            OpsCheck.Length(buffer.Length, p.Length, kernel, nameof(buffer), "p.Length");
        int n = OpsCheck.Elements(p.Length, kernel, nameof(p));
        _sgd(_shape.GridStride(n), p, g, settings.Momentum != 0f ? buffer : p, settings.LearningRate, settings.Momentum,
            1f - settings.Dampening, settings.WeightDecay, settings.Nesterov ? 1 : 0, first ? 1 : 0, n);
    }

    /// <summary>One Adam or AdamW update of p, m and v in place.</summary>
    /// <param name="p">(L) parameters.</param>
    /// <param name="g">(L) gradients.</param>
    /// <param name="m">(L) first moments.</param>
    /// <param name="v">(L) second moments.</param>
    /// <param name="settings">The hyperparameters.</param>
    /// <param name="step">This update's number t, from 1.</param>
    public void Adam(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, in AdamSettings settings, long step)
    {
        const string kernel = "GpuOptimizer.Adam";
        OpsCheck.Length(g.Length, p.Length, kernel, nameof(g), "p.Length");
        OpsCheck.Length(m.Length, p.Length, kernel, nameof(m), "p.Length");
        OpsCheck.Length(v.Length, p.Length, kernel, nameof(v), "p.Length");
        OpsCheck.Positive(step, kernel, nameof(step));
        int n = OpsCheck.Elements(p.Length, kernel, nameof(p));
        _adam(_shape.GridStride(n), p, g, m, v, AdamScalars.For(settings, step), n);
    }

    /// <summary>Adam's per-step scalars, as UpdateRules.Adam computes them: in double, rounded once.</summary>
    internal readonly struct AdamScalars
    {
        public readonly float StepSize, Correction2Sqrt, Decay, L2, W1, B2, W2, Eps;

        private AdamScalars(float stepSize, float correction2Sqrt, float decay, float l2, float w1, float b2, float w2, float eps)
        {
            StepSize = stepSize;
            Correction2Sqrt = correction2Sqrt;
            Decay = decay;
            L2 = l2;
            W1 = w1;
            B2 = b2;
            W2 = w2;
            Eps = eps;
        }

        public static AdamScalars For(in AdamSettings s, long step) => new(
            (float)(s.LearningRate / (1.0 - Math.Pow(s.Beta1, step))),
            (float)Math.Sqrt(1.0 - Math.Pow(s.Beta2, step)),
            s.Decoupled ? (float)(1.0 - (double)s.LearningRate * s.WeightDecay) : 1f,
            s.Decoupled ? 0f : s.WeightDecay,
            (float)(1.0 - s.Beta1), (float)s.Beta2, (float)(1.0 - s.Beta2), s.Epsilon);
    }

    private static void SgdKernel(ArrayView<float> p, ArrayView<float> g, ArrayView<float> buffer, float lr, float mu, float keep, float wd,
        int nesterov, int first, int n)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            float gi = g[i];
            if (wd != 0f)
                gi += wd * p[i];
            if (mu != 0f)
            {
                float b = first != 0 ? gi : mu * buffer[i] + keep * gi;
                buffer[i] = b;
                gi = nesterov != 0 ? gi + mu * b : b;
            }
            p[i] -= lr * gi;
        }
    }

    private static void AdamKernel(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, AdamScalars s, int n)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            float pi = p[i];
            float gi = g[i];
            if (s.Decay != 1f)
                pi *= s.Decay;
            if (s.L2 != 0f)
                gi += s.L2 * pi;
            float mi = m[i] + s.W1 * (gi - m[i]);
            float vi = s.B2 * v[i] + s.W2 * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            float denom = MathF.Sqrt(vi) / s.Correction2Sqrt + s.Eps;
            p[i] = pi - s.StepSize * (mi / denom);
        }
    }
}
