namespace NetGen.Generator.Model;

/// <summary>
/// One node of the network graph. <paramref name="Inputs"/> are indices of earlier nodes:
/// a <see cref="NetworkIR"/> lists its nodes in topological order, node 0 being the input.
/// </summary>
/// <param name="Name">Unique within the network; weight names derive from it ("conv1.weight").</param>
/// <param name="Frozen">Parameters are not trained (counted non-trainable, no gradient or optimizer state).</param>
/// <param name="Location">Where the node was declared (attribute or .cnn token), for diagnostics.</param>
public sealed record Node(
    string Name,
    OpKind Op,
    EquatableArray<int> Inputs,
    LayerArgs Args,
    bool Frozen,
    LocationInfo? Location);
