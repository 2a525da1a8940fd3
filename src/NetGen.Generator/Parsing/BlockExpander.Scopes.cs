using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

// Names and references: the scopes a network and its block instances declare names in,
// references that wait for the end of their scope, and block argument binding.
internal sealed partial class BlockExpander
{
    /// <summary>A node while expanding: inputs by full name, null until a forward reference resolves.</summary>
    private sealed class NodeBuild(string name, string local, OpKind op, LayerArgs args, bool frozen, LocationInfo location)
    {
        public string Name { get; } = name;
        /// <summary>The name within its scope, as the user wrote or would write it.</summary>
        public string Local { get; } = local;
        public OpKind Op { get; } = op;
        public LayerArgs Args { get; } = args;
        public bool Frozen { get; } = frozen;
        public LocationInfo Location { get; } = location;
        /// <summary>The user named it (a label or a statement's target), rather than <c>{kind}_{n}</c>.</summary>
        public bool Named { get; init; }
        public List<string?> Inputs { get; } = new();
        public List<LocationInfo?> InputLocations { get; } = new();
    }

    /// <summary>
    /// A value flowing into a node: a node's full name, or a name not yet declared in
    /// the scope that created it, resolved when that scope ends, filling every slot that used it.
    /// </summary>
    private sealed class Piped
    {
        public string? Full;
        public string? Local;
        /// <summary>Where the name was written; null for the implicit "previous node".</summary>
        public LocationInfo? Location;
        /// <summary>The first node that used it, for NG0005's message.</summary>
        public string? Referrer;
        public readonly List<(NodeBuild Node, int Slot)> Slots = new();

        public static Piped Resolved(string full, LocationInfo? location = null) => new() { Full = full, Location = location };
    }

    /// <summary>The network, or one block instance: its names, parameters and pending references.</summary>
    private sealed class Scope(string prefix, Piped? input, IReadOnlyDictionary<string, Value> parameters, bool frozen, Piped previous)
    {
        /// <summary>"" for the network, "layer1.0." inside an instance.</summary>
        public string Prefix { get; } = prefix;
        /// <summary>What <c>in</c> refers to; null at network level.</summary>
        public Piped? Input { get; } = input;
        public IReadOnlyDictionary<string, Value> Parameters { get; } = parameters;
        /// <summary>The instance was given <c>frozen: true</c>: every node in it is frozen.</summary>
        public bool Frozen { get; } = frozen;
        /// <summary>What a chain without a source continues from.</summary>
        public Piped Previous { get; set; } = previous;
        /// <summary>The last statement's node: the scope's output.</summary>
        public Piped? Last { get; set; }
        public LocationInfo? LastLocation { get; set; }
        public Dictionary<string, (string Full, LocationInfo Location)> Names { get; } = new();
        public HashSet<string> Explicit { get; set; } = new();
        /// <summary>Names of statements that failed: unresolvable, but already reported.</summary>
        public HashSet<string> Poisoned { get; } = new();
        public Dictionary<string, int> Counters { get; } = new();
        public List<Piped> Pending { get; } = new();
    }

    /// <summary>A block parameter given a node (<c>up(d4, skip: e4)</c>): a name for that node inside the instance.</summary>
    private sealed record NodeValue(Piped Node, string Written) : Value
    {
        public override string Display => "the node '" + Written + "'";
    }

    /// <summary>What a name written in <paramref name="scope"/> refers to, now or when the scope ends.</summary>
    private Piped Reference(string local, LocationInfo location, Scope scope)
    {
        if (local == GraphBuilder.InputName) return Piped.Resolved(GraphBuilder.InputName, location);
        if (local == "in" && scope.Input is not null) return scope.Input;
        if (scope.Parameters.TryGetValue(local, out var parameter) && parameter is NodeValue node) return node.Node;
        if (scope.Names.TryGetValue(local, out var declared)) return Piped.Resolved(declared.Full, location);
        var pending = new Piped { Local = local, Location = location };
        scope.Pending.Add(pending);
        return pending;
    }

    private static void Connect(NodeBuild node, Piped piped, LocationInfo fallback)
    {
        node.Inputs.Add(piped.Full);
        node.InputLocations.Add(piped.Location ?? fallback);
        if (piped.Full is null)
        {
            piped.Slots.Add((node, node.Inputs.Count - 1));
            piped.Referrer ??= node.Local;
        }
    }

    private static void ResolvePending(Scope scope, DiagnosticBag diagnostics)
    {
        foreach (var pending in scope.Pending)
        {
            if (pending.Full is not null) continue;
            if (scope.Names.TryGetValue(pending.Local!, out var declared))
            {
                pending.Full = declared.Full;
                foreach (var (node, slot) in pending.Slots) node.Inputs[slot] = declared.Full;
            }
            else if (!scope.Poisoned.Contains(pending.Local!))
                diagnostics.Add(DiagnosticIds.UnknownNode, pending.Location, pending.Local!, pending.Referrer ?? "output");
        }
        scope.Pending.Clear();
    }

