using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emit.Execution;

/// <summary>BatchNorm's four tensors in the parameter table, named and ordered as PyTorch's state_dict.</summary>
internal sealed partial class ExecutionLayout
{
    private readonly Dictionary<int, ParameterEntry> _runningMean = new();
    private readonly Dictionary<int, ParameterEntry> _runningVar = new();

    /// <summary>A BatchNorm node's running mean (C), never trained.</summary>
    public ParameterEntry RunningMean(int node) => _runningMean[node];

    /// <summary>A BatchNorm node's running variance (C), never trained.</summary>
    public ParameterEntry RunningVar(int node) => _runningVar[node];

    /// <summary>
    /// weight (gamma, ones) and bias (beta, zeros), trainable unless the node is frozen; then
    /// running_mean (zeros) and running_var (ones), statistics the training forward updates:
    /// stored with the parameters (and in weight files), without gradient or optimizer state.
    /// </summary>
    private void AddBatchNorm(int n, ref long offset, ref long gradient)
    {
        var node = Network.Nodes[n];
        int c = OutputShape(n).C;
        var shape = new[] { c };
        Weight[n] = Add(n, node.Name + ".weight", shape, "Ones", c, c, null, ref offset, ref gradient);
        Bias[n] = Add(n, node.Name + ".bias", shape, "Zeros", c, c, null, ref offset, ref gradient);
        _runningMean[n] = AddStatistic(n, node.Name + ".running_mean", c, "Zeros", ref offset);
        _runningVar[n] = AddStatistic(n, node.Name + ".running_var", c, "Ones", ref offset);
    }

    private ParameterEntry AddStatistic(int node, string name, int c, string init, ref long offset)
    {
        var entry = new ParameterEntry(node, name, (int)offset, c, new[] { c }, -1, init, c, c, null);
        Parameters.Add(entry);
        offset += c;
        return entry;
    }
}
