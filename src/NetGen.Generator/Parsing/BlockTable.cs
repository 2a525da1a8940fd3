using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>Checks block declarations once (NG0012: duplicates, empty bodies, repeated parameters) and indexes them by name.</summary>
internal static class BlockTable
{
    /// <param name="outer">Blocks already visible (the file's, for a network's own): a second declaration of a name is an error.</param>
    public static Dictionary<string, BlockDecl> Collect(List<BlockDecl> blocks, IReadOnlyDictionary<string, BlockDecl>? outer, DiagnosticBag diagnostics)
    {
        var table = new Dictionary<string, BlockDecl>();
        foreach (var block in blocks)
        {
            string name = block.Name.Text;
            if (table.TryGetValue(name, out var first) || (outer is not null && outer.TryGetValue(name, out first)))
            {
                Error(diagnostics, block.Name.Location, name, "it is already declared at " + first.Name.Location.ToDisplayString());
                continue;
            }
            var seen = new HashSet<string>();
            foreach (var param in block.Params)
            {
                if (!seen.Add(param.Name.Text))
                    Error(diagnostics, param.Name.Location, name, "parameter '" + param.Name.Text + "' is declared twice");
            }
            if (block.Body.Count == 0) Error(diagnostics, block.Name.Location, name, "it has no statements");
            table.Add(name, block);
        }
        return table;
    }

    private static void Error(DiagnosticBag diagnostics, LocationInfo location, string block, string what) =>
        diagnostics.Add(DiagnosticIds.BlockArguments, location, block, what);
}
