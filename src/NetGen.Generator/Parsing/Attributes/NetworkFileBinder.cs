using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing.Attributes;

/// <summary>The network names one .cnn file declares, for checking bindings against it.</summary>
/// <param name="HasErrors">The file has errors, so a network may be missing because of them rather than the binding.</param>
public sealed record CnnFileNetworks(string Path, EquatableArray<string> Names, bool HasErrors);

/// <summary>
/// Applies <c>[NetworkFile]</c> bindings to the networks of a .cnn file and checks every
/// binding names exactly one file (NG0010) and one network in it (NG0014).
/// </summary>
public static class NetworkFileBinder
{
    /// <summary>
    /// The file's networks with their targets: a bound network goes into each class bound to
    /// it, an unbound one keeps the class its file generates. A binding to a class that cannot
    /// take members (not partial) drops the network, as its error already says.
    /// </summary>
    /// <param name="cnnPaths">All .cnn AdditionalFiles: a binding whose path matches several binds none.</param>
    public static EquatableArray<NetworkIR> Apply(string filePath, EquatableArray<NetworkIR> networks,
        EquatableArray<NetworkFileBinding> bindings, EquatableArray<string> cnnPaths)
    {
        var bound = new List<NetworkIR>();
        foreach (var network in networks)
        {
            var matching = bindings
                .Where(b => NetworkFileBindingParser.Matches(filePath, b.Path)
                    && cnnPaths.Count(p => NetworkFileBindingParser.Matches(p, b.Path)) == 1
                    && (b.NetworkName == network.Name || b.NetworkName is null && networks.Count == 1))
                .OrderBy(b => b.ClassName, System.StringComparer.Ordinal)
                .ToList();
            if (matching.Count == 0)
            {
                bound.Add(network);
                continue;
            }
            foreach (var binding in matching)
            {
                if (binding.Target is not null) bound.Add(network with { Target = binding.Target });
            }
        }
        return bound.ToEquatableArray();
    }

    /// <summary>Every binding's own diagnostics, then NG0010 / NG0014 where it names no single file and network.</summary>
    public static EquatableArray<DiagnosticInfo> Diagnose(EquatableArray<NetworkFileBindingSite> sites, EquatableArray<CnnFileNetworks> files)
    {
        var diagnostics = new List<DiagnosticInfo>();
        foreach (var site in sites)
        {
            diagnostics.AddRange(site.Diagnostics);
            var binding = site.Binding;
            if (binding.Path.Trim().Length == 0) continue;

            var matches = files.Where(f => NetworkFileBindingParser.Matches(f.Path, binding.Path)).ToList();
            if (matches.Count == 0)
            {
                diagnostics.Add(DiagnosticInfo.Create("NG0010", site.PathLocation, binding.Path, binding.ClassName));
                continue;
            }
            string? problem = matches.Count > 1
                ? "it matches several AdditionalFiles (" + string.Join(", ", matches.Select(m => m.Path).OrderBy(p => p, System.StringComparer.Ordinal))
                    + "); give more of the path"
                : NetworkProblem(binding, matches[0]);
            if (problem is not null)
                diagnostics.Add(DiagnosticInfo.Create("NG0014", site.PathLocation, binding.ClassName, binding.Path, problem));
        }
        return diagnostics.ToEquatableArray();
    }

    private static string? NetworkProblem(NetworkFileBinding binding, CnnFileNetworks file)
    {
        // A network with errors is missing from the file's list; its own errors explain why.
        if (file.HasErrors) return null;
        string declared = string.Join(", ", file.Names.Select(n => "'" + n + "'"));
        if (file.Names.Count == 0) return "it declares no network";
        if (binding.NetworkName is { } name)
            return file.Names.Contains(name) ? null : "it declares no network named '" + name + "' (it declares " + declared + ")";
        return file.Names.Count == 1 ? null
            : "it declares several networks (" + declared + "); choose one with Network = \"" + file.Names[0] + "\"";
    }
}
