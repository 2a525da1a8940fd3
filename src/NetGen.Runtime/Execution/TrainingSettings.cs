using System;
using NetGen.Training;

namespace NetGen.Execution;

/// <summary>
/// Hyperparameters of a generated network's optimizer and loss. The optimizer family is the one
/// the declaration names (its state is part of the training memory): <c>OptimizerType.Sgd</c>
/// (SGD with a momentum buffer: momentum, dampening, Nesterov, L2 weight decay),
/// <c>OptimizerType.None</c> (SGD without momentum, L2 weight decay) or <c>OptimizerType.Adam</c>
/// (Adam with L2 weight decay, or AdamW with <see cref="DecoupledWeightDecay"/>). The updates
/// are exactly PyTorch's (<c>torch.optim.SGD</c>, <c>Adam</c>, <c>AdamW</c>) and are the same
/// code as <see cref="Sgd"/> and <see cref="Adam"/>. Everything is read at every step, so it may
/// change between steps; values are checked when a step reads them.
/// </summary>
public sealed class TrainingSettings
{
    private float _learningRate;

    /// <param name="learningRate">Initial step size: 1e-3 suits Adam, 1e-2 SGD.</param>
    public TrainingSettings(float learningRate) => LearningRate = learningRate;

    /// <summary>
    /// Step size, finite and &gt;= 0. When <see cref="Schedule"/> is set, every step first sets
    /// it to the schedule's rate, so reading it after a step gives the rate that step used.
    /// </summary>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value >= 0f) || float.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be a finite number >= 0.");
            }
            _learningRate = value;
        }
    }

    /// <summary>
    /// A learning rate per optimizer step, or null (the default) to keep <see cref="LearningRate"/>.
    /// The step numbered t (from 1) uses <c>Schedule.At(t - 1)</c>: schedules count optimizer steps
    /// here (for a per-epoch schedule, set <see cref="LearningRate"/> yourself each epoch instead).
    /// </summary>
    public ILearningRateSchedule? Schedule { get; set; }

    /// <summary>Adam's decay of the first moment (PyTorch's default 0.9), in [0, 1).</summary>
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Adam's decay of the second moment (default 0.999), in [0, 1).</summary>
    public double Beta2 { get; set; } = 0.999;

    /// <summary>Adam's denominator term (default 1e-8), &gt;= 0.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>
    /// SGD momentum, &gt;= 0 (default 0.9 for <c>OptimizerType.Sgd</c>, 0 for <c>OptimizerType.None</c>,
    /// which has no buffer and accepts only 0). PyTorch's form: the buffer starts as the first
    /// gradient, then b = momentum b + (1 - dampening) g, and the step is lr b.
    /// </summary>
    public float Momentum { get; set; } = 0.9f;

    /// <summary>SGD dampening of later gradients in the momentum buffer (default 0).</summary>
    public float Dampening { get; set; }

    /// <summary>SGD with Nesterov momentum: the step is lr (g + momentum b). Needs momentum &gt; 0 and no dampening, as PyTorch.</summary>
    public bool Nesterov { get; set; }

    /// <summary>
    /// Weight decay coefficient, &gt;= 0 (default 0), applied to every trainable tensor (biases
    /// included, as PyTorch's default parameter group): an L2 term <c>weight_decay * p</c> added to the
    /// gradient, or with <see cref="DecoupledWeightDecay"/> AdamW's <c>p *= 1 - lr * weight_decay</c>.
    /// </summary>
    public float WeightDecay { get; set; }

    /// <summary>Adam only: AdamW's decoupled weight decay instead of the L2 term (PyTorch's AdamW uses 0.01 for <see cref="WeightDecay"/>).</summary>
    public bool DecoupledWeightDecay { get; set; }

    /// <summary>
    /// A label that the loss, its gradient and the correct counts leave out (PyTorch's
    /// <c>ignore_index</c>), or null (the default) for none; the mean loss is over the other labels.
    /// Meant for per-pixel labels (unlabelled pixels); any other label outside [0, classes) is an error.
    /// </summary>
    public int? IgnoreLabel { get; set; }
}
