using System;
using System.CommandLine;
using System.IO;
using NetGen.Cli.Compilation;
using NetGen.Cli.Data;
using NetGen.Cli.Devices;
using NetGen.Cli.Reports;
using NetGen.Cli.Training;

namespace NetGen.Cli.Commands;

/// <summary>
/// <c>netgen eval FILE --data DIR --checkpoint PATH [--out DIR]</c>: the checkpoint's accuracy on
/// the validation part of the data (the same split training used: its seed comes from
/// checkpoint.json), accuracy per class, the confusion matrix, and confusion.png.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A .cnn file, or a .cs file with [Network] classes" };
        var data = new Option<DirectoryInfo>("--data") { Description = "The data folder training used (MNIST IDX or image folder)", Required = true };
        var checkpoint = new Option<FileSystemInfo>("--checkpoint") { Description = "A folder `netgen train` wrote, or a .safetensors weight file", Required = true };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Where confusion.png goes (default: the checkpoint's folder)" };
        var network = CommandOptions.Network();
        var device = DeviceOption.Create();
        var cache = CommandOptions.Cache();
        var seed = OptionValues.Seed("Split seed for a bare .safetensors file (a checkpoint folder knows its own; default 42)");
        var validation = OptionValues.Fraction("--val-fraction", "Validation share for a bare .safetensors file (default 0.1)", "a validation fraction");

        var command = new Command("eval", "Evaluate trained weights: accuracy, per-class accuracy, confusion matrix");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { data, checkpoint, output, network, seed, validation, device, cache }) command.Options.Add(option);
        command.SetAction(parse => Run(
            new EvalOptions(parse.GetValue(file)!.FullName, parse.GetValue(data)!.FullName, parse.GetValue(checkpoint)!.FullName,
                parse.GetValue(output)?.FullName, parse.GetValue(network), parse.GetValue(seed), parse.GetValue(validation), parse.GetValue(device),
                CommandOptions.CacheValue(parse, cache)),
            CommandOptions.Writers(parse)));
        return command;
    }

    private static int Run(EvalOptions options, (TextWriter Output, TextWriter Errors) writers) => Run(options, writers.Output, writers.Errors);

    public static int Run(EvalOptions options, TextWriter output, TextWriter errors)
    {
        try
        {
            Evaluate(options, output, errors);
            return ExitCodes.Success;
        }
        catch (Exception e) when (CommandOptions.IsUserError(e))
        {
            return CommandOptions.Report(e, errors);
        }
    }

    private static void Evaluate(EvalOptions options, TextWriter output, TextWriter errors)
    {
        var checkpoint = CheckpointArgument.Resolve(options.Checkpoint);
        // Checked before the work: confusion.png goes there.
        string folder = OutputFolder.Prepare(options.Out ?? checkpoint.Folder);
        var state = checkpoint.State;
        using var device = DeviceSession.Open(options.Device, output);
        using var compiled = NetworkCompiler.Compile(checkpoint.Request(options.File, options.Network, device, options.Cache), errors);
        using var network = checkpoint.Load(compiled, device);
        ulong seed = state?.Seed ?? options.Seed ?? TrainOptions.DefaultSeed;
        double fraction = state?.ValidationFraction ?? options.ValidationFraction ?? TrainOptions.DefaultValidationFraction;
        using var data = DataOpener.Open(options.Data, compiled.InputShape, fraction, seed, errors);

        output.WriteLine($"Network: {compiled.Name}, weights {checkpoint.WeightsPath}");
        output.WriteLine($"Data: {data.Description}: {data.ValidationCount:N0} validation samples");
        output.WriteLine();
        using var validation = data.OpenValidation(compiled.Batch);
        var result = new Evaluator(network, compiled.Classes, compiled.EndsInSoftmax, compiled.Batch).Run(validation);
        ConfusionText.Write(output, result, checkpoint.ClassName);

        string plot = Path.Combine(folder, Plots.ConfusionFile);
        var names = new string[compiled.Classes];
        for (int i = 0; i < names.Length; i++) names[i] = checkpoint.ClassName(i);
        Plots.WriteConfusion(plot, result.Confusion, names, $"{compiled.Name}: confusion matrix ({100 * result.Accuracy:0.00}% correct)");
        output.WriteLine();
        output.WriteLine("Confusion matrix plot: " + plot);
    }
}

/// <summary>What `netgen eval` was asked; <c>Cache</c> null: the compile cache the environment names.</summary>
internal sealed record EvalOptions(string File, string Data, string Checkpoint, string? Out = null, string? Network = null,
    ulong? Seed = null, double? ValidationFraction = null, CliDevice Device = CliDevice.Cpu, CompileCache? Cache = null);
