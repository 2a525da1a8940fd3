using System.Globalization;

namespace NetGen.Training;

/// <summary>What <see cref="TrainingMonitor"/> says of one loss.</summary>
public enum TrainingVerdict
{
    /// <summary>Finite and within the bound.</summary>
    Healthy,

    /// <summary>NaN or infinite.</summary>
    NotFinite,

    /// <summary>Finite but over <see cref="TrainingMonitor.Bound"/>.</summary>
    OverBound,
}

/// <summary>The first loss a <see cref="TrainingMonitor"/> found diverged.</summary>
/// <param name="Verdict"><see cref="TrainingVerdict.NotFinite"/> or <see cref="TrainingVerdict.OverBound"/>.</param>
/// <param name="Epoch">The epoch the caller gave with it.</param>
/// <param name="Step">The step the caller gave with it.</param>
/// <param name="Loss">The loss, in nats per label.</param>
/// <param name="Reference">The reference loss it was compared with (NaN when it was the first step).</param>
/// <param name="GrowthLimit">The monitor's <see cref="TrainingMonitor.GrowthLimit"/>.</param>
public readonly record struct TrainingDivergence(TrainingVerdict Verdict, int Epoch, long Step, double Loss, double Reference, double GrowthLimit)
{
    /// <summary>The largest healthy loss there was: GrowthLimit x max(Reference, <see cref="TrainingMonitor.MinimumReference"/>).</summary>
    public double Bound => GrowthLimit * System.Math.Max(Reference, TrainingMonitor.MinimumReference);

    /// <summary>
    /// What was wrong with the loss: "loss NaN", or "loss 8.1e12 is over 1e4 x the first steps'
    /// mean 2.31" (3 significant digits, invariant culture).
    /// </summary>
    public string Describe()
    {
        if (Verdict == TrainingVerdict.NotFinite) return "loss " + Loss.ToString(CultureInfo.InvariantCulture);
        string over = $"loss {Number(Loss)} is over {Number(GrowthLimit)} x ";
        return Reference >= TrainingMonitor.MinimumReference
            ? over + $"the first steps' mean {Number(Reference)}"
            : over + $"{Number(TrainingMonitor.MinimumReference)} (the floor; the first steps' mean is {Number(Reference)})";
    }

    /// <summary>3 significant digits, with a short exponent outside [0.001, 10,000): 2.31, 0.31, 1000, 8.1e12, 1e4.</summary>
    public static string Number(double value) => System.Math.Abs(value) switch
    {
        0 => "0",
        >= 1e4 or < 1e-3 => value.ToString("0.##e0", CultureInfo.InvariantCulture),
        >= 100 => value.ToString("0", CultureInfo.InvariantCulture),
        _ => value.ToString("G3", CultureInfo.InvariantCulture),
    };
}
