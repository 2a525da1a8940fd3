using System.Collections.Generic;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// Checks what the front ends normally guarantee (inputs refer to earlier nodes, each op has
/// the number of inputs it takes, node 0 is the input, the output exists, the batch is
/// positive), so that an IR built by hand or by a new front end gets a diagnostic, never an
/// exception.
/// </summary>
internal static class StructureCheck
{
    /// <summary>
    /// Returns, per node, whether its inputs and arguments are well formed (shape inference
    /// skips the others), or null when there are no layers at all. A bad output index or
    /// batch is reported here too; shapes are still checked, so every error shows at once.
    /// </summary>
    public static bool[]? Check(NetworkIR network, List<DiagnosticInfo> diagnostics)
    {
        var nodes = network.Nodes;
        if (nodes.Count < 2)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoLayers.Id, network.Location, network.Name));
            return null;
        }

        var ok = new bool[nodes.Count];
        ok[0] = CheckFirstNode(network, diagnostics);
        for (int i = 1; i < nodes.Count; i++) ok[i] = CheckNode(nodes[i], i, diagnostics);

        if (network.Output < 0 || network.Output >= nodes.Count)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownNode.Id, network.Location,
                "#" + network.Output, network.Name));
        }
        if (network.Batch <= 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgument.Id, network.Location,
                "batch", network.Name, network.Batch, "a positive integer"));
        }
        return ok;
    }

    private static bool CheckFirstNode(NetworkIR network, List<DiagnosticInfo> diagnostics)
    {
        var first = network.Nodes[0];
        if (first.Op != OpKind.Input)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgument.Id, first.Location,
                "op", first.Name, OpNames.Of(first.Op), "input (the first node of a network is its input)"));
            return false;
        }
        var s = network.InputShape;
        if (s.Rank == 0 && s.C == 0 && s.H == 0 && s.W == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MissingInput.Id, network.Location, network.Name));
            return false;
        }
        bool valid = (s.Rank == 3 || s.Rank == 1 && s.H == 1 && s.W == 1) && s.C > 0 && s.H > 0 && s.W > 0;
        if (!valid)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgument.Id, first.Location ?? network.Location,
                "input", network.Name, ShapeText.Dims(s.Rank, s.C, s.H, s.W), "C x H x W or a feature count, all positive"));
            return false;
        }
        if (s.Elements > ShapeText.MaxElements)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TensorTooLarge.Id, first.Location ?? network.Location,
                first.Name, ShapeText.TooLarge(s.Rank, s.C, s.H, s.W), ShapeText.MaxElementsText));
            return false;
        }
        return true;
    }

    private static bool CheckNode(Node node, int index, List<DiagnosticInfo> diagnostics)
    {
        bool ok = true;
        foreach (int input in node.Inputs)
        {
            if (input < 0 || input >= index)
            {
                // A later node or itself would be a cycle or a forward reference; the front ends
                // sort nodes topologically, so either way the reference is unusable here.
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownNode.Id, node.Location,
                    "#" + input, node.Name));
                ok = false;
            }
        }
        if (node.Op == OpKind.Input)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgument.Id, node.Location,
                "op", node.Name, "input", "another layer (a network has one input, its first node)"));
            return false;
        }
        bool merge = OpNames.IsMerge(node.Op);
        int count = node.Inputs.Count;
        if (merge ? count < 2 : count != 1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgument.Id, node.Location,
                "inputs", node.Name, count, merge ? "at least 2" : "exactly 1"));
            ok = false;
        }
        return ok && ArgumentCheck.Check(node, diagnostics);
    }
}
