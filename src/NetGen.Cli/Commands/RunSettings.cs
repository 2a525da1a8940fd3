using System.Globalization;
using System.Linq;
using NetGen.Cli.Compilation;
using NetGen.Training;
using NetGen.Generator.Model;

namespace NetGen.Cli.Commands;

/// <summary>
/// The settings a training run uses: the command line's, else the checkpoint's when resuming,
/// else the defaults. A resumed run must keep what shaped the checkpoint (batch, optimizer, seed,
/// split); asking for a different one is an error, not a silent override. The learning rate may change.
/// </summary>
internal sealed record RunSettings(int? Batch, OptimizerKind? Optimizer, float? LearningRate, ulong Seed, double ValidationFraction)
{
    public static RunSettings Resolve(TrainOptions options, TrainingCheckpoint? resumed)
    {
        if (resumed is null)
        {
            return new RunSettings(options.Batch, options.Optimizer, options.LearningRate,
                options.Seed ?? TrainOptions.DefaultSeed, options.ValidationFraction ?? TrainOptions.DefaultValidationFraction);
        }
        string where = options.Resume!;
        Same("--batch", options.Batch, resumed.Batch, where);
        Same("--seed", options.Seed, resumed.Seed, where);
        Same("--val-fraction", options.ValidationFraction, resumed.ValidationFraction, where);
        if (options.Schedule?.Trim() is { } schedule && resumed.Schedule is { } stored && schedule != stored && !options.ReplaceSchedule)
            throw new CliException($"{where}: error: the checkpoint was trained with --schedule {stored}; leave --schedule out to continue with it, or add --replace-schedule to train on with {schedule}");
        var optimizer = OptimizerNames.Parse(resumed.Optimizer);
        if (options.Optimizer is { } asked && asked != optimizer)
            throw new CliException($"{where}: error: the checkpoint was trained with --optimizer {resumed.Optimizer}; its optimizer state cannot continue as {OptimizerNames.Name(asked)}");
        return new RunSettings(resumed.Batch, optimizer, options.LearningRate ?? resumed.LearningRate, resumed.Seed, resumed.ValidationFraction);
    }

    private static void Same<T>(string option, T? asked, T stored, string where) where T : struct
    {
        if (asked is { } value && !value.Equals(stored))
        {
            throw new CliException(string.Create(CultureInfo.InvariantCulture,
                $"{where}: error: the checkpoint was trained with {option} {stored}; resuming with {option} {value} would not continue the same run (leave {option} out)"));
        }
    }

    /// <summary>The checkpoint must come from the network being compiled.</summary>
    public static void CheckSameNetwork(TrainingCheckpoint state, CompiledNetwork compiled, string where)
    {
        var input = TrainCommand.ShapeArray(compiled.InputShape);
        if (state.Network != compiled.Name || !state.InputShape.SequenceEqual(input))
        {
            throw new CliException($"{where}: error: the checkpoint is of network '{state.Network}' with input ({string.Join(", ", state.InputShape)}), " +
                $"not '{compiled.Name}' with input {compiled.InputShape}");
        }
    }
}
