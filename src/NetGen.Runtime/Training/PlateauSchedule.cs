using System;
using System.Globalization;

namespace NetGen.Training;

/// <summary>
/// Reduce-on-plateau, as Keras's <c>ReduceLROnPlateau</c> and PyTorch's scheduler of that name: the
/// rate stays where it is while the monitored validation metric improves; after
/// <see cref="Patience"/> epochs in a row without an improvement it is multiplied by
/// <see cref="Factor"/> (never below <see cref="Minimum"/>) and the count starts again. Any strict
/// improvement on the best value so far counts (no threshold, no cooldown).
/// </summary>
/// <remarks>
/// Unlike the other schedules its rate depends on the run's metrics, not on the epoch alone: the
/// <see cref="Trainer"/> calls <see cref="Observe"/> after each epoch's validation (so it needs
/// validation data), on early stopping's metric (else the validation loss), and keeps
/// <see cref="State"/> in every checkpoint, so a resumed run continues with the same rate, best
/// value and count. One instance follows one run: it changes as the run goes.
/// </remarks>
public sealed class PlateauSchedule : ILearningRateSchedule
{
    /// <summary>The default <see cref="Factor"/> (Keras's and PyTorch's).</summary>
    public const float DefaultFactor = 0.1f;

    private PlateauState _state;

    /// <summary>Starts at <paramref name="rate"/>; multiplies it by <paramref name="factor"/> after <paramref name="patience"/> epochs without an improvement, down to <paramref name="minimum"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Patience under 1, a factor outside (0, 1), or a rate or minimum that is negative or not finite.</exception>
    public PlateauSchedule(float rate, int patience, float factor = DefaultFactor, float minimum = 0f)
    {
        ScheduleChecks.Rate(rate, nameof(rate));
        ScheduleChecks.Rate(minimum, nameof(minimum));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patience);
        if (!(factor > 0 && factor < 1))
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must lie between 0 and 1, both excluded: it is what the rate is multiplied by.");
        Patience = patience;
        Factor = factor;
        Minimum = minimum;
        _state = new PlateauState(rate, null, 0, 0);
    }

    /// <summary>Epochs without an improvement before the rate is reduced.</summary>
    public int Patience { get; }

    /// <summary>What the rate is multiplied by at a plateau, in (0, 1).</summary>
    public float Factor { get; }

    /// <summary>The rate is never reduced below this.</summary>
    public float Minimum { get; }

    /// <summary>Where it stands: the current rate, the best value seen, epochs since, reductions made.</summary>
    public PlateauState State => _state;

    /// <summary>The current rate, whatever <paramref name="t"/> is: it changes only in <see cref="Observe"/>.</summary>
    public float At(int t)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        return _state.Rate;
    }

    /// <summary>Takes one epoch's value of <paramref name="metric"/> (NaN counts as no improvement); returns true when this reduced the rate.</summary>
    public bool Observe(MonitoredMetric metric, double value)
    {
        if (!double.IsNaN(value) && (_state.Best is not double best || EarlyStopping.Improves(metric, value, best, 0)))
        {
            _state = _state with { Best = value, Wait = 0 };
            return false;
        }
        int wait = _state.Wait + 1;
        if (wait < Patience)
        {
            _state = _state with { Wait = wait };
            return false;
        }
        // In double, rounded once, so every machine reduces to the same float.
        float reduced = Math.Max((float)((double)_state.Rate * Factor), Minimum);
        bool changed = reduced < _state.Rate;
        _state = _state with { Rate = changed ? reduced : _state.Rate, Wait = 0, Reductions = _state.Reductions + (changed ? 1 : 0) };
        return changed;
    }

    /// <summary>Continues from <paramref name="state"/>, a checkpoint's (<see cref="TrainingCheckpoint.Plateau"/>).</summary>
    /// <exception cref="ArgumentException">A rate that is negative or not finite, or a negative count.</exception>
    public void Restore(PlateauState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!(state.Rate >= 0) || !float.IsFinite(state.Rate) || state.Wait < 0 || state.Reductions < 0 || state.Best is double b && double.IsNaN(b))
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"The plateau state (rate {state.Rate}, best {state.Best}, wait {state.Wait}, reductions {state.Reductions}) is out of range."), nameof(state));
        _state = state;
    }
}

/// <summary>Where a <see cref="PlateauSchedule"/> stands, as checkpoint.json keeps it.</summary>
/// <param name="Rate">The current learning rate.</param>
/// <param name="Best">The best value of the monitored metric so far; null before the first epoch.</param>
/// <param name="Wait">Epochs since the best (or since the last reduction) without an improvement.</param>
/// <param name="Reductions">How many times the rate has been reduced.</param>
public sealed record PlateauState(float Rate, double? Best, int Wait, int Reductions);
