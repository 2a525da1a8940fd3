using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// The output shape of every node (rules in docs/cnn-language.md). A node whose shape cannot be
/// known gets null and one diagnostic; nodes that depend on it are skipped without further
/// diagnostics, while independent nodes are still checked, so one build reports every
/// independent error.
/// </summary>
internal static class ShapeInference
{
    /// <param name="wellFormed">Per node, whether its inputs and arguments passed <see cref="StructureCheck"/>.</param>
    public static Shape?[] Infer(NetworkIR network, bool[] wellFormed, List<DiagnosticInfo> diagnostics)
    {
        var nodes = network.Nodes;
        var shapes = new Shape?[nodes.Count];
        if (wellFormed[0]) shapes[0] = network.InputShape;
        for (int i = 1; i < nodes.Count; i++)
        {
            if (!wellFormed[i]) continue;
            var inputs = new Shape[nodes[i].Inputs.Count];
            bool known = true;
            for (int j = 0; j < inputs.Length && known; j++)
            {
                var s = shapes[nodes[i].Inputs[j]];
                if (s is null) known = false;
                else inputs[j] = s.Value;
            }
            if (known) shapes[i] = new NodeShapes(network, nodes[i], inputs, shapes, diagnostics).Infer();
        }
        return shapes;
    }

    /// <summary>
    /// One node's output shape from its inputs' (named for messages), by the same rules; null with
    /// the first error when they reject them. The .cnn front end's <c>channels(x)</c> uses it while
    /// the graph is still being declared.
    /// </summary>
    public static Shape? OfNode(string name, OpKind op, LayerArgs args, IReadOnlyList<(string Name, Shape Shape)> inputs, out DiagnosticInfo? error)
    {
        var nodes = new List<Node>(inputs.Count + 1);
        var indices = new int[inputs.Count];
        var inputShapes = new Shape[inputs.Count];
        var shapes = new Shape?[inputs.Count + 1];
        for (int j = 0; j < inputs.Count; j++)
        {
            nodes.Add(new Node(inputs[j].Name, OpKind.Input, EquatableArray<int>.Empty, new LayerArgs(), false, null));
            indices[j] = j;
            inputShapes[j] = inputs[j].Shape;
            shapes[j] = inputs[j].Shape;
        }
        var node = new Node(name, op, indices.ToEquatableArray(), args, false, null);
        nodes.Add(node);
        var network = new NetworkIR(name, new TargetClass("", name, false), inputShapes[0], nodes.ToEquatableArray(), inputs.Count,
            1, OptimizerKind.None, Budgets.None, null);
        var diagnostics = new List<DiagnosticInfo>();
        var shape = new NodeShapes(network, node, inputShapes, shapes, diagnostics).Infer();
        error = diagnostics.Count > 0 ? diagnostics[0] : null;
        return error is null ? shape : null;
    }

