using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Threading;
using NetGen.Cli.Compilation;
using NetGen.Cli.Data;
using NetGen.Cli.Devices;
using NetGen.Cli.Reports;
using NetGen.Cli.Training;
using NetGen.Generator.Model;
using NetGen.Threading;
using NetGen.Training;
using Spectre.Console;

namespace NetGen.Cli.Commands;

/// <summary>
/// <c>netgen train FILE --data DIR [--epochs N] [--batch N] [--lr X] [--optimizer none|sgd|adam]
/// [--seed N] [--out DIR] [--resume DIR] [--schedule SPEC] [--early-stopping METRIC:PATIENCE]</c>:
/// compiles the network and trains it with the library's <see cref="Trainer"/>, which after every
/// epoch writes a checkpoint, metrics.json/csv (and the best epoch's checkpoint in best/) to the
/// output folder; the plots and the progress display are its callbacks.
/// </summary>
internal static class TrainCommand
{
    /// <summary>The largest --epochs accepted.</summary>
    public const int MaxEpochs = TrainerOptions.MaxEpochs;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A .cnn file, or a .cs file with [Network] classes" };
        var data = new Option<DirectoryInfo>("--data") { Description = "MNIST IDX folder (train-images-idx3-ubyte[.gz], ...) or image folder (one subfolder per class)", Required = true };
        var epochs = OptionValues.Count("--epochs", "Train up to this epoch (default 10)", "an epoch count", MaxEpochs, 10);
        var batch = CommandOptions.Batch("Training batch size (default: the network's declared batch)");
        var lr = OptionValues.Positive("--lr", "Learning rate (default: 1e-3 for adam, 1e-2 for sgd)", "a learning rate");
        var optimizer = CommandOptions.Optimizer("Optimizer the generated code runs: none (plain SGD), sgd (momentum 0.9) or adam (default: the network's)");
        var seed = OptionValues.Seed("Seed of the initial weights, the data split and the batch order (default 42)");
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder for checkpoint, metrics and plots (default: the --resume folder, else runs/NETWORK)" };
        var resume = new Option<DirectoryInfo?>("--resume") { Description = "Continue the run whose checkpoint is in this folder" };
        var network = CommandOptions.Network();
        var device = DeviceOption.Create();
        var validation = OptionValues.Fraction("--val-fraction", "Share of a single data set held out for validation (default 0.1)", "a validation fraction");
        var schedule = new Option<string?>("--schedule")
        {
            Description = "Learning rate per epoch: constant (default), step:EPOCHS[:GAMMA], cosine[:MIN], plateau:PATIENCE[:FACTOR[:MIN]], or warmup:EPOCHS,SCHEDULE (e.g. warmup:2,cosine); a resumed run keeps its checkpoint's",
            HelpName = "spec",
        };
        var earlyStopping = new Option<string?>("--early-stopping")
        {
            Description = "Stop when val_loss or val_acc has not improved for PATIENCE epochs, keeping the best epoch's weights: METRIC:PATIENCE[:MIN_DELTA] (e.g. val_loss:5)",
            HelpName = "metric:patience",
        };

        var cache = CommandOptions.Cache();
        var replaceSchedule = new Option<bool>("--replace-schedule") { Description = "With --resume and --schedule: train on with this schedule although the checkpoint has another" };

