using System;
using System.Globalization;

namespace NetGen.Training;

/// <summary>
/// Which learning-rate schedule a <see cref="Trainer"/> run follows: <see cref="TrainerOptions.Schedule"/>, else
/// <see cref="TrainerOptions.ScheduleText"/>, else (resuming) the text the checkpoint kept; and, for a plateau
/// schedule, the state the checkpoint kept, so the resumed run goes on at the same rate, best value and count.
/// </summary>
internal static class RunSchedules
{
    /// <summary>
    /// The checkpoint <paramref name="state"/> as a resumed run continues it: with the checkpoint's schedule text
    /// when the options give none, with the options' one when they are the same text or
    /// <see cref="TrainerOptions.ReplaceSchedule"/> is set (then without the old plateau state).
    /// </summary>
    /// <exception cref="ArgumentException">The options give another schedule than the checkpoint's, without ReplaceSchedule.</exception>
    public static TrainingCheckpoint Resumed(TrainerOptions options, TrainingCheckpoint state, string folder)
    {
        string? asked = options.ScheduleText?.Trim();
        if (state.Schedule is not string stored)
        {
            // A run started with no schedule text (a constant rate or an object): whatever the options say now.
            return asked is null ? state : state with { Schedule = asked, Plateau = null };
        }
        if (asked == stored) return state;
        if (asked is null && options.Schedule is null) return state;
        if (!options.ReplaceSchedule)
        {
            string given = asked is null ? "TrainerOptions.Schedule gives another as an object" : $"TrainerOptions.ScheduleText is '{asked}'";
            throw new ArgumentException(
                $"The checkpoint in {folder} was trained with the schedule '{stored}', but {given}: leave the schedule out to continue with the checkpoint's, or set TrainerOptions.ReplaceSchedule to change it.",
                asked is null ? nameof(TrainerOptions.Schedule) : nameof(TrainerOptions.ScheduleText));
        }
        return state with { Schedule = asked, Plateau = null };
    }

    /// <summary>The schedule object the run from <paramref name="start"/> follows (null: the base rate throughout), its plateau state restored.</summary>
    /// <exception cref="ArgumentException">The schedule text does not read (the message quotes it).</exception>
    public static ILearningRateSchedule? For(TrainerOptions options, TrainingCheckpoint start)
    {
        ILearningRateSchedule? schedule = options.Schedule;
        if (schedule is null && (start.Schedule ?? options.ScheduleText) is string text)
        {
            try
            {
                schedule = ScheduleSyntax.Parse(text, start.LearningRate, options.Epochs);
            }
            catch (FormatException e)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"TrainerOptions.ScheduleText at base rate {start.LearningRate:G4} over {options.Epochs} epochs: {e.Message}"), nameof(TrainerOptions.ScheduleText), e);
            }
        }
        if (schedule is PlateauSchedule plateau && start.Plateau is { } kept) plateau.Restore(kept);
        return schedule;
    }
}
