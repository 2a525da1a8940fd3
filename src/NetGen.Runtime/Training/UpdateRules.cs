using System;
using System.Numerics;

namespace NetGen.Training;

/// <summary>
/// The element-wise update rules of PyTorch's <c>torch.optim.SGD</c>, <c>Adam</c> and <c>AdamW</c>,
/// written once: <see cref="Sgd"/>, <see cref="Adam"/> and <see cref="AdamW"/> call them per
/// parameter group, and generated networks per tensor (through <see cref="NetGen.Execution.OptimizerStep"/>).
/// Each runs a vector loop and a scalar tail with the same operations in the same order, so every
/// element rounds the same way whichever loop handles it. Nothing here allocates.
/// </summary>
internal static class UpdateRules
{
    /// <summary>
    /// One SGD update, in place:
    /// <code>
    /// g = grad + weight_decay * p                    (when weight_decay != 0)
    /// if momentum != 0:
    ///     b = g                                      (first step)
    ///     b = momentum * b + (1 - dampening) * g     (later steps)
    ///     g = g + momentum * b   if nesterov  else  b
    /// p = p - lr * g
    /// </code>
    /// </summary>
    /// <param name="p">(L) parameters.</param>
    /// <param name="g">(L) gradients.</param>
    /// <param name="buffer">(L) momentum buffer b; unused (may be empty) when momentum is 0.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="momentum">Momentum, 0 for none.</param>
    /// <param name="dampening">Dampening of later steps' gradients in the buffer.</param>
    /// <param name="weightDecay">L2 coefficient added to the gradient.</param>
    /// <param name="nesterov">Nesterov's look-ahead form.</param>
    /// <param name="first">The buffer's first step (it starts as the gradient).</param>
    public static void Sgd(Span<float> p, ReadOnlySpan<float> g, Span<float> buffer, float lr, float momentum,
        float dampening, float weightDecay, bool nesterov, bool first)
    {
        float wd = weightDecay, mu = momentum, keep = 1f - dampening;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            for (; i <= p.Length - width; i += width)
            {
                var pv = new Vector<float>(p[i..]);
                var gv = new Vector<float>(g[i..]);
                if (wd != 0f)
                {
                    gv += wd * pv;
                }

                if (mu != 0f)
                {
                    Span<float> slice = buffer[i..];
                    Vector<float> b = first ? gv : mu * new Vector<float>(slice) + keep * gv;
                    b.CopyTo(slice);
                    gv = nesterov ? gv + mu * b : b;
                }

                (pv - lr * gv).CopyTo(p[i..]);
            }
        }

        for (; i < p.Length; i++)
        {
            float gi = g[i];
            if (wd != 0f)
            {
                gi += wd * p[i];
            }

            if (mu != 0f)
            {
                float b = first ? gi : mu * buffer[i] + keep * gi;
                buffer[i] = b;
                gi = nesterov ? gi + mu * b : b;
            }

            p[i] -= lr * gi;
        }
    }

    /// <summary>
    /// One Adam update (amsgrad off), in place:
    /// <code>
    /// p = p * (1 - lr * weight_decay)                (AdamW: decoupled)
    /// g = grad + weight_decay * p                    (Adam: L2 in the gradient)
    /// m = m + (1 - beta1) * (g - m)                  (= beta1 m + (1 - beta1) g)
    /// v = beta2 * v + (1 - beta2) * g * g
    /// step_size = lr / (1 - beta1^t)                 (bias corrections, t counts from 1)
    /// denom = sqrt(v) / sqrt(1 - beta2^t) + eps
    /// p = p - step_size * m / denom
    /// </code>
    /// Betas are doubles, as PyTorch's are Python floats: 1 - 0.999f in float32 is off by 1.3e-5
    /// relative, which would show in every second-moment update. The scalars are computed in
    /// double, as PyTorch computes them in Python, then rounded once.
    /// </summary>
    /// <param name="p">(L) parameters.</param>
    /// <param name="g">(L) gradients.</param>
    /// <param name="m">(L) first moments.</param>
    /// <param name="v">(L) second moments.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">First-moment decay, in [0, 1).</param>
    /// <param name="beta2">Second-moment decay, in [0, 1).</param>
    /// <param name="epsilon">Denominator term.</param>
    /// <param name="weightDecay">Weight decay coefficient.</param>
    /// <param name="decoupled">AdamW's decoupled decay instead of Adam's L2 term.</param>
    /// <param name="step">This update's number t, from 1.</param>
    public static void Adam(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float lr,
        double beta1, double beta2, float epsilon, float weightDecay, bool decoupled, long step)
    {
        float stepSize = (float)(lr / (1.0 - Math.Pow(beta1, step)));
        float correction2Sqrt = (float)Math.Sqrt(1.0 - Math.Pow(beta2, step));
        float decay = decoupled ? (float)(1.0 - (double)lr * weightDecay) : 1f;
        float l2 = decoupled ? 0f : weightDecay;
        float w1 = (float)(1.0 - beta1), b2 = (float)beta2, w2 = (float)(1.0 - beta2), eps = epsilon;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<float>.Count;
            for (; i <= p.Length - width; i += width)
            {
                var pv = new Vector<float>(p[i..]);
                var gv = new Vector<float>(g[i..]);
                if (decay != 1f)
                {
                    pv *= decay;
                }

                if (l2 != 0f)
                {
                    gv += l2 * pv;
                }

                var mv = new Vector<float>(m[i..]);
                mv += w1 * (gv - mv);
                Vector<float> vv = b2 * new Vector<float>(v[i..]) + w2 * (gv * gv);
                mv.CopyTo(m[i..]);
                vv.CopyTo(v[i..]);
                Vector<float> denom = Vector.SquareRoot(vv) / correction2Sqrt + new Vector<float>(eps);
                (pv - stepSize * (mv / denom)).CopyTo(p[i..]);
            }
        }

        for (; i < p.Length; i++)
        {
            float pi = p[i];
            float gi = g[i];
            if (decay != 1f)
            {
                pi *= decay;
            }

            if (l2 != 0f)
            {
                gi += l2 * pi;
            }

            float mi = m[i] + w1 * (gi - m[i]);
            float vi = b2 * v[i] + w2 * (gi * gi);
            m[i] = mi;
            v[i] = vi;
            float denom = MathF.Sqrt(vi) / correction2Sqrt + eps;
            p[i] = pi - stepSize * (mi / denom);
        }
    }
}
