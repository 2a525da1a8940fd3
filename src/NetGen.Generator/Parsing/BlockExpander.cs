using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>One network's statements, blocks expanded: nodes by full name, and the output.</summary>
/// <param name="UsedBrokenBlock">An instance of a block with a syntax error was expanded from what parsed.</param>
/// <param name="Aborted">A limit was passed (reported); the nodes are a fragment not worth checking further.</param>
internal sealed record ExpandedNetwork(List<DeclaredNode> Nodes, InputRef? Output, bool UsedBrokenBlock, bool Aborted);

/// <summary>
/// Expands a network's statements into declared nodes: chains become nodes fed by the
/// previous one, <c>* n</c> repeats, block instances expand their bodies with parameters
/// bound and local names prefixed <c>{instance}.</c>. Names resolve within their scope
/// (the network, or one block instance) once the scope is complete, so forward references
/// work. Bounded: at most <see cref="MaxNodes"/> nodes, <see cref="MaxRepeat"/> repetitions,
/// <see cref="MaxBlockDepth"/> nested instances, and no block may instantiate itself.
/// </summary>
internal sealed partial class BlockExpander
{
    public const int MaxNodes = 100_000;
    public const int MaxRepeat = 10_000;
    public const int MaxBlockDepth = 32;
    /// <summary>Statements expanded (each block instance re-expands its body), a bound on work when nodes are few.</summary>
    private const int MaxStatements = 1_000_000;

    private static readonly Dictionary<string, Value> NoParameters = new();

    private readonly DiagnosticBag _diagnostics;
    private readonly IReadOnlyDictionary<string, BlockDecl> _blocks;
    private readonly ISet<string> _brokenBlocks;
    private readonly string _network;
    private readonly List<NodeBuild> _nodes = new();
    private readonly List<string> _instantiating = new();
    private readonly Dictionary<string, HashSet<string>> _explicitNames = new();
    private int _statements;
    private bool _aborted;
    private bool _usedBrokenBlock;
    private LocationInfo? _topElement;

    private BlockExpander(string network, IReadOnlyDictionary<string, BlockDecl> blocks, ISet<string> brokenBlocks, DiagnosticBag diagnostics)
    {
        _network = network;
        _blocks = blocks;
        _brokenBlocks = brokenBlocks;
        _diagnostics = diagnostics;
    }

    /// <param name="blocks">The blocks visible in the network (its own and the file's).</param>
    /// <param name="brokenBlocks">Blocks whose bodies had syntax errors (already reported).</param>
    /// <param name="output">The name after <c>output</c>, if the network declares one.</param>
    /// <param name="inputShape">The declared input shape (null when none is), for <c>channels(x)</c>.</param>
    public static ExpandedNetwork Expand(NetworkDecl network, IReadOnlyDictionary<string, BlockDecl> blocks, ISet<string> brokenBlocks,
        Name? output, Shape? inputShape, DiagnosticBag diagnostics)
    {
        var expander = new BlockExpander(network.Name.Text, blocks, brokenBlocks, diagnostics) { _inputShape = inputShape };
        var scope = new Scope("", input: null, NoParameters, frozen: false, Piped.Resolved(GraphBuilder.InputName));
        expander.ExpandBody(network.Statements, scope, explicitNames: null);
        if (expander._aborted) return new ExpandedNetwork(new List<DeclaredNode>(), null, expander._usedBrokenBlock, Aborted: true);
        var outputPipe = output is null ? null : expander.Reference(output.Text, output.Location, scope);
        if (outputPipe is not null) outputPipe.Referrer = "output";
        ResolvePending(scope, diagnostics);

        var nodes = new List<DeclaredNode>(expander._nodes.Count);
        foreach (var node in expander._nodes)
        {
            var inputs = new List<InputRef>(node.Inputs.Count);
            for (int i = 0; i < node.Inputs.Count; i++)
            {
                if (node.Inputs[i] is string name) inputs.Add(new InputRef(name, node.InputLocations[i]));
            }
            nodes.Add(new DeclaredNode(node.Name, node.Op, node.Args, node.Frozen, node.Location, inputs.ToEquatableArray(), node.Named));
        }
        InputRef? outputRef = outputPipe is not null
            ? (outputPipe.Full is null ? null : new InputRef(outputPipe.Full, output!.Location))
            : (scope.Last?.Full is string last ? new InputRef(last, scope.LastLocation) : null);
        return new ExpandedNetwork(nodes, outputRef, expander._usedBrokenBlock, Aborted: false);
    }

