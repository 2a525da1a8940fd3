using System;
using System.Collections.Generic;
using System.Numerics;

namespace NetGen.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2
/// weight decay, with exactly the update of PyTorch's <c>torch.optim.SGD</c>:
/// <code>
/// g = grad + weight_decay * p                    (when weight_decay != 0)
/// if momentum != 0:
///     b = g                                      (first step)
///     b = momentum * b + (1 - dampening) * g     (later steps)
///     g = g + momentum * b   if nesterov  else  b
/// p = p - lr * g
/// </code>
/// State: one float per parameter (the momentum buffer b) when momentum is non-zero, else none.
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float _momentum;
    private readonly float _dampening;
    private readonly float _weightDecay;
    private readonly bool _nesterov;

    /// <summary>
    /// Creates the optimizer over <paramref name="groups"/>; <paramref name="state"/> must hold
    /// exactly <see cref="StateLength"/> floats and is zeroed.
    /// </summary>
    public Sgd(IReadOnlyList<ParameterGroup> groups, Memory<float> state, float learningRate,
        float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(groups, state, StatePerParameter(momentum), learningRate)
    {
        CheckFinite(momentum, nameof(momentum));
        CheckFinite(dampening, nameof(dampening));
        CheckFinite(weightDecay, nameof(weightDecay));
        if (momentum < 0 || weightDecay < 0)
        {
            throw new ArgumentOutOfRangeException(momentum < 0 ? nameof(momentum) : nameof(weightDecay), "Momentum and weight decay must be non-negative.");
        }

        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException($"Nesterov momentum needs momentum > 0 and zero dampening (got momentum {momentum}, dampening {dampening}), as in PyTorch.", nameof(nesterov));
        }

        _momentum = momentum;
        _dampening = dampening;
        _weightDecay = weightDecay;
        _nesterov = nesterov;
    }

    /// <summary>Floats of state needed for <paramref name="groups"/>: total parameters with momentum, else 0.</summary>
    public static long StateLength(IReadOnlyList<ParameterGroup> groups, float momentum) =>
        StateLengthFor(groups, StatePerParameter(momentum));

    private static int StatePerParameter(float momentum) => momentum != 0 ? 1 : 0;

    private protected override void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> state, long step, bool applyWeightDecay)
    {
        float lr = LearningRate;
        float wd = applyWeightDecay ? _weightDecay : 0f;
        float mu = _momentum;
        float keep = 1f - _dampening;
        bool first = step == 1;
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
                    Span<float> bufSlice = state[i..];
                    Vector<float> b = first ? gv : mu * new Vector<float>(bufSlice) + keep * gv;
                    b.CopyTo(bufSlice);
                    gv = _nesterov ? gv + mu * b : b;
                }

                (pv - lr * gv).CopyTo(p[i..]);
            }
        }

        // The same operations in the same order, so every element rounds as in the vector loop.
        for (; i < p.Length; i++)
        {
            float gi = g[i];
            if (wd != 0f)
            {
                gi += wd * p[i];
            }

            if (mu != 0f)
            {
                float b = first ? gi : mu * state[i] + keep * gi;
                state[i] = b;
                gi = _nesterov ? gi + mu * b : b;
            }

            p[i] -= lr * gi;
        }
    }

    private static void CheckFinite(float value, string name)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be finite.");
        }
    }
}
