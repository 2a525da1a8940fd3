using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using NetGen.Cli.Compilation;
using NetGen.Cli.Data;
using NetGen.Cli.Devices;

namespace NetGen.Cli.Commands;

/// <summary>
/// <c>netgen predict FILE --checkpoint PATH --input FILE [--top K] [--count N]</c>: the top-k
/// classes and their probabilities for an image file, or for the first N samples of an IDX file.
/// </summary>
internal static class PredictCommand
{
    /// <summary>The largest --top and --count accepted.</summary>
    public const int MaxTop = 1_000, MaxCount = 1_000_000;

    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A .cnn file, or a .cs file with [Network] classes" };
        var checkpoint = new Option<FileSystemInfo>("--checkpoint") { Description = "A folder `netgen train` wrote, or a .safetensors weight file", Required = true };
        var input = new Option<FileInfo>("--input") { Description = "A .png/.jpg image, or an IDX image file (*-images-idx3-ubyte[.gz])", Required = true };
        var top = OptionValues.Count("--top", "Classes to show per sample (default 3)", "a class count", MaxTop, 3);
        var count = OptionValues.Count("--count", "Samples to take from an IDX file (default 10)", "a sample count", MaxCount, 10);
        var network = CommandOptions.Network();
        var device = DeviceOption.Create();
        var cache = CommandOptions.Cache();

        var command = new Command("predict", "Classify an image or the first samples of an IDX file with trained weights");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { checkpoint, input, top, count, network, device, cache }) command.Options.Add(option);
        command.SetAction(parse => Run(
            new PredictOptions(parse.GetValue(file)!.FullName, parse.GetValue(checkpoint)!.FullName, parse.GetValue(input)!.FullName,
                parse.GetValue(top), parse.GetValue(count), parse.GetValue(network), parse.GetValue(device),
                CommandOptions.CacheValue(parse, cache)),
            CommandOptions.Writers(parse)));
        return command;
    }

    private static int Run(PredictOptions options, (TextWriter Output, TextWriter Errors) writers) => Run(options, writers.Output, writers.Errors);

    public static int Run(PredictOptions options, TextWriter output, TextWriter errors)
    {
        try
        {
            Predict(options, output, errors);
            return ExitCodes.Success;
        }
        catch (Exception e) when (CommandOptions.IsUserError(e))
        {
            return CommandOptions.Report(e, errors);
        }
    }

    private static void Predict(PredictOptions options, TextWriter output, TextWriter errors)
    {
        var checkpoint = CheckpointArgument.Resolve(options.Checkpoint);
        using var device = DeviceSession.Open(options.Device, output);
        using var compiled = NetworkCompiler.Compile(checkpoint.Request(options.File, options.Network, device, options.Cache), errors);
        using var network = checkpoint.Load(compiled, device);
        var samples = PredictInputs.Read(options.Input, compiled.InputShape, options.Count);

        int classes = compiled.Classes, top = Math.Min(options.Top, classes);
        var scores = new float[classes];
        foreach (var sample in samples)
        {
            network.Predict(sample.Pixels, scores);
            var probabilities = compiled.EndsInSoftmax ? scores.Select(s => (double)s).ToArray() : Softmax(scores);
            var best = Enumerable.Range(0, classes).OrderByDescending(i => probabilities[i]).ThenBy(i => i).Take(top);
            string label = sample.Label is int l ? $" (label {checkpoint.ClassName(l)})" : "";
            string ranked = string.Join(", ", best.Select(i => string.Create(CultureInfo.InvariantCulture, $"{checkpoint.ClassName(i)} {100 * probabilities[i]:0.00}%")));
            output.WriteLine($"{sample.Name}{label}: {ranked}");
        }
    }

    /// <summary>Probabilities from logits, for networks whose last layer is not a softmax.</summary>
    private static double[] Softmax(float[] logits)
    {
        double max = logits.Max();
        var e = logits.Select(z => Math.Exp(z - max)).ToArray();
        double sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }
}

/// <summary>What `netgen predict` was asked; <c>Cache</c> null: the compile cache the environment names.</summary>
internal sealed record PredictOptions(string File, string Checkpoint, string Input, int Top = 3, int Count = 10, string? Network = null, CliDevice Device = CliDevice.Cpu,
    CompileCache? Cache = null);
