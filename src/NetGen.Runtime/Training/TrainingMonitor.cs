using System;
using NetGen.Execution;

namespace NetGen.Training;

/// <summary>
/// Watches a run's step losses for divergence. A step diverges when its loss is NaN or
/// infinite, or over <see cref="GrowthLimit"/> times the <see cref="Reference"/> loss: the mean
/// (per label) of the run's first <see cref="ReferenceSteps"/> healthy steps, with a floor of
/// <see cref="MinimumReference"/>. Until those steps are in, the reference is the mean of the
/// steps seen so far, so the first step (the loss of the initial weights) is only checked for
/// being finite and a loss that jumps at the second step is caught at once.
/// </summary>
/// <remarks>
/// <para>Why the first steps and not the first epoch: a run with a far too large learning rate
/// diverges within its first epoch, whose mean is then meaningless (a plain SGD run at lr 1e6 on
/// MNIST has a first-epoch mean of 1.9e7 nats), and an epoch is 3 steps or 100,000 depending on the
/// data. The first steps' loss is about the loss of the initial weights (ln 10 = 2.3 nats for ten
/// classes), fixed early, and available when a resumed run restores it.</para>
/// <para>Why 1e4: cross-entropy of a healthy run stays near or below its starting value; a
/// batch's mean loss of 1e4 times that (2.3e4 nats: the right class's probability e^-23,000) is
/// reached only when the weights have blown up. The floor keeps a reference taken from an
/// already fitted network (a mean of 1e-5 nats) from making every ordinary batch a divergence:
/// the bound is never under 100 nats.</para>
/// <para>Observing a step allocates nothing. Not thread-safe: one per run.</para>
/// </remarks>
public sealed class TrainingMonitor
{
    /// <summary>The default <see cref="GrowthLimit"/>.</summary>
    public const double DefaultGrowthLimit = 1e4;

    /// <summary>The default <see cref="ReferenceSteps"/>.</summary>
    public const int DefaultReferenceSteps = 10;

    /// <summary>The smallest reference the bound is taken from, in nats.</summary>
    public const double MinimumReference = 0.01;

    private double _lossSum;
    private long _labels;
    private int _steps;

    /// <summary>A monitor that takes its reference from the first steps it observes.</summary>
    /// <param name="growthLimit">How many times the reference loss a step may reach; over 1.</param>
    /// <param name="referenceSteps">Healthy steps whose mean becomes the fixed reference; at least 1.</param>
    public TrainingMonitor(double growthLimit = DefaultGrowthLimit, int referenceSteps = DefaultReferenceSteps)
    {
        if (!(growthLimit > 1) || double.IsInfinity(growthLimit))
            throw new ArgumentOutOfRangeException(nameof(growthLimit), growthLimit, "The growth limit must be a finite number over 1.");
        ArgumentOutOfRangeException.ThrowIfLessThan(referenceSteps, 1);
        GrowthLimit = growthLimit;
        ReferenceSteps = referenceSteps;
    }

    /// <summary>How many times the reference loss a step may reach before it counts as divergence.</summary>
    public double GrowthLimit { get; }

    /// <summary>How many healthy steps the reference is the mean of.</summary>
    public int ReferenceSteps { get; }

    /// <summary>
    /// The mean loss per label, in nats, of the healthy steps the reference is taken from (before the
    /// <see cref="MinimumReference"/> floor); NaN before the first step.
    /// </summary>
    public double Reference => _labels > 0 ? _lossSum / _labels : double.NaN;

    /// <summary>True once <see cref="ReferenceSteps"/> steps are in (or <see cref="SetReference"/> fixed it): the reference no longer changes.</summary>
    public bool ReferenceIsFixed => _steps >= ReferenceSteps;

    /// <summary>The largest healthy loss: <see cref="GrowthLimit"/> x max(<see cref="Reference"/>, <see cref="MinimumReference"/>); infinity before the first step.</summary>
    public double Bound => _labels > 0 ? GrowthLimit * Math.Max(Reference, MinimumReference) : double.PositiveInfinity;

    /// <summary>The first step found to diverge, or null while the run is healthy.</summary>
    public TrainingDivergence? Divergence { get; private set; }

    /// <summary>
    /// Fixes the reference to <paramref name="meanLoss"/> (nats per label), as a resumed run
    /// restores the one its first steps gave.
    /// </summary>
    public void SetReference(double meanLoss)
    {
        if (!(meanLoss >= 0) || double.IsInfinity(meanLoss))
            throw new ArgumentOutOfRangeException(nameof(meanLoss), meanLoss, "The reference loss must be a finite number, 0 or more.");
        _lossSum = meanLoss;
        _labels = 1;
        _steps = ReferenceSteps;
    }

    /// <summary>
    /// Checks one training step's result and, while the reference is not fixed, adds a healthy
    /// step to it. A diverged step is recorded in <see cref="Divergence"/> (the first one only)
    /// and never enters the reference.
    /// </summary>
    /// <param name="epoch">The epoch the step belongs to, as the caller counts them (for the report).</param>
    /// <param name="step">The step's number, e.g. <see cref="ITrainableNetwork.StepCount"/> after it.</param>
    /// <param name="result">What <see cref="ITrainableNetwork.TrainStep"/> returned; its loss is weighted by its label count in the reference.</param>
    public TrainingVerdict Observe(int epoch, long step, TrainResult result)
    {
        var verdict = Check(epoch, step, result.Loss);
        if (verdict == TrainingVerdict.Healthy && !ReferenceIsFixed && result.Count > 0)
        {
            _lossSum += (double)result.Loss * result.Count;
            _labels += result.Count;
            _steps++;
        }
        return verdict;
    }

    /// <summary>
    /// Checks a loss against the rule without adding it to the reference: e.g. the validation
    /// loss after an epoch. A diverged loss is recorded in <see cref="Divergence"/> (the first one only).
    /// </summary>
    /// <param name="epoch">The epoch, for the report.</param>
    /// <param name="step">The step, for the report.</param>
    /// <param name="loss">The loss, in nats per label.</param>
    public TrainingVerdict Check(int epoch, long step, double loss)
    {
        var verdict = !double.IsFinite(loss) ? TrainingVerdict.NotFinite
            : loss > Bound ? TrainingVerdict.OverBound
            : TrainingVerdict.Healthy;
        if (verdict != TrainingVerdict.Healthy && Divergence is null)
            Divergence = new TrainingDivergence(verdict, epoch, step, loss, Reference, GrowthLimit);
        return verdict;
    }
}
