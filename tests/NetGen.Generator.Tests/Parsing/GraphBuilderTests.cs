using System.Linq;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary>GraphBuilder on its own, as the attribute front end calls it.</summary>
public class GraphBuilderTests
{
    private static LocationInfo At(int line) => new("Model.cs", line * 10, 3, line, 4, line, 7);

    private static DeclaredNode Node(string name, OpKind op, int line, params string[] inputs) =>
        new(name, op, new LayerArgs(), false, At(line), inputs.Select(i => new InputRef(i, At(line))).ToEquatableArray());

    private static GraphSpec Spec(InputRef? output, params DeclaredNode[] nodes) =>
        new("Net", new TargetClass("App", "Net", true), Shape.Chw(3, 8, 8), At(0), nodes.ToEquatableArray(), output, 16,
            OptimizerKind.Sgd, Budgets.None, At(99));

    private static string[] Messages(Result<NetworkIR> result) =>
        result.Diagnostics.Select(d => d.Id + ": " + DiagnosticDescriptors.Format(d)).ToArray();

    [Fact]
    public void ChainKeepsDeclarationOrderAndSettings()
    {
        var result = GraphBuilder.Build(Spec(null,
            Node("conv", OpKind.Conv2D, 1, "input"), Node("pool", OpKind.MaxPool2D, 2, "conv"), Node("fc", OpKind.Dense, 3, "pool")));
        Assert.Empty(result.Diagnostics);
        var net = result.Value!;
        Assert.Equal(new[] { "input", "conv", "pool", "fc" }, net.Nodes.Select(n => n.Name));
        Assert.Equal(new[] { OpKind.Input, OpKind.Conv2D, OpKind.MaxPool2D, OpKind.Dense }, net.Nodes.Select(n => n.Op));
        Assert.Equal(new[] { 2 }, net.Nodes[3].Inputs.AsImmutableArray());
        Assert.Equal(3, net.Output);
        Assert.Equal((16, OptimizerKind.Sgd, "App.Net", true), (net.Batch, net.Optimizer, net.Target.FullName, net.Target.IsPartialUserClass));
        Assert.Equal(At(0), net.Nodes[0].Location);
    }

    [Fact]
    public void ForwardReferencesAreReordered()
    {
        var result = GraphBuilder.Build(Spec(new InputRef("sum", At(9)),
            Node("sum", OpKind.Add, 1, "b", "a"), Node("a", OpKind.ReLU, 2, "input"), Node("b", OpKind.Sigmoid, 3, "a")));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(new[] { "input", "a", "b", "sum" }, result.Value!.Nodes.Select(n => n.Name));
        Assert.Equal(new[] { 2, 1 }, result.Value.Nodes[3].Inputs.AsImmutableArray());
    }

    [Fact]
    public void NamesErrors()
    {
        var result = GraphBuilder.Build(Spec(new InputRef("nowhere", At(7)),
            Node("input", OpKind.ReLU, 1, "input"), Node("a", OpKind.ReLU, 2, "input"), Node("a", OpKind.ReLU, 3, "a"),
            Node("b", OpKind.ReLU, 4, "ghost")));
        Assert.Null(result.Value);
        Assert.Equal(new[]
        {
            "NG0006: Node 'input' is already declared at Model.cs(1,5)",
            "NG0006: Node 'a' is already declared at Model.cs(3,5)",
            "NG0005: 'b' refers to 'ghost', which is not a node of this network",
            "NG0005: 'output' refers to 'nowhere', which is not a node of this network",
        }, Messages(result));
        Assert.Equal(At(4), result.Diagnostics[2].Location);
    }

    [Fact]
    public void CycleAmongDeclaredNodes()
    {
        var result = GraphBuilder.Build(Spec(null,
            Node("a", OpKind.Add, 1, "input", "c"), Node("b", OpKind.ReLU, 2, "a"), Node("c", OpKind.ReLU, 3, "b"), Node("out", OpKind.ReLU, 4, "c")));
        Assert.Null(result.Value);
        Assert.Equal(new[] { "NG0007: The network graph has a cycle: a -> b -> c -> a" }, Messages(result));
        Assert.Equal(At(1), result.Diagnostics[0].Location);
    }

    [Fact]
    public void MissingInputAndNoLayers()
    {
        var spec = Spec(null) with { InputShape = null };
        Assert.Equal(new[] { "NG0009: Network 'Net' declares no input shape", "NG0013: Network 'Net' has no layers" },
            Messages(GraphBuilder.Build(spec)));
    }

    [Fact]
    public void UnusedBranchIsDroppedWithAWarning()
    {
        var result = GraphBuilder.Build(Spec(new InputRef("main", At(8)),
            Node("side", OpKind.ReLU, 1, "input"), Node("side2", OpKind.ReLU, 2, "side"), Node("main", OpKind.Tanh, 3, "input")));
        Assert.Equal(new[]
        {
            "NG0008: Node 'side' does not contribute to the output 'main' and will not be computed",
            "NG0008: Node 'side2' does not contribute to the output 'main' and will not be computed",
        }, Messages(result));
        Assert.Equal(new[] { "input", "main" }, result.Value!.Nodes.Select(n => n.Name));
        Assert.Equal(1, result.Value.Output);
    }

    [Fact]
    public void LongChainNeedsNoDeepStack()
    {
        var nodes = new DeclaredNode[100_000];
        // Declared in reverse, so every reference is forward and the search goes 100,000 deep.
        for (int i = 0; i < nodes.Length; i++)
        {
            int k = nodes.Length - 1 - i;
            nodes[i] = Node("n" + k, OpKind.ReLU, 1, k == 0 ? "input" : "n" + (k - 1));
        }
        var result = GraphBuilder.Build(Spec(new InputRef("n99999", null), nodes));
        Assert.Empty(result.Diagnostics);
        Assert.Equal("n0", result.Value!.Nodes[1].Name);
        Assert.Equal("n99999", result.Value.Nodes[100_000].Name);
    }
}
