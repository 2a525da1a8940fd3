using System;

namespace NetGen.Training;

/// <summary>
/// A learning rate as a function of a step counter t = 0, 1, 2, ... The unit of t is the
/// caller's choice: epochs (set the rate once per epoch) or iterations (once per batch).
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate for step <paramref name="t"/> (t &gt;= 0).</summary>
    float At(int t);
}

/// <summary>The same rate at every step.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    private readonly float _rate;

    /// <summary>Always <paramref name="rate"/>.</summary>
    public ConstantSchedule(float rate)
    {
        ScheduleChecks.Rate(rate, nameof(rate));
        _rate = rate;
    }

    /// <inheritdoc/>
    public float At(int t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        return _rate;
    }
}

/// <summary>
/// Step decay, as PyTorch's <c>StepLR</c>: rate(t) = initial * gamma^floor(t / stepSize).
/// </summary>
public sealed class StepSchedule : ILearningRateSchedule
{
    private readonly float _initial;
    private readonly int _stepSize;
    private readonly float _gamma;

    /// <summary>Multiplies <paramref name="initial"/> by <paramref name="gamma"/> every <paramref name="stepSize"/> steps.</summary>
    public StepSchedule(float initial, int stepSize, float gamma)
    {
        ScheduleChecks.Rate(initial, nameof(initial));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        ScheduleChecks.Rate(gamma, nameof(gamma));
        _initial = initial;
        _stepSize = stepSize;
        _gamma = gamma;
    }

    /// <inheritdoc/>
    public float At(int t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        return (float)(_initial * Math.Pow(_gamma, t / _stepSize));
    }
}

/// <summary>
/// Cosine annealing with optional linear warmup. For t &lt; W (warmup steps):
/// rate = peak * (t + 1) / W, reaching the peak at t = W - 1. For W &lt;= t &lt; T (total steps):
/// rate = min + (peak - min) * (1 + cos(pi * (t - W) / (T - W))) / 2, which is PyTorch's
/// <c>CosineAnnealingLR</c> closed form with T_max = T - W. For t &gt;= T: min.
/// </summary>
public sealed class CosineSchedule : ILearningRateSchedule
{
    private readonly float _peak;
    private readonly float _minimum;
    private readonly int _total;
    private readonly int _warmup;

    /// <summary>Anneals from <paramref name="peak"/> to <paramref name="minimum"/> over <paramref name="totalSteps"/>, after <paramref name="warmupSteps"/> of linear warmup.</summary>
    public CosineSchedule(float peak, int totalSteps, float minimum = 0f, int warmupSteps = 0)
    {
        ScheduleChecks.Rate(peak, nameof(peak));
        ScheduleChecks.Rate(minimum, nameof(minimum));
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        if (totalSteps <= warmupSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, $"The total steps must exceed the {warmupSteps} warmup steps.");
        }

        _peak = peak;
        _minimum = minimum;
        _total = totalSteps;
        _warmup = warmupSteps;
    }

    /// <inheritdoc/>
    public float At(int t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        if (t < _warmup)
        {
            return (float)((double)_peak * (t + 1) / _warmup);
        }

        if (t >= _total)
        {
            return _minimum;
        }

        double progress = (double)(t - _warmup) / (_total - _warmup);
        return (float)(_minimum + (_peak - (double)_minimum) * (1 + Math.Cos(Math.PI * progress)) / 2);
    }
}

/// <summary>
/// Linear warmup into another schedule: for t &lt; W, rate = peak * (t + 1) / W (the peak at
/// t = W - 1); from t = W on, <c>after.At(t - W)</c>, so the schedule after starts at its own t = 0.
/// </summary>
public sealed class WarmupSchedule : ILearningRateSchedule
{
    private readonly float _peak;
    private readonly int _warmup;
    private readonly ILearningRateSchedule _after;

    /// <summary>Rises to <paramref name="peak"/> over <paramref name="warmupSteps"/> steps, then follows <paramref name="after"/>.</summary>
    public WarmupSchedule(float peak, int warmupSteps, ILearningRateSchedule after)
    {
        ScheduleChecks.Rate(peak, nameof(peak));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(warmupSteps);
        ArgumentNullException.ThrowIfNull(after);
        _peak = peak;
        _warmup = warmupSteps;
        _after = after;
    }

    /// <inheritdoc/>
    public float At(int t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        return t < _warmup ? (float)((double)_peak * (t + 1) / _warmup) : _after.At(t - _warmup);
    }
}

internal static class ScheduleChecks
{
    public static void Rate(float value, string name)
    {
        if (!(value >= 0) || !float.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be finite and non-negative.");
        }
    }
}
