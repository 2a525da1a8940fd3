using System;
using System.Collections.Generic;

namespace NetGen.Training;

/// <summary>
/// Adam (Kingma and Ba, 2015) with exactly the update of PyTorch's <c>torch.optim.Adam</c>
/// (amsgrad off), where weight decay is an L2 term added to the gradient:
/// <code>
/// g = grad + weight_decay * p                    (Adam, when weight_decay != 0)
/// m = m + (1 - beta1) * (g - m)                  (= beta1 m + (1 - beta1) g)
/// v = beta2 * v + (1 - beta2) * g * g
/// step_size = lr / (1 - beta1^t)                 (bias corrections, t counts from 1)
/// denom = sqrt(v) / sqrt(1 - beta2^t) + eps
/// p = p - step_size * m / denom
/// </code>
/// State: two floats per parameter (m, then v, each the length of the group).
/// </summary>
public class Adam : Optimizer
{
    // Betas are doubles, as PyTorch's are Python floats (see UpdateRules.Adam).
    private readonly double _beta1;
    private readonly double _beta2;
    private readonly float _epsilon;
    private readonly float _weightDecay;
    private readonly bool _decoupled;

    /// <summary>
    /// Creates the optimizer over <paramref name="groups"/>; <paramref name="state"/> must hold
    /// exactly <see cref="StateLength"/> floats and is zeroed. Defaults are PyTorch's.
    /// </summary>
    public Adam(IReadOnlyList<ParameterGroup> groups, Memory<float> state, float learningRate = 1e-3f,
        double beta1 = 0.9, double beta2 = 0.999, float epsilon = 1e-8f, float weightDecay = 0f)
        : this(groups, state, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: false)
    {
    }

    private protected Adam(IReadOnlyList<ParameterGroup> groups, Memory<float> state, float learningRate,
        double beta1, double beta2, float epsilon, float weightDecay, bool decoupled)
        : base(groups, state, 2, learningRate)
    {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(beta1), $"Betas must be in [0, 1); got {beta1} and {beta2}.");
        }

        if (!(epsilon >= 0) || !float.IsFinite(epsilon) || !(weightDecay >= 0) || !float.IsFinite(weightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), $"Epsilon and weight decay must be finite and non-negative; got {epsilon} and {weightDecay}.");
        }

        _beta1 = beta1;
        _beta2 = beta2;
        _epsilon = epsilon;
        _weightDecay = weightDecay;
        _decoupled = decoupled;
    }

    /// <summary>Floats of state needed for <paramref name="groups"/>: 2 x total parameters.</summary>
    public static long StateLength(IReadOnlyList<ParameterGroup> groups) => StateLengthFor(groups, 2);

    private protected sealed override void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> state, long step, bool applyWeightDecay) =>
        UpdateRules.Adam(p, g, state[..p.Length], state[p.Length..], LearningRate, _beta1, _beta2, _epsilon,
            applyWeightDecay ? _weightDecay : 0f, _decoupled, step);
}

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019): Adam with decoupled weight decay, exactly as PyTorch's
/// <c>torch.optim.AdamW</c>: first <c>p = p * (1 - lr * weight_decay)</c>, then the Adam update
/// of <see cref="Adam"/> with no L2 term in the gradient. PyTorch's default decay is 0.01.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>
    /// Creates the optimizer over <paramref name="groups"/>; <paramref name="state"/> must hold
    /// exactly <see cref="Adam.StateLength"/> floats and is zeroed. Defaults are PyTorch's.
    /// </summary>
    public AdamW(IReadOnlyList<ParameterGroup> groups, Memory<float> state, float learningRate = 1e-3f,
        double beta1 = 0.9, double beta2 = 0.999, float epsilon = 1e-8f, float weightDecay = 0.01f)
        : base(groups, state, learningRate, beta1, beta2, epsilon, weightDecay, decoupled: true)
    {
    }
}
