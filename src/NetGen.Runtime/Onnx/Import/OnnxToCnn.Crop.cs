using System;
using System.Linq;

namespace NetGen.Onnx.Import;

// Slice on the spatial axes: a crop with an explicit window.
internal sealed partial class OnnxToCnn
{
    /// <summary>
    /// Slice of a (N, C, H, W) layer output with stored starts and ends, steps 1, cutting only
    /// height and width (axes 2, 3, or -2, -1): crop(top, left, height, width). Starts and ends
    /// follow ONNX's rules: negative ones count from the end, both are clamped to the axis
    /// (PyTorch writes x[..., a:] with ends of 2^63 - 1). An axis 0 or 1 taken whole is allowed.
    /// </summary>
    internal void Slice(OnnxNode node)
    {
        KnownAttributes(node, "starts", "ends", "axes");
        var (x, _) = SpatialInput(node, allowPad: false);
        long[] starts, ends, axes;
        long[]? steps = null;
        if (Opset < 10)
        {
            starts = node.GetInts("starts").ToArray();
            ends = node.GetInts("ends").ToArray();
            axes = node.GetInts("axes").ToArray();
        }
        else
        {
            starts = Ints(node, 1, "starts") ?? throw new NodeError("starts (input 1) is missing");
            ends = Ints(node, 2, "ends") ?? throw new NodeError("ends (input 2) is missing");
            axes = Ints(node, 3, "axes") ?? Array.Empty<long>();
            steps = Ints(node, 4, "steps");
        }
        if (axes.Length == 0) axes = Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        if (starts.Length != ends.Length || starts.Length != axes.Length || steps is not null && steps.Length != starts.Length)
            throw new NodeError($"starts [{Join(starts)}], ends [{Join(ends)}], axes [{Join(axes)}]{(steps is null ? "" : $", steps [{Join(steps)}]")} differ in length");
        if (steps is not null && steps.Any(s => s != 1))
            throw new NodeError($"steps [{Join(steps)}]: crop keeps every pixel of its window (steps 1)");

        long[] dims = { 1, x.Shape.C, x.Shape.H, x.Shape.W };
        long[] first = { 0, 0, 0, 0 }, last = (long[])dims.Clone();
        for (int i = 0; i < axes.Length; i++)
        {
            long axis = axes[i] < 0 ? axes[i] + 4 : axes[i];
            if (axis is < 0 or > 3) throw new NodeError($"axis {axes[i]} is not an axis of (N, C, H, W)");
            first[axis] = Clamp(starts[i], dims[axis]);
            last[axis] = Clamp(ends[i], dims[axis]);
        }
        for (int axis = 0; axis < 2; axis++)
        {
            if (first[axis] != 0 || last[axis] != dims[axis])
                throw new NodeError($"it keeps [{first[axis]}, {last[axis]}) of axis {axis} ({(axis == 0 ? "the batch" : "channels")}, {dims[axis]}): crop cuts only height and width (axes 2 and 3)");
        }
        long height = last[2] - first[2], width = last[3] - first[3];
        if (height <= 0 || width <= 0)
            throw new NodeError($"it keeps rows [{first[2]}, {last[2]}) and columns [{first[3]}, {last[3]}) of {x.Shape}: an empty window");
        var n = Emit(node, "crop", Shape.Chw(x.Shape.C, (int)height, (int)width), x);
        n.Positional.AddRange(new[] { first[2], first[3], height, width }.Select(Number));
    }

    /// <summary>An INT64 (or INT32) stored input, or null when omitted.</summary>
    private long[]? Ints(OnnxNode node, int index, string what)
    {
        var c = Constant(node, index, what);
        if (c is null) return null;
        return c.AsInts() ?? throw new NodeError($"{what} '{node.Inputs[index]}' is a FLOAT tensor; expected INT64");
    }

    /// <summary>An ONNX Slice bound: negative from the end, then clamped to [0, dim].</summary>
    private static long Clamp(long bound, long dim) => Math.Clamp(bound < 0 ? bound + dim : bound, 0, dim);

    private static string Join(long[] values) => string.Join(", ", values);
}
