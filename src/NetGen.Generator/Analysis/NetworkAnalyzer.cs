using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>Pure analysis of a network: shapes, parameters, MACs, memory plans, budgets.</summary>
public static class NetworkAnalyzer
{
    /// <summary>
    /// Analyses a network. The value is null when a shape error makes the network invalid;
    /// budget errors and warnings come with a value. Never throws.
    /// </summary>
    public static Result<NetworkAnalysis> Analyze(NetworkIR network) =>
        throw new System.NotImplementedException("analysis under construction");
}