    private bool Declare(Name name, string full, Scope scope) => Declare(name.Text, full, name.Location, scope);

    private bool Declare(string local, string full, LocationInfo location, Scope scope)
    {
        if (scope.Names.TryGetValue(local, out var first))
        {
            _diagnostics.Add(DiagnosticIds.DuplicateNode, location, local, first.Location.ToDisplayString());
            return false;
        }
        scope.Names.Add(local, (full, location));
        return true;
    }

    /// <summary>
    /// Binds a block instance's arguments (evaluated in the caller's scope) to its parameters,
    /// positional then named, defaults in order (a default may use earlier parameters).
    /// <c>frozen: true</c> freezes the instance unless the block has a parameter of that name.
    /// </summary>
    private (Dictionary<string, Value> Values, bool Frozen)? BindBlockArguments(BlockDecl block, Element element, Scope caller)
    {
        string blockName = block.Name.Text;
        var values = new Dictionary<string, Value>();
        bool frozen = false, ok = true;
        int position = 0;
        foreach (var arg in element.Args)
        {
            Param? param = null;
            if (arg.Name is not null)
            {
                param = block.Params.Find(p => p.Name.Text == arg.Name.Text);
                if (param is null && arg.Name.Text == "frozen")
                {
                    var flag = Evaluator.Evaluate(arg.Value, caller.Parameters, "frozen", blockName, _diagnostics);
                    if (flag is WordValue { Word: "true" or "false" } word) frozen = word.Word == "true";
                    else
                    {
                        if (flag is not null)
                            _diagnostics.Add(DiagnosticIds.InvalidArgument, arg.Value.Location, "frozen", blockName, flag.Display, "true or false");
                        ok = false;
                    }
                    continue;
                }
                if (param is null)
                {
                    BlockError(arg.Name.Location, blockName, "it has no parameter '" + arg.Name.Text + "'; it takes " + ParameterList(block));
                    ok = false;
                    continue;
                }
            }
            else if (position < block.Params.Count)
                param = block.Params[position++];
            else
            {
                BlockError(arg.Value.Location, blockName, "it takes " + block.Params.Count + " argument" +
                    (block.Params.Count == 1 ? "" : "s") + " (" + ParameterList(block) + ") but more were given");
                ok = false;
                continue;
            }
            string paramName = param.Name.Text;
            if (values.ContainsKey(paramName))
            {
                BlockError(arg.Name?.Location ?? arg.Value.Location, blockName, "parameter '" + paramName + "' is given twice");
                ok = false;
                continue;
            }
            var value = NodeArgument(arg.Value, caller) ??
                Evaluator.Evaluate(arg.Value, caller.Parameters, paramName, blockName, _diagnostics, ChannelsIn(caller));
            if (value is null) ok = false;
            else values[paramName] = value;
        }
        foreach (var param in block.Params)
        {
            if (values.ContainsKey(param.Name.Text)) continue;
            if (param.Default is null)
            {
                BlockError(element.Callee.Location, blockName, "parameter '" + param.Name.Text + "' is missing (it has no default)");
                ok = false;
                continue;
            }
            var value = Evaluator.Evaluate(param.Default, values, param.Name.Text, blockName, _diagnostics);
            if (value is null) ok = false;
            else values[param.Name.Text] = value;
        }
        return ok ? (values, frozen) : null;
    }

    /// <summary>
    /// A node passed to a block parameter: a bare name that is a node of the caller's scope
    /// (declared there, before or after), <c>in</c> or <c>input</c>. A caller's own parameter
    /// evaluates as usual, so a node passed on stays that node.
    /// </summary>
    private Value? NodeArgument(Expr argument, Scope caller)
    {
        if (argument is not NameExpr name || caller.Parameters.ContainsKey(name.Text)) return null;
        bool isNode = name.Text == GraphBuilder.InputName || (name.Text == "in" && caller.Input is not null) ||
            caller.Names.ContainsKey(name.Text) || caller.Explicit.Contains(name.Text);
        return isNode ? new NodeValue(Reference(name.Text, name.Location, caller), name.Text) : null;
    }

    private static string ParameterList(BlockDecl block)
    {
        if (block.Params.Count == 0) return "none";
        var names = new List<string>();
        foreach (var p in block.Params) names.Add(p.Name.Text);
        return string.Join(", ", names);
    }

    private void BlockError(LocationInfo location, string block, string what) =>
        _diagnostics.Add(DiagnosticIds.BlockArguments, location, block, what);
}
