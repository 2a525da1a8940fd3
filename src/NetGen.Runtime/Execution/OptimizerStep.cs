using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen.Execution;

/// <summary>
/// One optimizer update of every trainable tensor of a generated network, in place, from its
/// gradient block. The optimizer state block is laid out like the gradient block: SGD's
/// velocity at each tensor's gradient offset; Adam's first moments there and second moments
/// one trainable-parameter count further on.
/// </summary>
public static class OptimizerStep
{
    /// <summary>
    /// Adam (Kingma and Ba, bias-corrected as PyTorch): m = b1 m + (1 - b1) g,
    /// v = b2 v + (1 - b2) g^2, p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
    /// </summary>
    /// <param name="parameters">Parameter block.</param>
    /// <param name="gradients">Gradient block (trainable tensors only).</param>
    /// <param name="state">Optimizer state block: 2 x trainable parameters.</param>
    /// <param name="table">The network's tensors.</param>
    /// <param name="settings">Hyperparameters.</param>
    /// <param name="step">This update's number t, from 1.</param>
    public static void Adam(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> state,
        ReadOnlySpan<ParameterTensor> table, TrainingSettings settings, long step)
    {
        int trainable = gradients.Length;
        float b1 = settings.Beta1, b2 = settings.Beta2, eps = settings.Epsilon;
        // Correction folded into the step size and epsilon: lr sqrt(1 - b2^t) / (1 - b1^t), eps sqrt(1 - b2^t).
        double c1 = 1.0 - Power(b1, step), c2 = Math.Sqrt(1.0 - Power(b2, step));
        float lr = (float)(settings.LearningRate * c2 / c1);
        float epsHat = (float)(eps * c2);
        foreach (var tensor in table)
        {
            if (!tensor.Trainable) continue;
            var p = parameters.Slice(tensor.Offset, tensor.Length);
            var g = gradients.Slice(tensor.GradientOffset, tensor.Length);
            var m = state.Slice(tensor.GradientOffset, tensor.Length);
            var v = state.Slice(trainable + tensor.GradientOffset, tensor.Length);
            AdamUpdate(p, g, m, v, lr, b1, b2, epsHat);
        }
    }

    /// <summary>SGD with momentum (PyTorch's form): v = momentum v + g, p -= lr v.</summary>
    /// <param name="parameters">Parameter block.</param>
    /// <param name="gradients">Gradient block.</param>
    /// <param name="velocity">Optimizer state block: 1 x trainable parameters.</param>
    /// <param name="table">The network's tensors.</param>
    /// <param name="settings">Hyperparameters.</param>
    public static void SgdMomentum(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> velocity,
        ReadOnlySpan<ParameterTensor> table, TrainingSettings settings)
    {
        float lr = settings.LearningRate, momentum = settings.Momentum;
        foreach (var tensor in table)
        {
            if (!tensor.Trainable) continue;
            var p = parameters.Slice(tensor.Offset, tensor.Length);
            var g = gradients.Slice(tensor.GradientOffset, tensor.Length);
            var v = velocity.Slice(tensor.GradientOffset, tensor.Length);
            for (int i = 0; i < p.Length; i++)
            {
                v[i] = momentum * v[i] + g[i];
                p[i] -= lr * v[i];
            }
        }
    }

    /// <summary>Plain SGD (no state): p -= lr g.</summary>
    public static void Sgd(Span<float> parameters, ReadOnlySpan<float> gradients, ReadOnlySpan<ParameterTensor> table,
        TrainingSettings settings)
    {
        float lr = settings.LearningRate;
        foreach (var tensor in table)
        {
            if (!tensor.Trainable) continue;
            var p = parameters.Slice(tensor.Offset, tensor.Length);
            var g = gradients.Slice(tensor.GradientOffset, tensor.Length);
            for (int i = 0; i < p.Length; i++)
            {
                p[i] -= lr * g[i];
            }
        }
    }

    private static void AdamUpdate(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float lr, float b1, float b2, float eps)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var pv = MemoryMarshal.Cast<float, Vector<float>>(p);
            var gv = MemoryMarshal.Cast<float, Vector<float>>(g);
            var mv = MemoryMarshal.Cast<float, Vector<float>>(m);
            var vv = MemoryMarshal.Cast<float, Vector<float>>(v);
            var vb1 = new Vector<float>(b1);
            var vb2 = new Vector<float>(b2);
            var va1 = new Vector<float>(1f - b1);
            var va2 = new Vector<float>(1f - b2);
            var vlr = new Vector<float>(lr);
            var veps = new Vector<float>(eps);
            for (int k = 0; k < pv.Length; k++)
            {
                var gk = gv[k];
                var mk = vb1 * mv[k] + va1 * gk;
                var vk = vb2 * vv[k] + va2 * gk * gk;
                mv[k] = mk;
                vv[k] = vk;
                pv[k] -= vlr * mk / (Vector.SquareRoot(vk) + veps);
            }
            i = pv.Length * Vector<float>.Count;
        }
        for (; i < p.Length; i++)
        {
            float gi = g[i];
            float mi = b1 * m[i] + (1f - b1) * gi;
            float vi = b2 * v[i] + (1f - b2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= lr * mi / (MathF.Sqrt(vi) + eps);
        }
    }

    /// <summary>b^t by squaring: IEEE multiplications only, so identical everywhere (Math.Pow may differ in the last bit).</summary>
    private static double Power(double b, long t)
    {
        double result = 1.0;
        while (t > 0)
        {
            if ((t & 1) != 0) result *= b;
            b *= b;
            t >>= 1;
        }
        return result;
    }
}