    /// <summary>The rules for one node, with its input shapes (and every shape known so far) and a place to report.</summary>
    private readonly struct NodeShapes(NetworkIR network, Node node, Shape[] inputs, Shape?[] shapes, List<DiagnosticInfo> diagnostics)
    {
        private LayerArgs A => node.Args;
        private Shape In => inputs[0];

        public Shape? Infer() => node.Op switch
        {
            OpKind.Conv2D => Conv(A.Filters, checkGroups: true),
            OpKind.DepthwiseConv2D => Conv((long)In.C * A.DepthMultiplier, checkGroups: false),
            OpKind.SeparableConv2D => Conv(A.Filters, checkGroups: false),
            OpKind.Conv2DTranspose => Transposed(),
            OpKind.MaxPool2D or OpKind.AvgPool2D => Pool(),
            OpKind.GlobalAvgPool => Spatial() ? (A.KeepDims ? Shape.Chw(In.C, 1, 1) : Shape.Vector(In.C)) : null,
            OpKind.Upsample => Spatial() ? Make(In.C, (long)In.H * A.ScaleH, (long)In.W * A.ScaleW) : null,
            OpKind.Crop => Spatial() ? Crop() : null,
            OpKind.Flatten => Shape.Vector((int)In.Elements),
            OpKind.Dense => Dense(),
            OpKind.Add => SameShapes(),
            OpKind.Multiply => Gate(),
            OpKind.Concat => Concat(),
            // Dropout, batchnorm, lrn and the activations keep their input's shape.
            _ => In,
        };

        private bool Spatial()
        {
            if (!In.IsVector) return true;
            Report(DiagnosticDescriptors.NeedsSpatialInput, node.Name, OpNames.Of(node.Op), In);
            return false;
        }

        private Shape? Conv(long outChannels, bool checkGroups)
        {
            if (!Spatial()) return null;
            if (checkGroups)
            {
                // Both reported, but the output shape is still known, so later nodes are checked.
                if (In.C % A.Groups != 0) Report(DiagnosticDescriptors.GroupsMismatch, node.Name, In.C, A.Groups, "input");
                if (A.Filters % A.Groups != 0) Report(DiagnosticDescriptors.GroupsMismatch, node.Name, A.Filters, A.Groups, "output");
            }
            return Windowed(outChannels, ceil: false);
        }

        private Shape? Pool() => Spatial() ? Windowed(In.C, A.CeilMode) : null;

        private Shape? Windowed(long outChannels, bool ceil)
        {
            var h = WindowMath.Window(In.H, A.KernelH, A.StrideH, A.DilationH, A.Padding, A.PadTop, A.PadBottom, ceil);
            var w = WindowMath.Window(In.W, A.KernelW, A.StrideW, A.DilationW, A.Padding, A.PadLeft, A.PadRight, ceil);
            if (h.KernelTooLarge || w.KernelTooLarge)
            {
                Report(DiagnosticDescriptors.KernelLargerThanInput, node.Name, ShapeText.HxW(h.Kernel, w.Kernel),
                    ShapeText.HxW(h.Padded, w.Padded), In);
                return null;
            }
            return Make(outChannels, h.Output, w.Output);
        }

        private Shape? Transposed()
        {
            if (!Spatial()) return null;
            long h = WindowMath.Transposed(In.H, A.KernelH, A.StrideH, A.DilationH, A.Padding, A.PadTop, A.PadBottom, A.OutputPadding);
            long w = WindowMath.Transposed(In.W, A.KernelW, A.StrideW, A.DilationW, A.Padding, A.PadLeft, A.PadRight, A.OutputPadding);
            return Make(A.Filters, h, w);
        }

        /// <summary>The window must lie inside the input: rows [top, top + height), columns [left, left + width).</summary>
        private Shape? Crop()
        {
            long bottom = (long)A.CropTop + A.CropHeight, right = (long)A.CropLeft + A.CropWidth;
            if (bottom <= In.H && right <= In.W) return Make(In.C, A.CropHeight, A.CropWidth);
            string window = CropWindow.Describe(A);
            string why = bottom > In.H
                ? "its rows " + A.CropTop + " to " + (bottom - 1) + " pass the input's last row, " + (In.H - 1)
                : "its columns " + A.CropLeft + " to " + (right - 1) + " pass the input's last column, " + (In.W - 1);
            Report(DiagnosticDescriptors.CropOutOfRange, node.Name, window, NamedInput(0), why);
            return null;
        }

        private Shape? Dense()
        {
            // The output is (units) either way, so nodes after a misplaced dense are still checked.
            if (!In.IsVector)
            {
                // The "Insert [Flatten]" code fix reads the property; the location is the dense attribute.
                var flatten = new DiagnosticProperty(DiagnosticDescriptors.FlattenFeaturesProperty,
                    In.Elements.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Report(DiagnosticDescriptors.DenseOn4D, new[] { flatten }.ToEquatableArray(), node.Name, In,
                    "insert flatten (or global_avgpool) before it: it would receive " + Units.FormatCount(In.Elements) + " features");
            }
            return Shape.Vector(A.Units);
        }

        private Shape? SameShapes()
        {
            bool ok = true;
            for (int j = 1; j < inputs.Length; j++)
            {
                if (inputs[j] == In) continue;
                ReportMismatch(0, j);
                ok = false;
            }
            return ok ? In : null;
        }

        /// <summary>
        /// Multiply: equal shapes, or a (C) / (C, 1, 1) gate scaling each channel of a (C, H, W)
        /// input (squeeze-and-excitation). The output has the largest input's shape.
        /// </summary>
        private Shape? Gate()
        {
            int full = 0;
            for (int j = 1; j < inputs.Length; j++)
            {
                var s = inputs[j];
                var best = inputs[full];
                if (s.Elements > best.Elements || s.Elements == best.Elements && best.IsVector && !s.IsVector) full = j;
            }
            var target = inputs[full];
            bool ok = true;
            for (int j = 0; j < inputs.Length; j++)
            {
                var s = inputs[j];
                bool gate = !target.IsVector && s.C == target.C && s.H == 1 && s.W == 1;
                if (s == target || gate) continue;
                ReportMismatch(full, j);
                ok = false;
            }
            return ok ? target : null;
        }

        private Shape? Concat()
        {
            long channels = 0;
            bool ok = true;
            for (int j = 0; j < inputs.Length; j++)
            {
                var s = inputs[j];
                channels += s.C;
                if (j == 0 || s.Rank == In.Rank && s.H == In.H && s.W == In.W) continue;
                Report(DiagnosticDescriptors.ConcatShapeMismatch, node.Name, NamedInput(0), NamedInput(j));
                ok = false;
            }
            if (!ok) return null;
            return In.IsVector ? Make(channels) : Make(channels, In.H, In.W);
        }

        /// <summary>For an add, with the padding that would make the shapes meet (the "Set padding" code fix reads it).</summary>
        private void ReportMismatch(int a, int b) =>
            Report(DiagnosticDescriptors.ElementwiseShapeMismatch,
                node.Op == OpKind.Add ? PaddingSuggestion.For(network, shapes, node.Inputs[a], node.Inputs[b]) : EquatableArray<DiagnosticProperty>.Empty,
                OpNames.Of(node.Op), node.Name, NamedInput(a), NamedInput(b));

        private string NamedInput(int j) => ShapeText.Named(network.Nodes[node.Inputs[j]].Name, inputs[j]);

        /// <summary>A (C) vector, checked against the tensor size limit.</summary>
        private Shape? Make(long features)
        {
            if (features <= ShapeText.MaxElements) return Shape.Vector((int)features);
            Report(DiagnosticDescriptors.TensorTooLarge, node.Name, ShapeText.TooLarge(1, features, 1, 1), ShapeText.MaxElementsText);
            return null;
        }

        /// <summary>A (C, H, W) shape, checked to be positive and within the tensor size limit.</summary>
        private Shape? Make(long c, long h, long w)
        {
            if (c <= 0 || h <= 0 || w <= 0)
            {
                Report(DiagnosticDescriptors.NonPositiveOutput, node.Name, ShapeText.Dims(3, c, h, w), In);
                return null;
            }
            if ((double)c * h * w > ShapeText.MaxElements)
            {
                Report(DiagnosticDescriptors.TensorTooLarge, node.Name, ShapeText.TooLarge(3, c, h, w), ShapeText.MaxElementsText);
                return null;
            }
            return Shape.Chw((int)c, (int)h, (int)w);
        }

        private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params object[] args) =>
            diagnostics.Add(DiagnosticInfo.Create(descriptor.Id, node.Location, args));

        private void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, EquatableArray<DiagnosticProperty> properties, params object[] args) =>
            diagnostics.Add(DiagnosticInfo.Create(descriptor.Id, node.Location, args) with { Properties = properties });
    }
}
