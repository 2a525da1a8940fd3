using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// The training passes of a network that trains: the weight repack after a step, the forward
/// over a batch saving every activation, and the backward. When the layers treat each sample
/// on its own (<see cref="KernelBufferPlanner.TrainingSlices"/>), both passes run the batch as
/// fixed sample slices through <c>NetGen.Execution.SampleSlices</c> (a worker each on a pool);
/// the backward then adds the later slices' weight gradients into the gradient block in slice
/// order. Otherwise they run over the whole batch on the calling thread, with each layer's two
/// backward halves on the pool.
/// </summary>
internal static class TrainingPasses
{
    private const string Span = "global::System.Span<float>";

    /// <summary>The buffers a layer's repack after a step writes.</summary>
    private static readonly KernelBufferKind[] PackedKinds =
    {
        KernelBufferKind.PackedWeights, KernelBufferKind.BackwardPackedWeights,
        KernelBufferKind.WinogradWeights, KernelBufferKind.WinogradBackwardWeights,
    };

    /// <summary>Sample slices of the network's training passes (1: not split).</summary>
    public static int Slices(ExecutionLayout layout) => KernelBufferPlanner.TrainingSlices(layout.Network, layout.Analysis.Layers);

    public static void Write(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        var nodes = layout.Network.Nodes;
        w.Line();
        w.Open("private void NetgenPackTraining()");
        w.Line($"{Span} m = _netgenMemory;");
        for (int n = 1; n < nodes.Count; n++)
            if (layout.Analysis.Layers[n].Computed) code.Pack(w, n, training: true);
        w.Close();

        if (Slices(layout) > 1)
        {
            WriteSliced(w, layout, code);
            return;
        }
        w.Line();
        w.Line("/// <summary>A batch of <paramref name=\"n\"/> samples, already in the inputs region, through every layer, saving each output; <paramref name=\"train\"/> draws dropout masks.</summary>");
        w.Open("private void NetgenForwardTraining(int n, bool train)");
        w.Line($"{Span} m = _netgenMemory;");
        for (int n = 1; n < nodes.Count; n++)
            if (layout.Analysis.Layers[n].Computed) code.Forward(w, n, training: true);
        w.Close();

        w.Line();
        w.Line("/// <summary>Backward over the batch, from the logits' gradient: parameter gradients accumulate into the (zeroed) gradient block.</summary>");
        w.Open("private void NetgenBackward(int n)");
        w.Line($"{Span} m = _netgenMemory;");
        w.Line("var pool = _netgenPool;");
        for (int n = nodes.Count - 1; n >= 1; n--)
            if (layout.Analysis.Layers[n].Computed) code.Backward(w, n);
        w.Close();
    }

