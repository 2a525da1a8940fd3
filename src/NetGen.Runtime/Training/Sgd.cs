using System;
using System.Collections.Generic;

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

    private protected override void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> state, long step, bool applyWeightDecay) =>
        UpdateRules.Sgd(p, g, state, LearningRate, _momentum, _dampening, applyWeightDecay ? _weightDecay : 0f, _nesterov, step == 1);

    private static void CheckFinite(float value, string name)
    {
        if (!float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be finite.");
        }
    }
}
