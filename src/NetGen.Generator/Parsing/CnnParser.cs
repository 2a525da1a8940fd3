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

        // Errors so far are syntax errors and block declarations: inside a network's braces
        // they spoil that network, anywhere else every network (they may use those blocks).
        var early = new List<DiagnosticInfo>(diagnostics.Items);
        bool fileLevelError = early.Exists(d => !DiagnosticBag.IsWarning(d.Id) && !InsideAny(d, file.Networks));

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
            var ir = NetworkLowering.Lower(network, ns, fileBlocks, own);
            diagnostics.AddRange(own.Items);
            bool syntaxError = early.Exists(d => !DiagnosticBag.IsWarning(d.Id) && Inside(d.Location, network.Extent));
            if (ir is not null && own.ErrorCount == 0 && !syntaxError && !fileLevelError) networks.Add(ir);
        }
        return new CnnFile(path, networks.ToEquatableArray(), diagnostics.Items.ToEquatableArray());
    }

    private static bool InsideAny(DiagnosticInfo d, List<NetworkDecl> networks) =>
        networks.Exists(n => Inside(d.Location, n.Extent));

    private static bool Inside(LocationInfo? location, LocationInfo extent) =>
        location is not null && location.Start >= extent.Start && location.Start <= extent.Start + extent.Length;
}
