using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

// channels(x): a node's channel count while the network is still being declared, so a block can
// size its layers by its input (MobileNetV2's expansion: conv2d(channels(in) * 6, 1)). The shapes
// of the nodes declared so far are inferred in declaration order by the analysis's own rules.
internal sealed partial class BlockExpander
{
    private Shape? _inputShape;
    /// <summary>Shapes of <see cref="_nodes"/>[0 .. _shaped), by full name; null with the reason when not known.</summary>
    private readonly Dictionary<string, (Shape? Shape, string Why)> _shapes = new();
    private int _shaped;

    /// <summary>What <c>channels(x)</c> means in an expression written in <paramref name="scope"/>.</summary>
    private ChannelsOf ChannelsIn(Scope scope) => (node, argument, owner) => Channels(node, scope, argument, owner);

    private long? Channels(Name node, Scope scope, string argument, string owner)
    {
        string shown = "channels(" + node.Text + ")";
        var piped = Reference(node.Text, node.Location, scope);
        if (piped.Full is null)
        {
            piped.Referrer ??= owner;
            // A name declared nowhere is reported once, as a reference to no node (NG0005).
            if (scope.Explicit.Contains(node.Text))
                _diagnostics.Add(DiagnosticIds.InvalidArgument, node.Location, argument, owner, shown,
                    "the channels of a node declared before it ('" + node.Text + "' is declared later)");
            return null;
        }
        var (shape, why) = ShapeOf(piped.Full);
        if (shape is null)
        {
            _diagnostics.Add(DiagnosticIds.InvalidArgument, node.Location, argument, owner, shown + ", which is not known: " + why,
                "the channels of a node whose shape is known");
            return null;
        }
        return shape.Value.C;
    }

    private (Shape? Shape, string Why) ShapeOf(string full)
    {
        if (full == GraphBuilder.InputName)
            return (_inputShape, "the network declares no input shape");
        while (_shaped < _nodes.Count)
        {
            var node = _nodes[_shaped++];
            _shapes[node.Name] = Infer(node);
        }
        return _shapes.TryGetValue(full, out var known) ? known : (null, "'" + full + "' is not declared yet");
    }

    private (Shape? Shape, string Why) Infer(NodeBuild node)
    {
        var inputs = new List<(string Name, Shape Shape)>(node.Inputs.Count);
        foreach (var input in node.Inputs)
        {
            if (input is null) return (null, "'" + node.Name + "' reads a node declared after it");
            var (shape, why) = input == GraphBuilder.InputName
                ? (_inputShape, "the network declares no input shape")
                : _shapes.TryGetValue(input, out var known) ? known : (null, "'" + node.Name + "' reads a node declared after it");
            if (shape is null) return (null, why);
            inputs.Add((input, shape.Value));
        }
        if (inputs.Count == 0) return (null, "'" + node.Name + "' has no input");
        var result = ShapeInference.OfNode(node.Name, node.Op, node.Args, inputs, out var error);
        return result is null ? (null, DiagnosticDescriptors.Format(error!)) : (result, "");
    }
}
