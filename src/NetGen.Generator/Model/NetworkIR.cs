namespace NetGen.Generator.Model;

/// <summary>Limits declared on a network; null when not declared. Bytes are fp32 bytes.</summary>
public sealed record Budgets(
    long? MaxParams,
    long? MaxInferenceBytes,
    long? MaxTrainingBytes,
    LocationInfo? MaxParamsLocation = null,
    LocationInfo? MaxInferenceLocation = null,
    LocationInfo? MaxTrainingLocation = null)
{
    public static readonly Budgets None = new(null, null, null);
}

/// <summary>Where the generated members go.</summary>
/// <param name="Namespace">Empty for the global namespace.</param>
/// <param name="ClassName">The partial class (attribute front end, or a bound .cnn) or the class a .cnn file generates.</param>
/// <param name="IsPartialUserClass">True when the user declared the class; false when the .cnn file generates it.</param>
/// <param name="Accessibility">"public" or "internal", as the user's class declares it.</param>
public sealed record TargetClass(string Namespace, string ClassName, bool IsPartialUserClass, string Accessibility = "public")
{
    public string FullName => Namespace.Length == 0 ? ClassName : Namespace + "." + ClassName;
}

/// <summary>
/// The one immutable, value-equatable network graph both front ends produce. Nodes are in
/// topological order; node 0 is the <see cref="OpKind.Input"/> node; <see cref="Output"/> is
/// the node whose value the network returns.
/// </summary>
/// <param name="InputShape">Shape of one input sample (the Input node's output).</param>
/// <param name="Batch">The declared training batch size for the generated training constants.</param>
/// <param name="Optimizer">The optimizer whose state the training memory figure includes.</param>
public sealed record NetworkIR(
    string Name,
    TargetClass Target,
    Shape InputShape,
    EquatableArray<Node> Nodes,
    int Output,
    int Batch,
    OptimizerKind Optimizer,
    Budgets Budgets,
    LocationInfo? Location)
{
    public Node InputNode => Nodes[0];
}
