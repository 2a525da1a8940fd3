using System;
using NetGen.Training;

namespace NetGen.Execution;

/// <summary>
/// One optimizer update of every trainable tensor of a generated network, in place, from its
/// gradient block, through the same update rules as <see cref="Training.Sgd"/> and
/// <see cref="Training.Adam"/>. Frozen tensors (no gradient offset) are not touched. The state
/// block is laid out like the gradient block: SGD's momentum buffer at each tensor's gradient
/// offset; Adam's first moments there and second moments one trainable-parameter count further on.
/// </summary>
public static class OptimizerStep
{
    /// <summary>SGD (PyTorch's <c>torch.optim.SGD</c>): momentum, dampening, Nesterov and L2 weight decay from <paramref name="settings"/>.</summary>
    /// <param name="parameters">Parameter block.</param>
    /// <param name="gradients">Gradient block (trainable tensors only).</param>
    /// <param name="state">Momentum buffers: 1 x trainable parameters, or empty when the network has none (then momentum must be 0).</param>
    /// <param name="table">The network's tensors.</param>
    /// <param name="settings">Hyperparameters; its learning rate is first set from its schedule, if any.</param>
    /// <param name="step">This update's number t, from 1.</param>
    /// <param name="network">Network name, for error messages.</param>
    public static void Sgd(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> state,
        ReadOnlySpan<ParameterTensor> table, TrainingSettings settings, long step, string network)
    {
        float lr = LearningRate(settings, step);
        float momentum = settings.Momentum, dampening = settings.Dampening, wd = settings.WeightDecay;
        CheckSgd(settings, momentum == 0 || state.Length == gradients.Length, network);
        foreach (var tensor in table)
        {
            if (!tensor.Trainable) continue;
            var buffer = momentum != 0 ? state.Slice(tensor.GradientOffset, tensor.Length) : Span<float>.Empty;
            UpdateRules.Sgd(parameters.Slice(tensor.Offset, tensor.Length), gradients.Slice(tensor.GradientOffset, tensor.Length),
                buffer, lr, momentum, dampening, wd, settings.Nesterov, step == 1);
        }
    }

    /// <summary>Adam, or AdamW with <see cref="TrainingSettings.DecoupledWeightDecay"/> (PyTorch's <c>torch.optim.Adam</c>/<c>AdamW</c>, amsgrad off).</summary>
    /// <param name="parameters">Parameter block.</param>
    /// <param name="gradients">Gradient block (trainable tensors only).</param>
    /// <param name="state">First then second moments: 2 x trainable parameters.</param>
    /// <param name="table">The network's tensors.</param>
    /// <param name="settings">Hyperparameters; its learning rate is first set from its schedule, if any.</param>
    /// <param name="step">This update's number t, from 1.</param>
    /// <param name="network">Network name, for error messages.</param>
    public static void Adam(Span<float> parameters, ReadOnlySpan<float> gradients, Span<float> state,
        ReadOnlySpan<ParameterTensor> table, TrainingSettings settings, long step, string network)
    {
        float lr = LearningRate(settings, step);
        double b1 = settings.Beta1, b2 = settings.Beta2;
        float eps = settings.Epsilon, wd = settings.WeightDecay;
        CheckAdam(settings, network);
        int trainable = gradients.Length;
        foreach (var tensor in table)
        {
            if (!tensor.Trainable) continue;
            UpdateRules.Adam(parameters.Slice(tensor.Offset, tensor.Length), gradients.Slice(tensor.GradientOffset, tensor.Length),
                state.Slice(tensor.GradientOffset, tensor.Length), state.Slice(trainable + tensor.GradientOffset, tensor.Length),
                lr, b1, b2, eps, wd, settings.DecoupledWeightDecay, step);
        }
    }

    /// <summary>
    /// Checks SGD's settings as <see cref="Sgd"/> reads them (the GPU backend's update shares the checks and their messages).
    /// <paramref name="hasState"/>: the network keeps a momentum buffer.
    /// </summary>
    /// <exception cref="InvalidOperationException">A setting SGD cannot use.</exception>
    public static void CheckSgd(TrainingSettings settings, bool hasState, string network)
    {
        ArgumentNullException.ThrowIfNull(settings);
        float momentum = settings.Momentum, dampening = settings.Dampening, wd = settings.WeightDecay;
        if (!(momentum >= 0) || !float.IsFinite(momentum) || !float.IsFinite(dampening) || !(wd >= 0) || !float.IsFinite(wd))
        {
            throw new InvalidOperationException(
                $"{network}: SGD needs finite momentum >= 0, dampening and weight decay >= 0; the settings hold {momentum}, {dampening} and {wd}.");
        }
        if (settings.Nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new InvalidOperationException(
                $"{network}: Nesterov momentum needs momentum > 0 and zero dampening (as PyTorch); the settings hold momentum {momentum}, dampening {dampening}.");
        }
        if (settings.DecoupledWeightDecay)
        {
            throw new InvalidOperationException($"{network}: decoupled weight decay is AdamW's; SGD's weight decay is the L2 term (set DecoupledWeightDecay to false).");
        }
        if (momentum != 0 && !hasState)
        {
            throw new InvalidOperationException(
                $"{network} declares Optimizer = OptimizerType.None, which keeps no momentum buffer: set TrainingSettings.Momentum to 0, or declare OptimizerType.Sgd.");
        }
    }

    /// <summary>Checks Adam's settings as <see cref="Adam"/> reads them (shared with the GPU backend's update).</summary>
    /// <exception cref="InvalidOperationException">A setting Adam cannot use.</exception>
    public static void CheckAdam(TrainingSettings settings, string network)
    {
        ArgumentNullException.ThrowIfNull(settings);
        double b1 = settings.Beta1, b2 = settings.Beta2;
        float eps = settings.Epsilon, wd = settings.WeightDecay;
        if (!(b1 >= 0 && b1 < 1) || !(b2 >= 0 && b2 < 1) || !(eps >= 0) || !float.IsFinite(eps) || !(wd >= 0) || !float.IsFinite(wd))
        {
            throw new InvalidOperationException(
                $"{network}: Adam needs betas in [0, 1) and finite epsilon and weight decay >= 0; the settings hold {b1}, {b2}, {eps} and {wd}.");
        }
    }

    /// <summary>The rate step t uses: the schedule's At(t - 1) (stored back in the settings), else the settings' rate.</summary>
    public static float LearningRate(TrainingSettings settings, long step)
    {
        if (step < 1) throw new ArgumentOutOfRangeException(nameof(step), step, "Optimizer steps count from 1.");
        if (settings.Schedule is { } schedule)
        {
            settings.LearningRate = schedule.At(checked((int)(step - 1)));
        }
        return settings.LearningRate;
    }
}
