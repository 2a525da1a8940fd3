using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// For an add (NG0101) whose inputs differ in height and width: the convolution on one branch
/// whose 'valid' padding shrank it, where 'same' padding would give the other branch's shape.
/// The answer travels as the diagnostic's properties, which the "Set padding" code fix reads.
/// </summary>
internal static class PaddingSuggestion
{
    /// <summary>Properties naming the convolution and the padding, or empty when no padding change meets the shapes.</summary>
    public static EquatableArray<DiagnosticProperty> For(NetworkIR network, Shape?[] shapes, int a, int b)
    {
        if (shapes[a] is not Shape sa || shapes[b] is not Shape sb || sa.IsVector || sb.IsVector || sa.C != sb.C)
            return EquatableArray<DiagnosticProperty>.Empty;
        var conv = Shrinking(network, shapes, b, sa);
        if (conv < 0) conv = Shrinking(network, shapes, a, sb);
        if (conv < 0 || network.Nodes[conv].Location is not LocationInfo at) return EquatableArray<DiagnosticProperty>.Empty;
        return new[]
        {
            new DiagnosticProperty(DiagnosticDescriptors.PaddingNodeProperty, network.Nodes[conv].Name),
            new DiagnosticProperty(DiagnosticDescriptors.PaddingValueProperty, "same"),
            new DiagnosticProperty(DiagnosticDescriptors.PaddingFileProperty, at.FilePath),
            new DiagnosticProperty(DiagnosticDescriptors.PaddingStartProperty, at.Start.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new DiagnosticProperty(DiagnosticDescriptors.PaddingLengthProperty, at.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        }.ToEquatableArray();
    }

    /// <summary>
    /// The valid-padded convolution that <paramref name="node"/>'s branch ends in (through layers
    /// that keep their input's shape) and whose 'same' output would be <paramref name="target"/>'s
    /// height and width; -1 if none.
    /// </summary>
    private static int Shrinking(NetworkIR network, Shape?[] shapes, int node, Shape target)
    {
        var seen = new HashSet<int>();
        while (seen.Add(node))
        {
            var n = network.Nodes[node];
            if (n.Inputs.Count != 1) return -1;
            if (n.Op is OpKind.Conv2D or OpKind.DepthwiseConv2D or OpKind.SeparableConv2D)
            {
                if (n.Args.Padding != PaddingMode.Valid || shapes[n.Inputs[0]] is not Shape input || input.IsVector) return -1;
                bool meets = Ceil(input.H, n.Args.StrideH) == target.H && Ceil(input.W, n.Args.StrideW) == target.W;
                return meets ? node : -1;
            }
            if (!(OpNames.IsElementwise(n.Op) || n.Op is OpKind.Dropout or OpKind.LocalResponseNorm)) return -1;
            node = n.Inputs[0];
        }
        return -1;
    }

    private static long Ceil(int size, int stride) => ((long)size + stride - 1) / stride;
}