    private void ExpandBody(List<Statement> body, Scope scope, string? explicitNames)
    {
        scope.Explicit = ExplicitNames(body, explicitNames);
        foreach (var statement in body)
        {
            if (_aborted) return;
            if (++_statements > MaxStatements)
            {
                Abort(statement.Location, "more than " + MaxStatements.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " statements",
                    "at most that many with blocks and repetitions expanded");
                return;
            }
            var result = ExpandStatement(statement, scope);
            if (result is null) continue;
            scope.Previous = result;
            scope.Last = result;
            scope.LastLocation = statement.Location;
        }
        ResolvePending(scope, _diagnostics);
    }

    /// <summary>
    /// Names the body declares (statement targets, labels), collected first so that generated
    /// names (<c>conv2d_1</c>) skip them; cached per block, whose body is the same in every instance.
    /// </summary>
    private HashSet<string> ExplicitNames(List<Statement> body, string? blockName)
    {
        if (blockName is not null && _explicitNames.TryGetValue(blockName, out var cached)) return cached;
        var names = new HashSet<string>();
        foreach (var statement in body)
        {
            if (statement.Target is not null) names.Add(statement.Target.Text);
            foreach (var element in statement.Elements)
            {
                if (element.Label is not null) names.Add(element.Label.Text);
            }
        }
        if (blockName is not null) _explicitNames[blockName] = names;
        return names;
    }

    private Piped? ExpandStatement(Statement statement, Scope scope)
    {
        var result = statement.Broken ? null : ExpandChain(statement, scope);
        if (result is null)
        {
            // Its error is reported; references to the names it would have declared are not errors again.
            if (statement.Target is not null) scope.Poisoned.Add(statement.Target.Text);
            foreach (var element in statement.Elements)
            {
                if (element.Label is not null) scope.Poisoned.Add(element.Label.Text);
            }
        }
        return result;
    }

    private Piped? ExpandChain(Statement statement, Scope scope)
    {
        var elements = statement.Elements;
        Piped? current = null;
        int i = 0;
        var first = elements[0];
        // A bare name followed by "->" is the chain's source node unless it is a layer, or a
        // block that no node of this scope is named after ("stem: stem()" then "stem -> ...").
        if (elements.Count > 1 && first.IsBare && LayerCatalog.Find(first.Callee.Text) is null && !IsBlockHere(first.Callee.Text, scope))
        {
            current = Reference(first.Callee.Text, first.Callee.Location, scope);
            i = 1;
        }
        for (; i < elements.Count; i++)
        {
            var element = elements[i];
            bool last = i == elements.Count - 1;
            var name = element.Label ?? (last ? statement.Target : null);
            current = ExpandElement(element, current, name, scope);
            if (current is null) return null;
        }
        var lastLabel = elements[elements.Count - 1].Label;
        if (lastLabel is not null && statement.Target is not null && !Declare(statement.Target, current!.Full!, scope))
            return null;
        return current;
    }

    private bool IsBlockHere(string name, Scope scope) =>
        _blocks.ContainsKey(name) && !scope.Explicit.Contains(name) && !scope.Names.ContainsKey(name);

    /// <param name="piped">The value flowing in; null at the head of a chain without a source.</param>
    /// <param name="name">The label, or the statement's target for its last element.</param>
    private Piped? ExpandElement(Element element, Piped? piped, Name? name, Scope scope)
    {
        if (_instantiating.Count == 0) _topElement = element.Callee.Location;
        string callee = element.Callee.Text;
        var layer = LayerCatalog.Find(callee);
        BlockDecl? block = null;
        if (layer is null && !_blocks.TryGetValue(callee, out block))
        {
            bool isNode = callee is GraphBuilder.InputName || (callee == "in" && scope.Input is not null) ||
                scope.Names.ContainsKey(callee) || scope.Explicit.Contains(callee);
            string hint = isNode
                ? "; '" + callee + "' is a node: a chain starts from it, as in '" + callee + " -> relu'"
                : LayerCatalog.Suggest(callee, _blocks.Keys);
            _diagnostics.Add(DiagnosticIds.UnknownLayer, element.Callee.Location, callee, hint);
            return null;
        }
        int count = RepeatCount(element, scope);
        if (count == 0) return null;
        return layer is not null
            ? ExpandLayer(layer, element, piped, name, count, scope)
            : ExpandBlock(block!, element, piped, name, count, scope);
    }

    /// <summary>The <c>* n</c> count, 1 without one; 0 after an error.</summary>
    private int RepeatCount(Element element, Scope scope)
    {
        if (element.Repeat is null) return 1;
        var value = Evaluator.Evaluate(element.Repeat, scope.Parameters, "*", element.Callee.Text, _diagnostics, ChannelsIn(scope));
        if (value is IntValue i && i.Value >= 1 && i.Value <= MaxRepeat) return (int)i.Value;
        if (value is not null)
            _diagnostics.Add(DiagnosticIds.InvalidArgument, element.Repeat.Location, "*", element.Callee.Text, value.Display,
                "an integer from 1 to " + MaxRepeat);
        return 0;
    }