    private static void WriteSliced(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        var nodes = layout.Network.Nodes;
        int slices = Slices(layout);
        string count = Number(slices);
        long trainable = layout.TrainableFloats;
        long partials = layout.KernelOffset(-1, KernelBufferKind.SliceGradients, true);
        long scratchFloats = code.SliceScratchFloats;
        long scratchBase = layout.KernelOffset(-1, KernelBufferKind.SliceWorkspace, true);
        w.Lines($$"""

            /// <summary>
            /// A batch of <paramref name="n"/> samples, already in the inputs region, through every layer, saving each
            /// output: {{count}} slices of the samples, a worker each on a pool (no layer draws masks, so <paramref name="train"/> changes nothing).
            /// </summary>
            private void NetgenForwardTraining(int n, bool train) =>
                global::NetGen.Execution.SampleSlices.Run(_netgenPool, this, global::NetGen.Execution.SamplePass.Forward, {{count}}, n);

            /// <summary>
            /// Backward over the batch from the logits' gradient, {{count}} slices of the samples: the first slice's parameter
            /// gradients accumulate into the gradient block, each later slice's into its own block, added in slice order.
            /// </summary>
            private void NetgenBackward(int n)
            {
                global::NetGen.Execution.SampleSlices.Run(_netgenPool, this, global::NetGen.Execution.SamplePass.Backward, {{count}}, n);
            """);
        w.Line($"    {Span} m = _netgenMemory;");
        if (trainable > 0)
        {
            w.Line($"    for (int slice = 1; slice < {count}; slice++)");
            w.Line($"        if (global::NetGen.Execution.SampleSlices.HasSamples(slice, {count}, n))");
            w.Line($"            global::NetGen.Execution.ExecutionOps.AddInto({LayerCode.Slice(layout.GradientBase, trainable)}, " +
                   $"m.Slice({Number(partials - trainable)} + slice * {Number(trainable)}, {Number(trainable)}));");
        }
        w.Line("}");
        w.Lines($$"""

            /// <summary>SamplePass.Forward: forward of a slice of the samples; Backward: its backward; Repack: the repack after a step, a share of the layers per slice (samples unused).</summary>
            void global::NetGen.Execution.ISampleSlices.RunSlice(int pass, int slice, int samples)
            {
                if (pass == global::NetGen.Execution.SamplePass.Repack)
                {
                    NetgenPackSlice(slice);
                    return;
                }
                int s = slice * samples / {{count}};
                int n = (slice + 1) * samples / {{count}} - s;
                if (n == 0) return;
                if (pass == global::NetGen.Execution.SamplePass.Forward) NetgenForwardSlice(s, n, slice);
                else NetgenBackwardSlice(s, n, slice);
            }
            """);

        WritePackSlices(w, layout, code, slices);

        code.Sliced = true;
        string scratch = $"int scratch = {Number(scratchBase)} + slice * {Number(scratchFloats)};";
        w.Line();
        w.Line("/// <summary>Samples [s, s + n) of the batch through every layer, saving each output; <paramref name=\"slice\"/> picks the scratch.</summary>");
        w.Open("private void NetgenForwardSlice(int s, int n, int slice)");
        w.Line($"{Span} m = _netgenMemory;");
        if (scratchFloats > 0) w.Line(scratch);
        for (int n = 1; n < nodes.Count; n++)
            if (layout.Analysis.Layers[n].Computed) code.Forward(w, n, training: true);
        w.Close();

        w.Line();
        w.Line("/// <summary>Backward of samples [s, s + n): parameter gradients accumulate into slice <paramref name=\"slice\"/>'s block (cleared first unless it is the gradient block).</summary>");
        w.Open("private void NetgenBackwardSlice(int s, int n, int slice)");
        w.Line($"{Span} m = _netgenMemory;");
        if (scratchFloats > 0) w.Line(scratch);
        if (trainable > 0)
        {
            w.Line($"int g = slice == 0 ? {Number(layout.GradientBase)} : {Number(partials - trainable)} + slice * {Number(trainable)};");
            w.Line($"if (slice > 0) m.Slice(g, {Number(trainable)}).Clear();");
        }
        for (int n = nodes.Count - 1; n >= 1; n--)
            if (layout.Analysis.Layers[n].Computed) code.Backward(w, n);
        w.Close();
        code.Sliced = false;
    }

    /// <summary>
    /// NetgenPackSlice: the repack after an optimizer step split over the slices, each layer's packs
    /// in one slice, largest first into the slice with the fewest packed floats so far. Every pack
    /// writes its own buffers from the canonical weights, so the split changes no value.
    /// </summary>
    private static void WritePackSlices(IndentedWriter w, ExecutionLayout layout, LayerCode code, int slices)
    {
        var nodes = layout.Network.Nodes;
        var layers = new List<(int Node, long Floats)>();
        for (int n = 1; n < nodes.Count; n++)
        {
            if (!layout.Analysis.Layers[n].Computed) continue;
            long floats = 0;
            foreach (var kind in PackedKinds)
                if (layout.KernelOffset(n, kind, true) >= 0) floats += layout.KernelFloats(n, kind);
            if (floats > 0) layers.Add((n, floats));
        }
        var share = new List<int>[slices];
        var load = new long[slices];
        for (int i = 0; i < slices; i++) share[i] = new List<int>();
        foreach (var (node, floats) in layers.OrderByDescending(l => l.Floats).ThenBy(l => l.Node))
        {
            int least = 0;
            for (int i = 1; i < slices; i++)
                if (load[i] < load[least]) least = i;
            share[least].Add(node);
            load[least] += floats;
        }
        w.Line();
        w.Line("/// <summary>Slice <paramref name=\"slice\"/>'s share of the repack after a step (the layers' packed floats balanced over the slices).</summary>");
        w.Open("private void NetgenPackSlice(int slice)");
        w.Line($"{Span} m = _netgenMemory;");
        w.Open("switch (slice)");
        for (int i = 0; i < slices; i++)
        {
            if (share[i].Count == 0) continue;
            w.Line($"case {i}: // {Number(load[i])} packed floats");
            w.Line("{");
            share[i].Sort();
            foreach (int node in share[i])
            {
                var lines = new IndentedWriter();
                code.Pack(lines, node, training: true);
                foreach (var line in lines.ToString().TrimEnd('\n').Split('\n')) w.Line("    " + line);
            }
            w.Line("    break;");
            w.Line("}");
        }
        w.Close();
        w.Close();
    }
}
