using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>BatchNorm's four tensors in the parameter table, named and ordered as PyTorch's state_dict.</summary>
internal sealed partial class ParameterTable
{
    /// <summary>
    /// weight (gamma, ones) and bias (beta, zeros), trainable unless the node is frozen; then
    /// running_mean (zeros) and running_var (ones), statistics the training forward updates:
    /// stored with the parameters (and in weight files), without gradient or optimizer state.
    /// <c>scale: false</c> leaves out the weight and <c>center: false</c> the bias (Keras's
    /// BatchNormalization(scale=False, center=False)): no tensor, no gradient, no optimizer state.
    /// </summary>
    private void AddBatchNorm(int n)
    {
        var node = _network.Nodes[n];
        int c = OutputShape(n).C;
        var shape = new[] { c };
        if (node.Args.Scale) Add(n, ParameterRole.Weight, node.Name + ".weight", shape, "Ones", c, c, null);
        if (node.Args.Center) Add(n, ParameterRole.Bias, node.Name + ".bias", shape, "Zeros", c, c, null);
        AddStatistic(n, ParameterRole.RunningMean, node.Name + ".running_mean", c, "Zeros");
        AddStatistic(n, ParameterRole.RunningVar, node.Name + ".running_var", c, "Ones");
    }

    private void AddStatistic(int node, ParameterRole role, string name, int c, string init)
    {
        var shape = new[] { c }.ToEquatableArray();
        Entries.Add(new ParameterEntry(node, role, name, (int)_offset, c, shape, -1, init, c, c, EquatableArray<int>.Empty));
        _offset += c;
    }
}
