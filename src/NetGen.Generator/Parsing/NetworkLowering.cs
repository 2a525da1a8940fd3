using System.Collections.Generic;
using System.Globalization;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>
/// One network from syntax to IR: settings checked (input, batch 32 and adam unless
/// declared, budgets, output), statements expanded, the graph assembled by
/// <see cref="GraphBuilder"/>.
/// </summary>
internal static class NetworkLowering
{
    public const int DefaultBatch = 32;
    public const OptimizerKind DefaultOptimizer = OptimizerKind.Adam;

    private static readonly Dictionary<string, decimal> CountUnits = new() { [""] = 1m, ["K"] = 1e3m, ["M"] = 1e6m, ["G"] = 1e9m };

    private static readonly Dictionary<string, decimal> ByteUnits = new()
    {
        ["B"] = 1m, ["KB"] = 1e3m, ["MB"] = 1e6m, ["GB"] = 1e9m, ["KiB"] = 1024m, ["MiB"] = 1024m * 1024m, ["GiB"] = 1024m * 1024m * 1024m,
    };

    /// <summary>The network's IR, or null when it has errors (all reported to <paramref name="diagnostics"/>).</summary>
    /// <param name="brokenBlocks">File-level blocks with syntax errors: a network using one has no IR.</param>
    /// <param name="syntaxErrors">The network's own text has syntax errors (already reported): statements are missing.</param>
    public static NetworkIR? Lower(NetworkDecl network, string ns, IReadOnlyDictionary<string, BlockDecl> fileBlocks,
        ISet<string> brokenBlocks, bool syntaxErrors, DiagnosticBag diagnostics)
    {
        string name = network.Name.Text;
        var blocks = new Dictionary<string, BlockDecl>();
        foreach (var pair in fileBlocks) blocks[pair.Key] = pair.Value;
        foreach (var block in BlockTable.Collect(network.Blocks, fileBlocks, diagnostics)) blocks[block.Key] = block.Value;

        var settings = new Settings();
        foreach (var setting in network.Settings) Apply(setting, name, settings, diagnostics);

        int errorsBefore = diagnostics.ErrorCount;
        var expanded = BlockExpander.Expand(network, blocks, brokenBlocks, settings.Output, settings.InputShape, diagnostics);
        bool incomplete = syntaxErrors || expanded.UsedBrokenBlock || diagnostics.ErrorCount > errorsBefore;
        if (expanded.Aborted) return null;

        var spec = new GraphSpec(name, new TargetClass(ns, name, IsPartialUserClass: false), settings.InputShape, settings.InputLocation,
            expanded.Nodes.ToEquatableArray(), expanded.Output, settings.Batch ?? DefaultBatch, settings.Optimizer ?? DefaultOptimizer,
            new Budgets(settings.MaxParams, settings.MaxInference, settings.MaxTraining,
                settings.Location("params"), settings.Location("inference"), settings.Location("training")),
            network.Name.Location);
        var result = GraphBuilder.Build(spec);
        foreach (var d in result.Diagnostics)
        {
            // When statements are missing the graph is incomplete: "unused" or "no layers" would mislead,
            // and a rejected input declaration was already reported.
            if (incomplete && d.Id is DiagnosticIds.UnusedNode or DiagnosticIds.NoLayers) continue;
            if (settings.InputRejected && d.Id == DiagnosticIds.MissingInput) continue;
            diagnostics.Add(d);
        }
        return incomplete ? null : result.Value;
    }

    private sealed class Settings
    {
        public Shape? InputShape;
        public LocationInfo? InputLocation;
        public bool InputRejected;
        public int? Batch;
        public OptimizerKind? Optimizer;
        public long? MaxParams, MaxInference, MaxTraining;
        public Name? Output;
        public readonly Dictionary<string, Setting> Seen = new();

        public LocationInfo? Location(string budget) => Seen.TryGetValue("budget " + budget, out var s) ? s.Location : null;
    }

