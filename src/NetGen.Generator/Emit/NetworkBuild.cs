using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emit;

/// <summary>
/// What one pipeline item (a <c>[Network]</c> class, or a .cnn file) yields: the networks
/// to emit and every diagnostic on the way. The generator registers source from
/// <see cref="ForEmit"/> and diagnostics from <see cref="Diagnostics"/> separately.
/// </summary>
public sealed record NetworkBuild(EquatableArray<NetworkAnalysis> Networks, EquatableArray<DiagnosticInfo> Diagnostics)
{
    /// <summary>Analyses each network the front end produced; front-end diagnostics come first.</summary>
    public static NetworkBuild Analyze(IEnumerable<NetworkIR> networks, IEnumerable<DiagnosticInfo> frontEndDiagnostics)
    {
        var diagnostics = new List<DiagnosticInfo>(frontEndDiagnostics);
        var analyses = new List<NetworkAnalysis>();
        foreach (var network in networks)
        {
            var result = NetworkAnalyzer.Analyze(network);
            diagnostics.AddRange(result.Diagnostics);
            if (result.Value is not null) analyses.Add(result.Value);
        }
        return new NetworkBuild(analyses.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// The networks with every source location removed: what the emitter reads. Code does not
    /// depend on where a layer was written, so an edit that only moves lines compares equal
    /// here and regenerates nothing.
    /// </summary>
    public EquatableArray<NetworkAnalysis> ForEmit() => Networks.Select(WithoutLocations).ToEquatableArray();

    private static NetworkAnalysis WithoutLocations(NetworkAnalysis analysis)
    {
        var network = analysis.Network;
        return analysis with
        {
            Network = network with
            {
                Location = null,
                Budgets = network.Budgets with { MaxParamsLocation = null, MaxInferenceLocation = null, MaxTrainingLocation = null },
                Nodes = network.Nodes.Select(n => n with { Location = null }).ToEquatableArray(),
            },
        };
    }
}
