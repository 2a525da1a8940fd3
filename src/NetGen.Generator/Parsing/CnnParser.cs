using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>Everything one .cnn file holds: its networks (those free of errors) and its diagnostics.</summary>
public sealed record CnnFile(string Path, EquatableArray<NetworkIR> Networks, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The .cnn front end: text to IR. Grammar in docs/cnn-language.md.</summary>
public static class CnnParser
{
    /// <summary>Parses a file; never throws: every problem is a diagnostic at its token.</summary>
    /// <param name="defaultNamespace">Namespace of generated classes when the file declares none.</param>
    public static CnnFile Parse(string path, string text, string defaultNamespace = "NetGen.Networks")
    {
        path ??= "";
        text ??= "";
        var diagnostics = new DiagnosticBag();
        var map = new SourceMap(path, text);
        var tokens = Lexer.Tokenize(text, map, diagnostics);
        var file = SyntaxParser.Parse(tokens, map, diagnostics);
        var fileBlocks = BlockTable.Collect(file.Blocks, null, diagnostics);
        string ns = file.Namespace ?? defaultNamespace;

        // Errors so far are syntax errors and block declarations. One inside a network's braces
        // spoils that network; one inside a block spoils the networks that use the block.
        var early = new List<LocationInfo>();
        foreach (var d in diagnostics.Items)
        {
            if (!DiagnosticBag.IsWarning(d.Id) && d.Location is not null) early.Add(d.Location);
        }
        var brokenBlocks = new HashSet<string>();
        foreach (var block in file.Blocks)
        {
            if (early.Exists(at => Inside(at, block.Extent))) brokenBlocks.Add(block.Name.Text);
        }

        var networks = new List<NetworkIR>();
        var names = new Dictionary<string, Name>();
        foreach (var network in file.Networks)
        {
            // A fresh bag per network: an error in a shared block must spoil every network using it,
            // though the file reports it once.
            var own = new DiagnosticBag();
            if (names.TryGetValue(network.Name.Text, out var first))
                own.Add(DiagnosticIds.InvalidArgument, network.Name.Location, "network", network.Name.Text,
                    "declared twice (first at " + first.Location.ToDisplayString() + ")", "unique within the file");
            else names.Add(network.Name.Text, network.Name);
            bool syntaxErrors = early.Exists(at => Inside(at, network.Extent));
            var ir = NetworkLowering.Lower(network, ns, fileBlocks, brokenBlocks, syntaxErrors, own);
            diagnostics.AddRange(own.Items);
            if (ir is not null && own.ErrorCount == 0 && !syntaxErrors && !file.NamespaceFailed) networks.Add(ir);
        }
        return new CnnFile(path, networks.ToEquatableArray(), diagnostics.Items.ToEquatableArray());
    }

    private static bool Inside(LocationInfo location, LocationInfo extent) =>
        location.Start >= extent.Start && location.Start <= extent.Start + extent.Length;
}
