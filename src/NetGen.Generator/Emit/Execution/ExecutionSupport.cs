using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// Which execution members a network gets. Predict needs every computed layer to have a CPU
/// kernel, the inference arena (one native block) to fit a 64-bit address space
/// (<see cref="ExecutionLayout.MaxArenaFloats"/>), and every tensor to fit one span (2^31 - 1
/// floats); TrainStep also needs class scores (a vector, or a (C, H, W) map with C &gt;= 2 for
/// per-pixel softmax cross-entropy) and the same two limits at the training batch.
/// </summary>
internal static class ExecutionSupport
{
    /// <summary>Ops with CPU kernels on both passes.</summary>
    public static bool CanRun(OpKind op) => op is OpKind.Input or OpKind.Conv2D or OpKind.DepthwiseConv2D
        or OpKind.MaxPool2D or OpKind.AvgPool2D or OpKind.GlobalAvgPool or OpKind.Flatten or OpKind.Dropout or OpKind.Dense
        or OpKind.ReLU or OpKind.LeakyReLU or OpKind.ELU or OpKind.Sigmoid or OpKind.Tanh or OpKind.Softmax
        or OpKind.ReLU6 or OpKind.HardSigmoid or OpKind.HardSwish or OpKind.SiLU or OpKind.GELU or OpKind.Mish or OpKind.Clip
        or OpKind.BatchNorm or OpKind.Add or OpKind.Multiply
        or OpKind.Conv2DTranspose or OpKind.SeparableConv2D or OpKind.Upsample or OpKind.LocalResponseNorm or OpKind.Concat;

    /// <summary>A node's op can run, with arguments its kernels take (Multiply: two inputs).</summary>
    public static bool CanRun(Node node) => CanRun(node.Op) && !(node.Op == OpKind.Multiply && node.Inputs.Count != 2);

    /// <summary>True when Predict (and the constructor) are generated.</summary>
    public static bool CanPredict(NetworkAnalysis analysis)
    {
        for (int n = 0; n < analysis.Network.Nodes.Count; n++)
            if (analysis.Layers[n].Computed && !CanRun(analysis.Network.Nodes[n])) return false;
        return ExecutionLayout.FitsArena(InferenceFloats(analysis)) && LargestTensor(analysis, 1).Floats <= int.MaxValue;
    }

    /// <summary>
    /// The largest single tensor at <paramref name="batch"/>: a node's output (its gradient has the same size)
    /// or a parameter tensor. A kernel takes each tensor as one span, so none may pass 2^31 - 1 floats.
    /// </summary>
    public static (string Name, long Floats) LargestTensor(NetworkAnalysis analysis, int batch)
    {
        var network = analysis.Network;
        (string Name, long Floats) largest = ("", 0);
        for (int n = 0; n < network.Nodes.Count; n++)
        {
            if (!analysis.Layers[n].Computed) continue;
            var output = analysis.Layers[n].Output;
            long floats = output.Elements * batch;
            if (floats > largest.Floats) largest = (network.Nodes[n].Name + " output " + output + (batch == 1 ? "" : " at batch " + batch), floats);
            if (analysis.Layers[n].Params > largest.Floats) largest = (network.Nodes[n].Name + " parameters", analysis.Layers[n].Params);
        }
        return largest;
    }

    private static string TooLarge((string Name, long Floats) tensor) =>
        "the tensor " + tensor.Name + " holds " + Units.FormatCount(tensor.Floats) + " floats, more than the 2,147,483,647 one span holds";

    /// <summary>The NG0301/NG0302 diagnostics of an analysed network (locations still attached).</summary>
    public static IEnumerable<DiagnosticInfo> Diagnose(NetworkAnalysis analysis)
    {
        var network = analysis.Network;
        // One diagnostic per layer kind, at its first layer: a ResNet's 20 batch norms are one fact.
        var first = new Dictionary<OpKind, int>();
        var count = new Dictionary<OpKind, int>();
        for (int n = 0; n < network.Nodes.Count; n++)
        {
            var op = network.Nodes[n].Op;
            if (!analysis.Layers[n].Computed || CanRun(network.Nodes[n])) continue;
            if (!first.ContainsKey(op)) first[op] = n;
            count[op] = count.TryGetValue(op, out int c) ? c + 1 : 1;
        }
        foreach (var pair in first.OrderBy(p => p.Value))
        {
            var node = network.Nodes[pair.Value];
            int more = count[pair.Key] - 1;
            yield return DiagnosticInfo.Create(DiagnosticDescriptors.LayerCannotRun.Id, node.Location ?? network.Location,
                node.Name, pair.Key.ToString(), more == 0 ? "" : " and " + more + " more " + pair.Key + " layer" + (more == 1 ? "" : "s"));
        }
        if (first.Count > 0) yield break;

        if (!ExecutionLayout.FitsArena(InferenceFloats(analysis)))
        {
            yield return NotGenerated(network, "Predict or TrainStep",
                "inference needs " + Units.FormatBytes(InferenceFloats(analysis) * 4) + ", more than a 64-bit process can address (2^46 bytes)");
            yield break;
        }
        var single = LargestTensor(analysis, 1);
        if (single.Floats > int.MaxValue)
        {
            yield return NotGenerated(network, "Predict or TrainStep", TooLarge(single));
            yield break;
        }
        var layout = new ExecutionLayout(analysis);
        if (!ExecutionLayout.HasClassScores(analysis.OutputShape))
        {
            yield return NotGenerated(network, "TrainStep",
                "its output " + analysis.OutputShape + " has one channel, and per-pixel softmax cross-entropy needs at least two classes");
        }
        else if (!ExecutionLayout.FitsArena(layout.TrainingFloats))
        {
            yield return NotGenerated(network, "TrainStep",
                "training at batch " + network.Batch + " needs " + Units.FormatBytes(layout.TrainingFloats * 4) +
                ", more than a 64-bit process can address (2^46 bytes)");
        }
        else if (LargestTensor(analysis, network.Batch) is { Floats: > int.MaxValue } tensor)
        {
            yield return NotGenerated(network, "TrainStep", TooLarge(tensor));
        }
    }

    private static long InferenceFloats(NetworkAnalysis analysis) =>
        (analysis.InferenceBytes + analysis.KernelBuffers.InferenceBytes) / 4;

    private static DiagnosticInfo NotGenerated(NetworkIR network, string members, string why) =>
        DiagnosticInfo.Create(DiagnosticDescriptors.ExecutionNotGenerated.Id, network.Location, network.Name, members, why);
}
