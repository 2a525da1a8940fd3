using System;
using System.Globalization;

namespace NetGen.Training;

/// <summary>
/// Learning-rate schedules written as text (the CLI's <c>--schedule</c>), counted in epochs:
/// <list type="bullet">
/// <item><c>constant</c>: the base rate every epoch.</item>
/// <item><c>step:N</c> or <c>step:N:GAMMA</c>: times GAMMA (default 0.1) every N epochs (<see cref="StepSchedule"/>).</item>
/// <item><c>cosine</c> or <c>cosine:MIN</c>: from the base rate down to MIN (default 0) over the run's epochs (<see cref="CosineSchedule"/>).</item>
/// <item><c>warmup:W,REST</c>: W epochs rising linearly to the base rate, then REST over the epochs left (<see cref="WarmupSchedule"/>).</item>
/// <item><c>plateau:PATIENCE</c>, <c>plateau:PATIENCE:FACTOR</c> or <c>plateau:PATIENCE:FACTOR:MIN</c>: times FACTOR (default 0.1,
/// in (0, 1)) after PATIENCE epochs without an improvement of the monitored validation metric, never below MIN (default 0)
/// (<see cref="PlateauSchedule"/>; not after a warmup).</item>
/// </list>
/// Numbers are invariant culture (<c>1e-5</c>, <c>0.5</c>).
/// </summary>
public static class ScheduleSyntax
{
    /// <summary>What <see cref="Parse(string, float, int)"/> reads, for error messages and help.</summary>
    public const string Forms = "constant, step:EPOCHS[:GAMMA], cosine[:MIN], plateau:PATIENCE[:FACTOR[:MIN]] or warmup:EPOCHS,SCHEDULE";

    /// <summary>The schedule <paramref name="text"/> names, for a run of <paramref name="epochs"/> epochs at base rate <paramref name="rate"/>.</summary>
    /// <exception cref="FormatException">The text is not one of <see cref="Forms"/>, or a number in it is out of range; the message quotes it.</exception>
    public static ILearningRateSchedule Parse(string text, float rate, int epochs)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        return ParsePart(text.Trim(), text, rate, epochs);
    }

    private static ILearningRateSchedule ParsePart(string part, string whole, float rate, int epochs)
    {
        if (part.StartsWith("warmup:", StringComparison.Ordinal))
        {
            int comma = part.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0) throw Bad(whole, "warmup:EPOCHS must be followed by ',' and the schedule after it (e.g. warmup:2,cosine)");
            int warmup = WholeNumber(part["warmup:".Length..comma], "the warmup's epochs", whole);
            if (warmup >= epochs)
                throw Bad(whole, string.Create(CultureInfo.InvariantCulture, $"the warmup's {warmup} epochs leave none of the run's {epochs} for the schedule after it"));
            string after = part[(comma + 1)..].Trim();
            // The plateau's rate follows the metrics from the first epoch on; a warmup's epochs would
            // count as epochs without an improvement while the rate is still rising.
            if (after.StartsWith("plateau", StringComparison.Ordinal))
                throw Bad(whole, "plateau cannot follow a warmup: it reduces the rate from the first epoch's metrics on");
            return new WarmupSchedule(rate, warmup, ParsePart(after, whole, rate, epochs - warmup));
        }
        string[] fields = part.Split(':');
        switch (fields[0])
        {
            case "constant" when fields.Length == 1:
                return new ConstantSchedule(rate);
            case "step" when fields.Length is 2 or 3:
                int every = WholeNumber(fields[1], "step's epochs", whole);
                float gamma = fields.Length == 3 ? Number(fields[2], "step's factor", whole) : 0.1f;
                return new StepSchedule(rate, every, gamma);
            case "cosine" when fields.Length is 1 or 2:
                float minimum = fields.Length == 2 ? Number(fields[1], "cosine's minimum rate", whole) : 0f;
                if (minimum > rate)
                    throw Bad(whole, string.Create(CultureInfo.InvariantCulture, $"cosine's minimum rate {minimum:G4} is over the base rate {rate:G4}"));
                return new CosineSchedule(rate, epochs, minimum);
            case "plateau" when fields.Length is >= 2 and <= 4:
                int patience = WholeNumber(fields[1], "plateau's patience", whole);
                float factor = fields.Length >= 3 ? Number(fields[2], "plateau's factor", whole) : PlateauSchedule.DefaultFactor;
                if (!(factor > 0 && factor < 1))
                    throw Bad(whole, string.Create(CultureInfo.InvariantCulture, $"plateau's factor must lie between 0 and 1, both excluded, not {fields[2]}"));
                float floor = fields.Length == 4 ? Number(fields[3], "plateau's minimum rate", whole) : 0f;
                if (floor > rate)
                    throw Bad(whole, string.Create(CultureInfo.InvariantCulture, $"plateau's minimum rate {floor:G4} is over the base rate {rate:G4}"));
                return new PlateauSchedule(rate, patience, factor, floor);
            case "constant" or "step" or "cosine" or "plateau":
                throw Bad(whole, $"'{part}' has the wrong number of ':' fields; the forms are {Forms}");
            default:
                throw Bad(whole, $"unknown schedule '{fields[0]}'; the forms are {Forms}");
        }
    }

    private static int WholeNumber(string text, string what, string whole)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1)
            throw Bad(whole, $"{what} must be a whole number of at least 1, not '{text}'");
        return value;
    }

    private static float Number(string text, string what, string whole)
    {
        if (!float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value) || value < 0)
            throw Bad(whole, $"{what} must be a number, 0 or more, not '{text}'");
        return value;
    }

    private static FormatException Bad(string whole, string what) => new($"schedule '{whole}': {what}");
}
