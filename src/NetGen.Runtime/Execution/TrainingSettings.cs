using System;

namespace NetGen.Execution;

/// <summary>
/// Hyperparameters of a generated network's optimizer (the one its declaration names). Read at
/// every step, so they may change between steps (a learning-rate schedule sets
/// <see cref="LearningRate"/> before each step).
/// </summary>
public sealed class TrainingSettings
{
    private float _learningRate;

    /// <param name="learningRate">Initial step size: 1e-3 suits Adam, 1e-2 SGD.</param>
    public TrainingSettings(float learningRate) => LearningRate = learningRate;

    /// <summary>Step size, &gt; 0.</summary>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value > 0f) || float.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The learning rate must be a positive finite number.");
            }
            _learningRate = value;
        }
    }

    /// <summary>Adam's decay of the first moment (PyTorch's default 0.9).</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>Adam's decay of the second moment (default 0.999).</summary>
    public float Beta2 { get; set; } = 0.999f;

    /// <summary>Adam's denominator term (default 1e-8).</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>SGD momentum (default 0.9); the velocity is v = momentum v + g, the step lr v, as PyTorch.</summary>
    public float Momentum { get; set; } = 0.9f;
}
