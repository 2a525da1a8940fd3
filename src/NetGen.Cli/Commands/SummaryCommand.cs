using System;
using System.CommandLine;
using System.IO;
using NetGen.Generator.Model;

namespace NetGen.Cli.Commands;

/// <summary>
/// <c>netgen summary FILE [--batch N] [--optimizer none|sgd|adam]</c>: the summary a build
/// would generate, for a .cnn file or a .cs file with attribute-declared networks.
/// </summary>
internal static class SummaryCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A .cnn file, or a .cs file with [Network] classes" };
        var batch = CommandOptions.Batch("Batch size for the training-memory lines (default: the network's declared batch)");
        var optimizer = CommandOptions.Optimizer("Optimizer whose state training memory includes: none, sgd or adam (default: the network's)");

        var command = new Command("summary", "Print a network's layers, shapes, parameters, MACs and memory, without a build");
        command.Arguments.Add(file);
        command.Options.Add(batch);
        command.Options.Add(optimizer);
        command.SetAction(parse =>
        {
            var overrides = new SummaryOverrides(parse.GetValue(batch), OptimizerNames.Parse(parse.GetValue(optimizer)));
            var (output, errors) = CommandOptions.Writers(parse);
            return Run(parse.GetValue(file)!, overrides, output, errors);
        });
        return command;
    }

    /// <summary>Loads, analyses and prints; returns the process exit code (1 when any error is reported).</summary>
    public static int Run(FileInfo file, SummaryOverrides overrides, TextWriter output, TextWriter errors)
    {
        if (!file.Exists)
        {
            errors.WriteLine($"{file.FullName}: error: file not found");
            return ExitCodes.NotFound;
        }

        var loaded = NetworkLoader.Load(file.FullName);
        var report = SummaryReport.Build(loaded, overrides);
        foreach (var line in report.DiagnosticLines) errors.WriteLine(line);
        foreach (var summary in report.Summaries) output.WriteLine(summary);
        if (report.Summaries.Count == 0 && !report.HasErrors)
        {
            errors.WriteLine($"{file.FullName}: error: no network found (expected a .cnn network or a [Network] class)");
            return 1;
        }
        return report.HasErrors ? 1 : 0;
    }
}

/// <summary>What the command line changes in each network before analysis.</summary>
internal sealed record SummaryOverrides(int? Batch, OptimizerKind? Optimizer);
