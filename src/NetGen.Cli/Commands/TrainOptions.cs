using NetGen.Cli.Devices;
using NetGen.Generator.Model;

namespace NetGen.Cli.Commands;

/// <summary>What `netgen train` was asked; null means "the file's (or the checkpoint's) value".</summary>
/// <param name="File">A .cnn file, or a .cs file with [Network] classes.</param>
/// <param name="Data">An MNIST IDX folder or an image folder.</param>
/// <param name="Epochs">The last epoch to train (a resumed run continues up to it).</param>
/// <param name="Out">The folder for checkpoint, metrics and plots; null: the --resume folder, else runs/NETWORK.</param>
/// <param name="Resume">A checkpoint folder to continue from.</param>
/// <param name="ValidationFraction">Share of a single data set held out for validation.</param>
/// <param name="Schedule">A learning-rate schedule in <see cref="NetGen.Training.ScheduleSyntax"/> (e.g. "warmup:2,cosine"), or null: a resumed run's own (its checkpoint keeps it), else a constant rate.</param>
/// <param name="EarlyStopping">"METRIC:PATIENCE[:MIN_DELTA]" (e.g. "val_loss:5"), or null to run every epoch.</param>
/// <param name="Device">Where the network trains (--device).</param>
/// <param name="ReplaceSchedule">Resume with <paramref name="Schedule"/> although the checkpoint was trained with another.</param>
/// <param name="Cache">The compile cache (--cache); null: the one the environment names.</param>
internal sealed record TrainOptions(
    string File,
    string Data,
    int Epochs = 10,
    int? Batch = null,
    float? LearningRate = null,
    OptimizerKind? Optimizer = null,
    ulong? Seed = null,
    string? Out = null,
    string? Resume = null,
    string? Network = null,
    double? ValidationFraction = null,
    string? Schedule = null,
    string? EarlyStopping = null,
    CliDevice Device = CliDevice.Cpu,
    bool ReplaceSchedule = false,
    NetGen.Cli.Compilation.CompileCache? Cache = null)
{
    public const ulong DefaultSeed = 42;
    public const double DefaultValidationFraction = 0.1;
}
