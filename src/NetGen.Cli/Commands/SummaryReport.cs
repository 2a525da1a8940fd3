using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Model;

namespace NetGen.Cli.Commands;

/// <summary>Analyses loaded networks and formats what `summary` prints: compiler-style diagnostics and summary tables.</summary>
internal sealed record SummaryReport(IReadOnlyList<string> DiagnosticLines, IReadOnlyList<string> Summaries, bool HasErrors)
{
    public static SummaryReport Build(LoadedNetworks loaded, SummaryOverrides overrides)
    {
        var lines = new List<string>();
        var summaries = new List<string>();
        bool hasErrors = false;

        void Report(DiagnosticInfo d)
        {
            var severity = DiagnosticDescriptors.Get(d.Id).DefaultSeverity;
            hasErrors |= severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error;
            string where = d.Location?.ToDisplayString() ?? loaded.Path;
            lines.Add($"{where}: {SeverityWord(severity)} {d.Id}: {DiagnosticDescriptors.Format(d)}");
        }

        foreach (var d in loaded.Diagnostics) Report(d);
        foreach (var network in loaded.Networks)
        {
            var ir = network with
            {
                Batch = overrides.Batch ?? network.Batch,
                Optimizer = overrides.Optimizer ?? network.Optimizer,
            };
            // The generator's own analysis, so the execution diagnostics (NG0301, NG0302) a build
            // would report are printed too.
            var build = NetworkBuild.Analyze(new[] { ir }, System.Array.Empty<DiagnosticInfo>());
            foreach (var d in build.Diagnostics) Report(d);
            foreach (var analysis in build.Networks) summaries.Add(SummaryWriter.Write(analysis));
        }
        return new SummaryReport(lines, summaries, hasErrors);
    }

    /// <summary>The word a compiler prints for a severity (NG0302 is an info: the constants and summary still generate).</summary>
    private static string SeverityWord(Microsoft.CodeAnalysis.DiagnosticSeverity severity) => severity switch
    {
        Microsoft.CodeAnalysis.DiagnosticSeverity.Error => "error",
        Microsoft.CodeAnalysis.DiagnosticSeverity.Warning => "warning",
        _ => "info",
    };
}
