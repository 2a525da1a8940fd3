using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// What a schedule must fit to get code: the memory of a mode in a 64-bit address space
/// (<see cref="MaxArenaFloats"/>), every tensor in one span (2^31 - 1 floats), and for training
/// an output of class scores.
/// </summary>
public static class ExecutionLimits
{
    /// <summary>
    /// Largest arena: 2^46 bytes (64 TiB). The arena is one native block, so any plan a 64-bit process
    /// could map fits; x64 and arm64 give a process 47 or 48 bits of address space, and a larger plan
    /// is a mistake in the declaration rather than a machine to wait for.
    /// </summary>
    public const long MaxArenaFloats = 1L << 44;

    public static bool FitsArena(long floats) => floats <= MaxArenaFloats;

    /// <summary>
    /// Whether softmax cross-entropy applies to an output: a vector of class scores, or a (C, H, W)
    /// map of per-pixel scores over C &gt;= 2 channels (one label per pixel).
    /// </summary>
    public static bool HasClassScores(Shape output) => output.IsVector || output.C >= 2;

    /// <summary>
    /// The largest single tensor at <paramref name="batch"/>: a node's output (its gradient has the same size)
    /// or a parameter tensor. A kernel takes each tensor as one span, so none may pass 2^31 - 1 floats.
    /// </summary>
    public static (string Name, long Floats) LargestTensor(NetworkIR network, System.Collections.Generic.IReadOnlyList<LayerInfo> layers, int batch)
    {
        (string Name, long Floats) largest = ("", 0);
        for (int n = 0; n < network.Nodes.Count; n++)
        {
            if (!layers[n].Computed) continue;
            var output = layers[n].Output;
            long floats = output.Elements * batch;
            if (floats > largest.Floats) largest = (network.Nodes[n].Name + " output " + output + (batch == 1 ? "" : " at batch " + batch), floats);
            if (layers[n].Params > largest.Floats) largest = (network.Nodes[n].Name + " parameters", layers[n].Params);
        }
        return largest;
    }

    /// <summary>Fused activations: the layers that take an activation argument.</summary>
    public static bool HasFusedActivation(Node node) => node.Op is OpKind.Conv2D or OpKind.DepthwiseConv2D or OpKind.Dense
        or OpKind.SeparableConv2D or OpKind.Conv2DTranspose;
}
