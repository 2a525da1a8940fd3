using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text.Json;
using NetGen.Cli.Compilation;
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
        var cache = CommandOptions.Cache();

        var command = new Command("summary", "Print a network's layers, shapes, parameters, MACs and memory, without a build");
        command.Arguments.Add(file);
        command.Options.Add(batch);
        command.Options.Add(optimizer);
        command.Options.Add(cache);
        command.SetAction(parse =>
        {
            var overrides = new SummaryOverrides(parse.GetValue(batch), OptimizerNames.Parse(parse.GetValue(optimizer)));
            var (output, errors) = CommandOptions.Writers(parse);
            return Run(parse.GetValue(file)!, overrides, output, errors, CommandOptions.CacheValue(parse, cache));
        });
        return command;
    }

    /// <summary>
    /// Loads, analyses and prints; returns the process exit code (1 when any error is reported).
    /// A .cs file's report comes from <paramref name="cache"/> (null: the environment's) when the
    /// same bytes were summarised with the same options before: reading it needs Roslyn's binding.
    /// </summary>
    public static int Run(FileInfo file, SummaryOverrides overrides, TextWriter output, TextWriter errors, CompileCache? cache = null)
    {
        if (Directory.Exists(file.FullName))
        {
            errors.WriteLine($"{file.FullName}: error: this is a folder; expected a .cnn file or a .cs file with [Network] classes");
            return ExitCodes.Usage;
        }
        if (!file.Exists)
        {
            errors.WriteLine($"{file.FullName}: error: file not found");
            return ExitCodes.NotFound;
        }

        var report = Report(file.FullName, overrides, cache ?? CompileCache.FromEnvironment());
        foreach (var line in report.DiagnosticLines) errors.WriteLine(line);
        foreach (var summary in report.Summaries) output.WriteLine(summary);
        if (report.Summaries.Count == 0 && !report.HasErrors)
        {
            errors.WriteLine($"{file.FullName}: error: no network found (expected a .cnn network or a [Network] class)");
            return 1;
        }
        return report.HasErrors ? 1 : 0;
    }

    private static SummaryReport Report(string path, SummaryOverrides overrides, CompileCache cache)
    {
        byte[] bytes = File.ReadAllBytes(path);
        string text = NetworkLoader.Decode(bytes);
        if (!cache.Enabled || !path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
            return SummaryReport.Build(NetworkLoader.Load(path, text), overrides);

        string key = CompileCache.Key(
        [
            CompileCache.Text("summary"), CompileCache.Text(path), bytes,
            CompileCache.Text(overrides.Batch?.ToString(CultureInfo.InvariantCulture)), CompileCache.Text(overrides.Optimizer?.ToString()),
        ]);
        if (cache.TryRead(key) is { } entry)
        {
            try
            {
                if (JsonSerializer.Deserialize<SummaryReport>(entry.Metadata) is { DiagnosticLines: not null, Summaries: not null } cached) return cached;
            }
            catch (JsonException)
            {
            }
            cache.Invalidate(key);
        }
        var report = SummaryReport.Build(NetworkLoader.Load(path, text), overrides);
        cache.Write(key, JsonSerializer.SerializeToUtf8Bytes(report), []);
        return report;
    }
}

/// <summary>What the command line changes in each network before analysis.</summary>
internal sealed record SummaryOverrides(int? Batch, OptimizerKind? Optimizer);
