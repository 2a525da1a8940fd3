using System;
using System.Collections.Generic;

namespace NetGen.Training;

/// <summary>
/// Base of the optimizers: owns the parameter groups, slices each group's state out of one
/// caller-provided buffer (so memory is planned up front, as the design's training total
/// counts it) and counts steps per group. <see cref="Step"/> allocates nothing.
/// </summary>
public abstract class Optimizer
{
    private readonly ParameterGroup[] _groups;
    private readonly Memory<float>[] _state;
    private readonly long[] _steps;

    /// <summary>
    /// Takes <paramref name="statePerParameter"/> x (total parameters) floats of
    /// <paramref name="state"/>, in group order, and zeroes them.
    /// </summary>
    private protected Optimizer(IReadOnlyList<ParameterGroup> groups, Memory<float> state, int statePerParameter, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(groups);
        CheckLearningRate(learningRate);
        _groups = new ParameterGroup[groups.Count];
        _state = new Memory<float>[groups.Count];
        _steps = new long[groups.Count];
        long needed = StateLengthFor(groups, statePerParameter);
        if (state.Length != needed)
        {
            throw new ArgumentException(
                $"{GetType().Name} needs a state buffer of exactly {needed} floats ({statePerParameter} per parameter) for these groups; got {state.Length}.", nameof(state));
        }

        int offset = 0;
        for (int i = 0; i < groups.Count; i++)
        {
            _groups[i] = groups[i] ?? throw new ArgumentNullException(nameof(groups), $"Group {i} is null.");
            int length = statePerParameter * groups[i].Length;
            _state[i] = state.Slice(offset, length);
            offset += length;
        }

        CheckDisjoint(_groups);
        state.Span.Clear();
        LearningRate = learningRate;
    }

    /// <summary>The learning rate the next <see cref="Step"/> uses; set it from a schedule each epoch or step.</summary>
    public float LearningRate
    {
        get;
        set
        {
            CheckLearningRate(value);
            field = value;
        }
    }

    /// <summary>The groups, in the order their state lies in the buffer.</summary>
    public IReadOnlyList<ParameterGroup> Groups => _groups;

    /// <summary>Steps applied to group <paramref name="group"/> so far (frozen steps are not counted).</summary>
    public long GetStepCount(int group) => _steps[group];

    /// <summary>Sets group <paramref name="group"/>'s step count, to resume from a saved state buffer.</summary>
    public void SetStepCount(int group, long steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        _steps[group] = steps;
    }

    /// <summary>Applies one update to every group that is not frozen.</summary>
    public void Step()
    {
        for (int i = 0; i < _groups.Length; i++)
        {
            ParameterGroup group = _groups[i];
            if (group.Frozen)
            {
                continue;
            }

            long step = ++_steps[i];
            Update(group.Parameters.Span, group.Gradients.Span, _state[i].Span, step, group.ApplyWeightDecay);
        }
    }

    /// <summary>Sets every gradient of every group (frozen or not) to zero.</summary>
    public void ZeroGradients()
    {
        foreach (ParameterGroup group in _groups)
        {
            group.Gradients.Span.Clear();
        }
    }

    /// <summary>Floats of state buffer needed for <paramref name="groups"/> at <paramref name="statePerParameter"/> floats each.</summary>
    private protected static long StateLengthFor(IReadOnlyList<ParameterGroup> groups, int statePerParameter)
    {
        ArgumentNullException.ThrowIfNull(groups);
        long total = 0;
        foreach (ParameterGroup group in groups)
        {
            total += (long)statePerParameter * group.Length;
        }

        return total;
    }

    /// <summary>
    /// Updates one group in place. <paramref name="p"/> and <paramref name="g"/> have the
    /// group's length; <paramref name="state"/> is its slice of the buffer; <paramref name="step"/>
    /// counts from 1.
    /// </summary>
    private protected abstract void Update(Span<float> p, ReadOnlySpan<float> g, Span<float> state, long step, bool applyWeightDecay);

    // A parameter in two groups would be updated twice per step (PyTorch rejects this too).
    private static void CheckDisjoint(ParameterGroup[] groups)
    {
        for (int i = 0; i < groups.Length; i++)
        {
            for (int j = i + 1; j < groups.Length; j++)
            {
                if (groups[i].Parameters.Span.Overlaps(groups[j].Parameters.Span))
                {
                    throw new ArgumentException($"Groups '{groups[i].Name}' and '{groups[j].Name}' share parameters; each parameter must be in one group.", nameof(groups));
                }
            }
        }
    }

    private static void CheckLearningRate(float value)
    {
        if (!(value >= 0) || float.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), value, "The learning rate must be finite and non-negative.");
        }
    }
}
