using System;
using System.CommandLine;
using System.CommandLine.Invocation;
using System.IO;
using NetGen.Cli.Commands;

namespace NetGen.Cli;

/// <summary>The `netgen` command line: its commands, and one run of it (the process, or a test in-process).</summary>
internal static class Cli
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("netgen: compile-time shapes, sizes and memory of convolutional networks; training, evaluation and prediction");
        root.Subcommands.Add(SummaryCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(Import.ImportCommand.Create());
        root.Subcommands.Add(Export.ExportCommand.Create());
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>; returns the exit code. A bad command line (an
    /// unknown option, a missing value, a value an option rejects) prints its errors, one a line,
    /// and exits with <see cref="ExitCodes.Usage"/>, without running anything.
    /// </summary>
    public static int Run(string[] args, TextWriter? output = null, TextWriter? errors = null)
    {
        var parse = CreateRoot().Parse(args);
        var configuration = new InvocationConfiguration { Output = output ?? Console.Out, Error = errors ?? Console.Error };
        if (parse.Errors.Count == 0 || parse.Action is not ParseErrorAction) return parse.Invoke(configuration);

        foreach (var error in parse.Errors)
            configuration.Error.WriteLine(error.Message.Contains(": error: ", StringComparison.Ordinal) ? error.Message : "error: " + error.Message);
        configuration.Error.WriteLine($"Run '{CommandPath(parse.CommandResult)} --help' for usage.");
        return ExitCodes.Usage;
    }

    private static string CommandPath(System.CommandLine.Parsing.CommandResult command) =>
        command.Parent is System.CommandLine.Parsing.CommandResult parent ? CommandPath(parent) + " " + command.Command.Name : "netgen";
}
