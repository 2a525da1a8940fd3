using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Threading;
using NetGen.Cli.Compilation;
using NetGen.Cli.Data;
using NetGen.Cli.Reports;
using NetGen.Cli.Training;
using NetGen.Generator.Model;
using NetGen.Threading;

namespace NetGen.Cli.Commands;

/// <summary>
/// <c>netgen train FILE --data DIR [--epochs N] [--batch N] [--lr X] [--optimizer none|sgd|adam]
/// [--seed N] [--out DIR] [--resume DIR]</c>: compiles the network, trains it, and after every
/// epoch writes a checkpoint, metrics.json/csv and loss/accuracy plots to the output folder.
/// </summary>
internal static class TrainCommand
{
    /// <summary>The largest --epochs accepted.</summary>
    public const int MaxEpochs = 1_000_000;

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
        var validation = OptionValues.Fraction("--val-fraction", "Share of a single data set held out for validation (default 0.1)", "a validation fraction");

        var command = new Command("train", "Compile a network and train it, with checkpoints, metrics and plots");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { data, epochs, batch, lr, optimizer, seed, output, resume, network, validation })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            var (stdout, stderr) = CommandOptions.Writers(parse);
            var options = new TrainOptions(
                parse.GetValue(file)!.FullName, parse.GetValue(data)!.FullName, parse.GetValue(epochs), parse.GetValue(batch),
                parse.GetValue(lr), OptimizerNames.Parse(parse.GetValue(optimizer)), parse.GetValue(seed),
                parse.GetValue(output)?.FullName, parse.GetValue(resume)?.FullName, parse.GetValue(network), parse.GetValue(validation));
            return CommandOptions.WithCtrlC(cancel =>
                Run(options, stdout, stderr, interactive: stdout == Console.Out && !Console.IsOutputRedirected, cancel));
        });
        return command;
    }

    /// <summary>Trains as <paramref name="options"/> says; returns the exit code (0, 1, 2, or 130 when cancelled).</summary>
    /// <param name="interactive">Draw live progress bars (a terminal); otherwise one line per epoch.</param>
    public static int Run(TrainOptions options, TextWriter output, TextWriter errors, bool interactive, CancellationToken cancel)
    {
        try
        {
            return Train(options, output, errors, interactive, cancel);
        }
        catch (Exception e) when (CommandOptions.IsUserError(e))
        {
            return CommandOptions.Report(e, errors);
        }
    }

    private static int Train(TrainOptions options, TextWriter output, TextWriter errors, bool interactive, CancellationToken cancel)
    {
        var resumed = options.Resume is { } resumeFolder ? CheckpointStore.Read(resumeFolder) : null;
        var settings = RunSettings.Resolve(options, resumed);
        using var compiled = NetworkCompiler.Compile(new CompileRequest(options.File, options.Network, settings.Batch, settings.Optimizer), errors);
        if (resumed is not null) RunSettings.CheckSameNetwork(resumed, compiled, options.Resume!);
        using var data = DataOpener.Open(options.Data, compiled.InputShape, settings.ValidationFraction, settings.Seed, errors);
        CheckClasses(data, compiled, options.Data);

        string outFolder = OutputFolder.Prepare(options.Out ?? options.Resume ?? Path.Combine("runs", compiled.Name));
        using var network = compiled.CreateTrainable(settings.Seed);
        if (settings.LearningRate is float rate) network.TrainingSettings.LearningRate = rate;
        var state = resumed ?? new CheckpointState
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
        if (resumed is not null) CheckpointStore.Restore(options.Resume!, resumed, network);
        state = state with { LearningRate = network.TrainingSettings.LearningRate };

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Network: {compiled.Name} from {Path.GetFullPath(options.File)}: {compiled.Analysis.TotalParams:N0} parameters, input {compiled.InputShape}, {compiled.Classes} classes"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training: {state.Optimizer}{OverrideNote(compiled)}, learning rate {state.LearningRate:G4}, batch {compiled.Batch}, seed {settings.Seed}, {network.AllocatedBytes:N0} bytes allocated"));
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
        var run = new TrainingRun(compiled, network, data, outFolder);
        var kept = resumed is null ? null : new SavedCheckpoint(Path.GetFullPath(options.Resume!), resumed.Epoch, resumed.Step, resumed.Partial is not null);
        var outcome = interactive
            ? LiveProgress.Run(progress => run.Run(state, options.Epochs, progress, cancel, kept))
            : run.Run(state, options.Epochs, new PlainProgress(output), cancel, kept);
        cpu?.UseWorkerPool(null);

        var end = outcome.State;
        if (outcome.Interrupted)
        {
            int batch = end.Partial?.Batches ?? 0;
            errors.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Interrupted in epoch {end.Epoch + 1} after batch {batch} (step {end.Step:N0}): checkpoint written to {outFolder}; continue with --resume {outFolder}"));
            return ExitCodes.Interrupted;
        }
        var last = end.Metrics[^1];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Done: {end.Epoch} epochs, {end.Step:N0} steps, validation accuracy {100 * last.ValidationAccuracy:0.00}%. Checkpoint, metrics and plots in {outFolder}"));
        return ExitCodes.Success;
    }

    private static void CheckClasses(LabeledData data, CompiledNetwork compiled, string folder)
    {
        if (data.ClassNames.Count > compiled.Classes)
            throw new CliException($"{Path.GetFullPath(folder)}: error: the data has {data.ClassNames.Count} classes, but network '{compiled.Name}' outputs {compiled.Classes} class scores {compiled.Analysis.OutputShape}");
    }

    /// <summary>Says so when --optimizer compiled a different optimizer into the network than its file declares.</summary>
    private static string OverrideNote(CompiledNetwork compiled) => compiled.Optimizer == compiled.DeclaredOptimizer
        ? ""
        : $" (compiled in by --optimizer; the file declares {OptimizerNames.Name(compiled.DeclaredOptimizer)})";

    public static int[] ShapeArray(Shape shape) => shape.IsVector ? [shape.C] : [shape.C, shape.H, shape.W];
}
