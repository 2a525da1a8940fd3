using NetGen.Generator.Analysis;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

// crop(like: u): the window is centred in the crop's input with u's height and width. Both shapes
// are known while the network is declared, as for channels(x), so the IR gets an explicit window
// (one input, the same node an explicit crop(top, left, height, width) gives): analysis, the
// kernels and the ONNX exporter see one kind of crop, and u is not kept alive for the crop.
internal sealed partial class BlockExpander
{
    /// <summary>The crop's arguments with its centred window, or null after reporting why it has none.</summary>
    /// <param name="input">What flows into the crop.</param>
    /// <param name="node">The crop's full name, for messages.</param>
    private LayerArgs? CropLike(LayerArgs args, NameExpr like, Piped input, string node, Scope scope)
    {
        var target = KnownShape(Reference(like.Text, like.Location, scope), like.Text, like.Location, node, scope);
        var source = KnownShape(input, input.Local ?? input.Full ?? "its input", like.Location, node, scope);
        if (target is null || source is null) return null;
        if (source.Value.Shape.IsVector)
        {
            _diagnostics.Add(DiagnosticDescriptors.NeedsSpatialInput.Id, like.Location, node, "crop", source.Value.Shape);
            return null;
        }
        if (target.Value.Shape.IsVector)
        {
            _diagnostics.Add(DiagnosticIds.InvalidArgument, like.Location, "like", node,
                ShapeText.Named(target.Value.Full, target.Value.Shape), "a node with a height and width");
            return null;
        }
        var window = CropWindow.Centred(args, source.Value.Shape, target.Value.Shape.H, target.Value.Shape.W);
        if (window is not null) return window;
        _diagnostics.Add(DiagnosticIds.CropOutOfRange, like.Location, node,
            "the size of " + ShapeText.Named(target.Value.Full, target.Value.Shape),
            ShapeText.Named(source.Value.Full, source.Value.Shape), "it is larger than the input");
        return null;
    }

    /// <summary>A node's full name and shape, or null after reporting (at <paramref name="at"/>) why it is not known yet.</summary>
    private (string Full, Shape Shape)? KnownShape(Piped piped, string written, LocationInfo at, string node, Scope scope)
    {
        if (piped.Full is null)
        {
            piped.Referrer ??= node;
            // A name declared nowhere is reported once, as a reference to no node (NG0005).
            if (piped.Local is null || scope.Explicit.Contains(piped.Local))
                _diagnostics.Add(DiagnosticIds.InvalidArgument, at, "like", node, "'" + written + "', declared after the crop",
                    "a node declared before it (the window is found from both shapes when the crop is declared)");
            return null;
        }
        var (shape, why) = ShapeOf(piped.Full);
        if (shape is not null) return (piped.Full, shape.Value);
        _diagnostics.Add(DiagnosticIds.InvalidArgument, at, "like", node, "'" + written + "', whose shape is not known: " + why,
            "a node whose shape is known");
        return null;
    }
}