    private static void Apply(Setting setting, string network, Settings settings, DiagnosticBag diagnostics)
    {
        string key = setting.Keyword.Text + (setting.Sub is null ? "" : " " + setting.Sub.Text);
        if (settings.Seen.TryGetValue(key, out var first))
        {
            diagnostics.Add(DiagnosticIds.InvalidArgument, setting.Keyword.Location, key, network,
                "declared twice (first at " + first.Location.ToDisplayString() + ")", "declared once");
            return;
        }
        switch (setting.Keyword.Text)
        {
            case "input":
                settings.Seen[key] = setting;
                settings.InputLocation = setting.Value.Location;
                settings.InputShape = InputShape(setting, network, diagnostics);
                settings.InputRejected = settings.InputShape is null;
                break;
            case "batch":
                settings.Seen[key] = setting;
                var batch = Evaluator.Evaluate(setting.Value, new Dictionary<string, Value>(), "batch", network, diagnostics);
                if (batch is IntValue b && b.Value >= 1 && b.Value <= int.MaxValue) settings.Batch = (int)b.Value;
                else if (batch is not null)
                    diagnostics.Add(DiagnosticIds.InvalidArgument, setting.Value.Location, "batch", network, batch.Display, "a positive integer");
                break;
            case "optimizer":
                settings.Seen[key] = setting;
                string word = ((NameExpr)setting.Value).Text;
                settings.Optimizer = word switch { "none" => OptimizerKind.None, "sgd" => OptimizerKind.Sgd, "adam" => OptimizerKind.Adam, _ => null };
                if (settings.Optimizer is null)
                    diagnostics.Add(DiagnosticIds.InvalidArgument, setting.Value.Location, "optimizer", network, "'" + word + "'", "none, sgd or adam");
                break;
            case "output":
                settings.Seen[key] = setting;
                var node = (NameExpr)setting.Value;
                settings.Output = new Name(node.Text, node.Location);
                break;
            default:
                Budget(setting, key, network, settings, diagnostics);
                break;
        }
    }

    private static Shape? InputShape(Setting setting, string network, DiagnosticBag diagnostics)
    {
        var value = Evaluator.Evaluate(setting.Value, new Dictionary<string, Value>(), "input", network, diagnostics);
        switch (value)
        {
            case null:
                return null;
            case IntValue v when v.Value >= 1 && v.Value <= int.MaxValue:
                return Shape.Vector((int)v.Value);
            case DimsValue { Parts.Length: 3 } d when Positive(d.Parts[0]) && Positive(d.Parts[1]) && Positive(d.Parts[2]):
                return Shape.Chw((int)d.Parts[0], (int)d.Parts[1], (int)d.Parts[2]);
            default:
                diagnostics.Add(DiagnosticIds.InvalidArgument, setting.Value.Location, "input", network, value.Display,
                    "C x H x W of positive integers (3x224x224) or a positive feature count");
                return null;
        }
    }

    private static bool Positive(long v) => v >= 1 && v <= int.MaxValue;

    private static void Budget(Setting setting, string key, string network, Settings settings, DiagnosticBag diagnostics)
    {
        string sub = setting.Sub!.Text;
        if (sub is not ("params" or "inference" or "training"))
        {
            diagnostics.Add(DiagnosticIds.InvalidArgument, setting.Sub.Location, "budget", network, "'" + sub + "'", "params, inference or training");
            return;
        }
        settings.Seen[key] = setting;
        bool isCount = sub == "params";
        var units = isCount ? CountUnits : ByteUnits;
        string allowed = isCount
            ? "a positive count, optionally with K, M or G (25M)"
            : "a positive size in bytes with a unit: B, KB, MB, GB, KiB, MiB or GiB (512MB)";
        string text = ((LiteralExpr)setting.Value).Text;
        long? size = ParseSize(text, units);
        if (size is null)
        {
            diagnostics.Add(DiagnosticIds.InvalidArgument, setting.Value.Location, key, network, text, allowed);
            return;
        }
        if (sub == "params") settings.MaxParams = size;
        else if (sub == "inference") settings.MaxInference = size;
        else settings.MaxTraining = size;
    }

    /// <summary><c>25M</c> -> 25,000,000; <c>1.5GiB</c> -> 1,610,612,736; null when malformed, non-positive or past 2^63.</summary>
    private static long? ParseSize(string text, Dictionary<string, decimal> units)
    {
        int end = 0;
        while (end < text.Length && (char.IsDigit(text[end]) || text[end] == '.')) end++;
        if (end < text.Length - 1 && (text[end] == 'e' || text[end] == 'E') &&
            (char.IsDigit(text[end + 1]) || ((text[end + 1] == '-' || text[end + 1] == '+') && end + 2 < text.Length && char.IsDigit(text[end + 2]))))
        {
            end += 2;
            while (end < text.Length && char.IsDigit(text[end])) end++;
        }
        if (!units.TryGetValue(text.Substring(end), out decimal unit)) return null;
        if (!double.TryParse(text.Substring(0, end), NumberStyles.Float, CultureInfo.InvariantCulture, out double number)) return null;
        double bytes = number * (double)unit;
        if (!(bytes >= 0.5) || bytes >= 9.2e18) return null;
        return (long)System.Math.Round((decimal)number * unit);
    }
}