    private Piped? ExpandLayer(LayerDef layer, Element element, Piped? piped, Name? name, int count, Scope scope)
    {
        var bound = LayerArgsBinder.Bind(layer, element, scope.Parameters, _diagnostics, ChannelsIn(scope));
        if (bound is null) return null;
        for (int r = 0; r < count; r++)
        {
            if (!ChargeNode(element)) return null;
            string local = InstanceName(name, count, r, layer.Keyword, scope);
            var args = bound.Like is null ? bound.Args : CropLike(bound.Args, bound.Like, piped ?? scope.Previous, scope.Prefix + local, scope);
            if (args is null) return null;
            var node = new NodeBuild(scope.Prefix + local, local, layer.Op, args, bound.Frozen || scope.Frozen, element.Callee.Location)
            {
                Named = name is not null,
            };
            if (!Declare(local, node.Name, name?.Location ?? element.Callee.Location, scope)) return null;
            _nodes.Add(node);
            if (layer.IsMerge)
            {
                if (piped is not null) Connect(node, piped, element.Callee.Location);
                foreach (var input in bound.InputNames) Connect(node, Reference(input.Text, input.Location, scope), input.Location);
                if (node.Inputs.Count < 2)
                {
                    _diagnostics.Add(DiagnosticIds.InvalidArgument, element.Callee.Location, "inputs", layer.Keyword,
                        node.Inputs.Count == 1 ? "1 node" : "no node", "at least two nodes");
                    return null;
                }
            }
            else Connect(node, piped ?? scope.Previous, element.Callee.Location);
            piped = Piped.Resolved(node.Name);
        }
        if (name is not null && count > 1 && !Declare(name, piped!.Full!, scope)) return null;
        return piped;
    }

    private Piped? ExpandBlock(BlockDecl block, Element element, Piped? piped, Name? name, int count, Scope scope)
    {
        string blockName = block.Name.Text;
        _usedBrokenBlock |= _brokenBlocks.Contains(blockName);
        int at = _instantiating.IndexOf(blockName);
        if (at >= 0)
        {
            var path = _instantiating.GetRange(at, _instantiating.Count - at);
            path.Add(blockName);
            _diagnostics.Add(DiagnosticIds.BlockArguments, element.Callee.Location, blockName,
                "it instantiates itself (" + string.Join(" -> ", path) + ")");
            return null;
        }
        if (_instantiating.Count >= MaxBlockDepth)
        {
            _diagnostics.Add(DiagnosticIds.BlockArguments, element.Callee.Location, blockName,
                "blocks are nested more than " + MaxBlockDepth + " deep here");
            return null;
        }
        var arguments = BindBlockArguments(block, element, scope);
        if (arguments is null) return null;
        var input = piped ?? scope.Previous;
        for (int r = 0; r < count; r++)
        {
            if (!ChargeNode(element)) return null;
            string local = InstanceName(name, count, r, blockName, scope);
            // An unknown name flowing in is reported as the instance's reference, not an inner node's.
            if (input.Full is null) input.Referrer ??= local;
            var inner = new Scope(scope.Prefix + local + ".", input, arguments.Value.Values, scope.Frozen || arguments.Value.Frozen, input);
            _instantiating.Add(blockName);
            ExpandBody(block.Body, inner, blockName);
            _instantiating.RemoveAt(_instantiating.Count - 1);
            if (inner.Last?.Full is not string output) return null;
            if (!Declare(local, output, name?.Location ?? element.Callee.Location, scope)) return null;
            input = Piped.Resolved(output);
        }
        if (name is not null && count > 1 && !Declare(name, input.Full!, scope)) return null;
        return input;
    }

    /// <summary><c>name</c>, <c>name.r</c> when repeated, or the next free <c>{kind}_{n}</c>.</summary>
    private static string InstanceName(Name? name, int count, int r, string kind, Scope scope)
    {
        if (name is not null) return count > 1 ? name.Text + "." + r : name.Text;
        while (true)
        {
            scope.Counters.TryGetValue(kind, out int n);
            scope.Counters[kind] = ++n;
            string candidate = kind + "_" + n;
            if (!scope.Explicit.Contains(candidate) && !scope.Names.ContainsKey(candidate)) return candidate;
        }
    }

    private bool ChargeNode(Element element)
    {
        if (_aborted) return false;
        if (_nodes.Count < MaxNodes) return true;
        Abort(_topElement ?? element.Callee.Location, "more than " + MaxNodes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " nodes",
            "at most that many with blocks and repetitions expanded");
        return false;
    }

    private void Abort(LocationInfo location, string value, string allowed)
    {
        _aborted = true;
        _diagnostics.Add(DiagnosticIds.InvalidArgument, location, "size", _network, value, allowed);
    }
}
