using System.Collections.Generic;
using NetGen.Generator.Analysis;
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
            var descriptor = DiagnosticDescriptors.Get(d.Id);
            bool isError = descriptor.DefaultSeverity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error;
            hasErrors |= isError;
            string where = d.Location?.ToDisplayString() ?? loaded.Path;
            lines.Add($"{where}: {(isError ? "error" : "warning")} {d.Id}: {DiagnosticDescriptors.Format(d)}");
        }

        foreach (var d in loaded.Diagnostics) Report(d);
        foreach (var network in loaded.Networks)
        {
            var ir = network with
            {
                Batch = overrides.Batch ?? network.Batch,
                Optimizer = overrides.Optimizer ?? network.Optimizer,
            };
            var result = NetworkAnalyzer.Analyze(ir);
            foreach (var d in result.Diagnostics) Report(d);
            if (result.Value is not null) summaries.Add(SummaryWriter.Write(result.Value));
        }
        return new SummaryReport(lines, summaries, hasErrors);
    }
}