        var command = new Command("train", "Compile a network and train it, with checkpoints, metrics and plots");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { data, epochs, batch, lr, optimizer, seed, output, resume, network, validation, schedule, earlyStopping, device, replaceSchedule, cache })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var (stdout, stderr) = CommandOptions.Writers(parse);
            var options = new TrainOptions(
                parse.GetValue(file)!.FullName, parse.GetValue(data)!.FullName, parse.GetValue(epochs), parse.GetValue(batch),
                parse.GetValue(lr), OptimizerNames.Parse(parse.GetValue(optimizer)), parse.GetValue(seed),
                parse.GetValue(output)?.FullName, parse.GetValue(resume)?.FullName, parse.GetValue(network), parse.GetValue(validation),
                parse.GetValue(schedule), parse.GetValue(earlyStopping), parse.GetValue(device), parse.GetValue(replaceSchedule),
                CommandOptions.CacheValue(parse, cache));
            return CommandOptions.WithCtrlC(cancel =>
                Run(options, stdout, stderr, interactive: stdout == Console.Out && !Console.IsOutputRedirected, cancel));
        });
        return command;
    }

    /// <summary>Trains as <paramref name="options"/> says; returns the exit code (0, 1, 2, or 130 when cancelled).</summary>
    /// <param name="interactive">Draw live progress bars (a terminal); otherwise one line per epoch.</param>
    /// <param name="console">Where live progress draws (its width lays it out); null: the process's terminal.</param>
    public static int Run(TrainOptions options, TextWriter output, TextWriter errors, bool interactive, CancellationToken cancel, IAnsiConsole? console = null)
    {
        try
        {
            return Train(options, output, errors, interactive ? console ?? AnsiConsole.Console : null, cancel);
        }
        catch (Exception e) when (CommandOptions.IsUserError(e))
        {
            return CommandOptions.Report(e, errors);
        }
    }

    private static int Train(TrainOptions options, TextWriter output, TextWriter errors, IAnsiConsole? live, CancellationToken cancel)
    {
        // Both are checked before anything is compiled; the schedule is built once the base rate is known.
        if (options.Schedule is { } spec) Schedule(spec, 1f, options.Epochs);
        var early = options.EarlyStopping is { } stopping ? ParseEarlyStopping(stopping) : null;
        var resumed = options.Resume is { } resumeFolder ? CheckpointStore.Read(resumeFolder) : null;
        var settings = RunSettings.Resolve(options, resumed);
        using var device = DeviceSession.Open(options.Device, output);
        using var compiled = NetworkCompiler.Compile(new CompileRequest(options.File, options.Network, settings.Batch, settings.Optimizer, options.Cache, Gpu: device.UsesGpu), errors);
        if (resumed is not null) RunSettings.CheckSameNetwork(resumed, compiled, options.Resume!);
        using var data = DataOpener.Open(options.Data, compiled.InputShape, settings.ValidationFraction, settings.Seed, errors);
        CheckClasses(data, compiled, options.Data);

        string outFolder = OutputFolder.Prepare(options.Out ?? options.Resume ?? Path.Combine("runs", compiled.Name));
        using var network = device.CreateTrainable(compiled, settings.Seed);
        if (settings.LearningRate is float rate) network.TrainingSettings.LearningRate = rate;
        var state = resumed ?? new TrainingCheckpoint
        {
            Network = compiled.Name,
            Source = Path.GetFullPath(options.File),
            Optimizer = OptimizerNames.Name(compiled.Optimizer),
            Batch = compiled.Batch,
            Seed = settings.Seed,
            ValidationFraction = settings.ValidationFraction,
            InputShape = ShapeArray(compiled.InputShape),
            ClassNames = [.. data.ClassNames],
        };
        state = state with { LearningRate = network.TrainingSettings.LearningRate };
        var run = new TrainingRun(compiled, network, data, outFolder);
        if (options.Schedule is { } text) Schedule(text, state.LearningRate, options.Epochs);
        var trainerOptions = run.Options(state, options.Epochs, options.Resume, options.Schedule, early, options.ReplaceSchedule);
        if (resumed is not null) state = new Trainer(trainerOptions).Resume(network);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Network: {compiled.Name} from {Path.GetFullPath(options.File)}: {compiled.TotalParams:N0} parameters, input {compiled.InputShape}, {compiled.Classes} classes"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training: {state.Optimizer}{OverrideNote(compiled)}, learning rate {state.LearningRate:G4}{Extras(options, state)}, batch {compiled.Batch}, seed {settings.Seed}, {network.AllocatedBytes:N0} bytes allocated"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Data: {data.Description}: {data.TrainCount:N0} training, {data.ValidationCount:N0} validation samples {data.ShapeText}"));
        output.WriteLine("Output: " + outFolder);
        if (resumed is not null)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Resuming after epoch {resumed.Epoch} (step {resumed.Step:N0})"));
        if (state.Epoch >= options.Epochs)
        {
            output.WriteLine($"Nothing to do: the checkpoint has {state.Epoch} epochs; ask for more with --epochs");
            return ExitCodes.Success;
        }
        output.Flush();

        using var pool = Environment.ProcessorCount > 1 ? new WorkerPool(2) : null;
        var cpu = network as NetGen.Execution.ICpuExecution;
        cpu?.UseWorkerPool(pool);
        var outcome = live is not null
            ? LiveProgress.Run(live, progress => run.Run(state, trainerOptions, progress, cancel))
            : run.Run(state, trainerOptions, new PlainProgress(output), cancel);
        cpu?.UseWorkerPool(null);
        return Finish(outcome, outFolder, output, errors);
    }

    /// <summary>The run's last lines and exit code: interrupted (130), stopped early or done (0).</summary>
    private static int Finish(TrainingResult outcome, string outFolder, TextWriter output, TextWriter errors)
    {
        var end = outcome.State;
        switch (outcome.Stop)
        {
            case TrainingStop.Cancelled:
                errors.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Interrupted in epoch {end.Epoch + 1} after batch {end.Partial?.Batches ?? 0} (step {end.Step:N0}): checkpoint written to {outFolder}; continue with --resume {outFolder}"));
                return ExitCodes.Interrupted;
            case TrainingStop.EarlyStopped when end.Best is { } best:
                var kept = end.Metrics.Find(m => m.Epoch == best.Epoch) ?? end.Metrics[^1];
                string weights = outcome.RestoredBestWeights || best.Epoch == end.Epoch ? $"epoch {best.Epoch}'s weights" : "the last epoch's weights";
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Stopped early after epoch {end.Epoch}: {outcome.Reason}. Best: epoch {best.Epoch}, validation accuracy {100 * kept.ValidationAccuracy:0.00}% ({weights}, in {Path.Combine(outFolder, CheckpointStore.BestFolder)}). Checkpoint, metrics and plots in {outFolder}"));
                return ExitCodes.Success;
            default:
                var last = end.Metrics[^1];
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Done: {end.Epoch} epochs, {end.Step:N0} steps, validation accuracy {100 * last.ValidationAccuracy:0.00}%. Checkpoint, metrics and plots in {outFolder}"));
                return ExitCodes.Success;
        }
    }

    /// <summary>The schedule (--schedule, else the resumed checkpoint's) and --early-stopping as the header names them, when given.</summary>
    private static string Extras(TrainOptions options, TrainingCheckpoint state) =>
        ((options.Schedule ?? state.Schedule) is { } schedule ? $" (schedule {schedule})" : "") + (options.EarlyStopping is { } early ? $", early stopping {early}" : "");

    /// <summary>The --schedule for a run at base rate <paramref name="rate"/>; a bad value is a usage error (exit 2).</summary>
    private static ILearningRateSchedule Schedule(string text, float rate, int epochs)
    {
        try
        {
            return ScheduleSyntax.Parse(text, rate, epochs);
        }
        catch (FormatException e)
        {
            throw new CliException($"--schedule: error: {e.Message}", ExitCodes.Usage);
        }
    }

    private static EarlyStopping ParseEarlyStopping(string text)
    {
        try
        {
            return EarlyStopping.Parse(text);
        }
        catch (FormatException e)
        {
            throw new CliException($"--early-stopping: error: {e.Message}", ExitCodes.Usage);
        }
    }

    private static void CheckClasses(LabeledData data, CompiledNetwork compiled, string folder)
    {
        if (data.ClassNames.Count > compiled.Classes)
            throw new CliException($"{Path.GetFullPath(folder)}: error: the data has {data.ClassNames.Count} classes, but network '{compiled.Name}' outputs {compiled.Classes} class scores {compiled.OutputShape}");
    }

    /// <summary>Says so when --optimizer compiled a different optimizer into the network than its file declares.</summary>
    private static string OverrideNote(CompiledNetwork compiled) => compiled.Optimizer == compiled.DeclaredOptimizer
        ? ""
        : $" (compiled in by --optimizer; the file declares {OptimizerNames.Name(compiled.DeclaredOptimizer)})";

    public static int[] ShapeArray(Shape shape) => shape.IsVector ? [shape.C] : [shape.C, shape.H, shape.W];
}
