using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing.Attributes;

/// <summary>
/// The attribute front end: a <c>[Network]</c> partial class and its layer attributes, in
/// source order, to a chain <see cref="NetworkIR"/> (node 0 the input, each layer fed by
/// the one before). Runs inside the pipeline; what it returns holds no Roslyn object.
/// </summary>
public static class AttributeNetworkParser
{
    private const string RuntimeNamespace = "NetGen";
    private static readonly string[] OptimizerMembers = { "OptimizerType.None", "OptimizerType.Sgd", "OptimizerType.Adam" };

    /// <summary>The network, or a null value with the diagnostics that prevent one.</summary>
    public static Result<NetworkIR> Parse(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        if (context.TargetSymbol is not INamedTypeSymbol symbol || context.TargetNode is not ClassDeclarationSyntax declaration)
            return new Result<NetworkIR>(null, EquatableArray<DiagnosticInfo>.Empty);
        return Parse(symbol, declaration, context.Attributes[0], ct);
    }

    /// <summary>
    /// The same, outside a generator run (the CLI reads .cs files this way): the class, its
    /// declaration that carries <c>[Network]</c>, and that attribute.
    /// </summary>
    public static Result<NetworkIR> Parse(INamedTypeSymbol symbol, ClassDeclarationSyntax declaration, AttributeData networkAttribute, CancellationToken ct)
    {
        var diagnostics = new List<DiagnosticInfo>();

        var target = TargetClassReader.Read(symbol, declaration, diagnostics);
        var layers = LayerAttributes(symbol, declaration.SyntaxTree, ct);

        // An attribute that did not bind (wrong overload, non-constant argument) already has a
        // compiler error; a network built without it would only add confusing follow-on errors.
        if (networkAttribute.AttributeConstructor is null || layers.Any(l => l.AttributeConstructor is null))
            return Fail(diagnostics);

        var network = Arguments(networkAttribute, symbol.Name, diagnostics, ct);
        var input = InputShape(network);
        var nodes = new List<Node> { new("input", OpKind.Input, EquatableArray<int>.Empty, new LayerArgs(), false, network.Location) };
        var declared = new Dictionary<string, LocationInfo?> { ["input"] = network.Location };
        var counters = new Dictionary<OpKind, int>();
        var named = new List<bool> { true };

        foreach (var attribute in layers)
        {
            ct.ThrowIfCancellationRequested();
            var kind = LayerAttributeReader.Kinds[attribute.AttributeClass!.Name];
            var a = AttributeArguments.Read(attribute, diagnostics, ct);
            string name = a.Has("Name") ? a.String("Name") ?? "" : AutoName(kind, counters);
            a.Owner = name.Length == 0 ? kind.CnnName : name;
            if (!IsNodeName(name))
                a.Invalid("Name", name.Length == 0 ? "empty" : "'" + name + "'", "a letter or '_' followed by letters, digits, '_' or '.'");

            var args = LayerAttributeReader.Read(kind.Op, a);
            var location = a.LocationOf("Name");
            if (declared.TryGetValue(name, out var first))
                diagnostics.Add(DiagnosticInfo.Create("NG0006", location, name, first?.ToDisplayString() ?? "the network's input"));
            else
                declared.Add(name, location);

            int previous = nodes.Count - 1;
            nodes.Add(new Node(name, kind.Op, new[] { previous }.ToEquatableArray(), args, a.Bool("Frozen", false), a.Location));
            named.Add(a.Has("Name"));
        }

        if (layers.Count == 0)
            diagnostics.Add(DiagnosticInfo.Create("NG0013", LocationInfo.From(declaration.Identifier.GetLocation()), symbol.Name));

        int batch = network.Positive("Batch", 32);
        var optimizer = (OptimizerKind)network.Enum("Optimizer", (int)OptimizerKind.Adam, OptimizerMembers);
        var budgets = new Budgets(
            Budget(network, "MaxParams"), Budget(network, "MaxInferenceBytes"), Budget(network, "MaxTrainingBytes"),
            BudgetLocation(network, "MaxParams"), BudgetLocation(network, "MaxInferenceBytes"), BudgetLocation(network, "MaxTrainingBytes"));

        if (target is null || diagnostics.Count > 0) return Fail(diagnostics);
        var ir = new NetworkIR(symbol.Name, target, input, nodes.ToEquatableArray(), nodes.Count - 1, batch, optimizer, budgets, network.Location);
        ir = ActivationFusion.Fuse(ir, named);
        return Result<NetworkIR>.Ok(ir);
    }

    private static Result<NetworkIR> Fail(List<DiagnosticInfo> diagnostics) =>
        new(null, diagnostics.ToEquatableArray());

    /// <summary>
    /// The class's layer attributes in source order: those on the <c>[Network]</c> declaration
    /// first, then those on other partial declarations by file path.
    /// </summary>
    private static List<AttributeData> LayerAttributes(INamedTypeSymbol symbol, SyntaxTree networkTree, CancellationToken ct)
    {
        var layers = new List<(AttributeData Data, int Tree, string Path, int Start)>();
        foreach (var attribute in symbol.GetAttributes())
        {
            var type = attribute.AttributeClass;
            if (type is null || type.ContainingNamespace?.ToDisplayString() != RuntimeNamespace) continue;
            if (!LayerAttributeReader.Kinds.ContainsKey(type.Name)) continue;
            var reference = attribute.ApplicationSyntaxReference;
            if (reference is null) continue;
            ct.ThrowIfCancellationRequested();
            layers.Add((attribute, reference.SyntaxTree == networkTree ? 0 : 1, reference.SyntaxTree.FilePath, reference.Span.Start));
        }
        return layers
            .OrderBy(l => l.Tree).ThenBy(l => l.Path, System.StringComparer.Ordinal).ThenBy(l => l.Start)
            .Select(l => l.Data).ToList();
    }

    private static AttributeArguments Arguments(AttributeData data, string owner, List<DiagnosticInfo> diagnostics, CancellationToken ct)
    {
        var args = AttributeArguments.Read(data, diagnostics, ct);
        args.Owner = owner;
        return args;
    }

    private static Shape InputShape(AttributeArguments network) => network.Has("features")
        ? Shape.Vector(network.Positive("features", 0))
        : Shape.Chw(network.Positive("channels", 0), network.Positive("height", 0), network.Positive("width", 0));

    /// <summary>Keras-style name: the kind's .cnn spelling and a count per kind from 1 (conv2d_1, dense_2).</summary>
    private static string AutoName(LayerAttributeReader.LayerKind kind, Dictionary<OpKind, int> counters)
    {
        counters.TryGetValue(kind.Op, out int n);
        counters[kind.Op] = ++n;
        return kind.CnnName + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Names weight files can use ("conv1", "layer1.0.bn1"), as the .cnn language allows.</summary>
    private static bool IsNodeName(string name)
    {
        if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_')) return false;
        foreach (char c in name)
        {
            if (!(char.IsLetterOrDigit(c) || c == '_' || c == '.')) return false;
        }
        return true;
    }

    /// <summary>A byte or count budget: 0 (the default) means none; negative is an error.</summary>
    private static long? Budget(AttributeArguments network, string name)
    {
        long value = network.Long(name, 0);
        if (value < 0) network.Invalid(name, value, "zero (no budget) or a positive limit");
        return value > 0 ? value : null;
    }

    private static LocationInfo? BudgetLocation(AttributeArguments network, string name) =>
        network.Has(name) ? network.LocationOf(name) : null;
}
