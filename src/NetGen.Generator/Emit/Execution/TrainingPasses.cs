using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// The training passes of a network that trains: the weight repack after a step, the forward
/// over a batch saving every activation, and the backward. At a batch of two or more
/// (<see cref="KernelBufferPlanner.TrainingSlices"/>), both passes run the batch as fixed sample
/// slices through <c>NetGen.Execution.SampleSlices</c> (a worker each on a pool), in phases split
/// at the batch norms that train with batch statistics: between two phases the calling thread
/// combines the slices' partials in slice order. The backward then adds the later slices' weight
/// gradients into the gradient block in slice order. A batch of one runs over the whole batch on
/// the calling thread, with each layer's two backward halves on the pool.
/// </summary>
internal static class TrainingPasses
{

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
        w.Line("/// <summary>Packs the weights for the training kernels.</summary>");
        w.Open("protected override void PackTraining()");
        w.Line("var m = Arena;");
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
        w.Open("protected override void ForwardTraining(int n, bool train)");
        w.Line("var m = Arena;");
        for (int n = 1; n < nodes.Count; n++)
            if (layout.Analysis.Layers[n].Computed) code.Forward(w, n, training: true);
        w.Close();

        w.Line();
        w.Line("/// <summary>Backward over the batch, from the logits' gradient: parameter gradients accumulate into the (zeroed) gradient block.</summary>");
        w.Open("protected override void Backward(int n)");
        w.Line("var m = Arena;");
        w.Line("var pool = Pool;");
        for (int n = nodes.Count - 1; n >= 1; n--)
            if (layout.Analysis.Layers[n].Computed) code.Backward(w, n);
        w.Close();
    }

    /// <summary>A step of a sliced pass: a layer's forward or backward, or the partials that end a phase at a batch norm.</summary>
    private readonly record struct SliceStep(int Node, bool Partials);

    /// <summary>
    /// The phases of a sliced pass over <paramref name="order"/>: a new phase starts after each layer that
    /// needs every slice's partials (<see cref="LayerCode.EndsSlicePhase"/>), that layer's partials ending
    /// the phase before and its own step opening the next.
    /// </summary>
    private static List<List<SliceStep>> Phases(ExecutionLayout layout, LayerCode code, IEnumerable<int> order)
    {
        var phases = new List<List<SliceStep>> { new() };
        foreach (int n in order)
        {
            if (!layout.Analysis.Layers[n].Computed) continue;
            if (code.EndsSlicePhase(n))
            {
                phases[phases.Count - 1].Add(new SliceStep(n, true));
                phases.Add(new List<SliceStep>());
            }
            phases[phases.Count - 1].Add(new SliceStep(n, false));
        }
        return phases;
    }

    /// <summary>The pass number of forward phase k: 0, then 3, 5, ... (1 and 2 are the first backward phase and the repack).</summary>
    private static int ForwardPass(int phase) => phase == 0 ? 0 : 1 + 2 * phase;

    /// <summary>The pass number of backward phase k: 1, then 4, 6, ...</summary>
    private static int BackwardPass(int phase) => phase == 0 ? 1 : 2 + 2 * phase;

    private static string PhaseName(string method, int phase) => phase == 0 ? method : method + Number(phase);

    private static void WriteSliced(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        var nodes = layout.Network.Nodes;
        int slices = Slices(layout);
        string count = Number(slices);
        long trainable = layout.TrainableFloats;
        long partials = layout.KernelOffset(-1, KernelBufferKind.SliceGradients, true);
        long scratchFloats = code.SliceScratchFloats;
        long scratchBase = layout.KernelOffset(-1, KernelBufferKind.SliceWorkspace, true);
        var forward = Phases(layout, code, Enumerable.Range(1, nodes.Count - 1));
        var backward = Phases(layout, code, Enumerable.Range(1, nodes.Count - 1).Reverse());
        bool dropout = ExecutionMembers.HasDropout(layout);
        bool usesTrain = dropout || forward.Count > 1;
        string run = "global::NetGen.Execution.SampleSlices.Run(Pool, this, ";
        if (usesTrain)
        {
            w.Line();
            w.Line("/// <summary>Whether the sliced forward at hand trains (batch statistics, dropout masks) or evaluates.</summary>");
            w.Line("private bool _netgenSliceTrain;");
        }
        if (dropout)
        {
            w.Line();
            w.Line("/// <summary>The step's dropout seed, drawn from DropoutRandom; each slice and layer draws its masks from (seed, node x slices + slice).</summary>");
            w.Line("private ulong _netgenSliceSeed;");
        }
        if (!usesTrain)
        {
            w.Lines($$"""

                /// <summary>
                /// A batch of <paramref name="n"/> samples, already in the inputs region, through every layer, saving each
                /// output: {{count}} slices of the samples, a worker each on a pool (no layer draws masks, so <paramref name="train"/> changes nothing).
                /// </summary>
                protected override void ForwardTraining(int n, bool train) =>
                    {{run}}0, {{count}}, n);
                """);
        }
        else
        {
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// A batch of <paramref name=\"n\"/> samples, already in the inputs region, through every layer, saving each");
            w.Line($"/// output: {count} slices of the samples, a worker each on a pool, in {Number(forward.Count)} phase(s); between two, the calling thread");
            w.Line("/// combines the slices' batch-norm moments in slice order. <paramref name=\"train\"/> uses batch statistics and draws dropout masks.");
            w.Line("/// </summary>");
            w.Open("protected override void ForwardTraining(int n, bool train)");
            w.Line("_netgenSliceTrain = train;");
            if (dropout) w.Line("if (train) _netgenSliceSeed = ((ulong)DropoutRandom.NextUInt() << 32) | DropoutRandom.NextUInt();");
            w.Line($"{run}0, {count}, n);");
            if (forward.Count > 1) w.Line("var m = Arena;");
            for (int k = 1; k < forward.Count; k++)
            {
                code.CombineMoments(w, forward[k][0].Node);
                w.Line($"{run}{ForwardPass(k)}, {count}, n);");
            }
            w.Close();
        }
        w.Lines($$"""

            /// <summary>
            /// Backward over the batch from the logits' gradient, {{count}} slices of the samples: the first slice's parameter
            /// gradients accumulate into the gradient block, each later slice's into its own block, added in slice order.
            /// </summary>
            protected override void Backward(int n)
            {
                {{run}}1, {{count}}, n);
            """);
        w.Line("    var m = Arena;");
        for (int k = 1; k < backward.Count; k++)
        {
            var lines = new IndentedWriter();
            code.CombineBackward(lines, backward[k][0].Node);
            w.Line("    " + lines.ToString().TrimEnd('\n'));
            w.Line($"    {run}{BackwardPass(k)}, {count}, n);");
        }
        if (trainable > 0)
        {
            w.Line($"    for (int slice = 1; slice < {count}; slice++)");
            w.Line($"        if (global::NetGen.Execution.SampleSlices.HasSamples(slice, {count}, n))");
            w.Line($"            global::NetGen.Execution.ExecutionOps.AddInto({LayerCode.Slice(layout.GradientBase, trainable)}, " +
                   $"m.Slice({Number(partials - trainable)} + slice * {Number(trainable)}, {Number(trainable)}));");
        }
        w.Line("}");
        WriteRunSlice(w, count, forward.Count, backward.Count);

        WritePackSlices(w, layout, code, slices);

        code.Sliced = true;
        string scratch = $"long scratch = {Number(scratchBase)} + slice * {Number(scratchFloats)};";
        for (int k = 0; k < forward.Count; k++)
        {
            w.Line();
            w.Line(forward.Count == 1
                ? "/// <summary>Samples [s, s + n) of the batch through every layer, saving each output; <paramref name=\"slice\"/> picks the scratch.</summary>"
                : $"/// <summary>Forward phase {Number(k)} of samples [s, s + n), saving each output; <paramref name=\"slice\"/> picks the scratch and the partials.</summary>");
            w.Open($"private void {PhaseName("NetgenForwardSlice", k)}(int s, int n, int slice)");
            w.Line("var m = Arena;");
            if (scratchFloats > 0) w.Line(scratch);
            foreach (var step in forward[k])
            {
                if (step.Partials) code.SliceMoments(w, step.Node);
                else code.Forward(w, step.Node, training: true);
            }
            w.Close();
        }

        for (int k = 0; k < backward.Count; k++)
        {
            w.Line();
            w.Line(k == 0
                ? "/// <summary>Backward of samples [s, s + n): parameter gradients accumulate into slice <paramref name=\"slice\"/>'s block (cleared first unless it is the gradient block).</summary>"
                : $"/// <summary>Backward phase {Number(k)} of samples [s, s + n): parameter gradients accumulate into slice <paramref name=\"slice\"/>'s block.</summary>");
            w.Open($"private void {PhaseName("NetgenBackwardSlice", k)}(int s, int n, int slice)");
            w.Line("var m = Arena;");
            if (scratchFloats > 0) w.Line(scratch);
            if (trainable > 0)
            {
                w.Line($"long g = slice == 0 ? {Number(layout.GradientBase)} : {Number(partials - trainable)} + slice * {Number(trainable)};");
                if (k == 0) w.Line($"if (slice > 0) m.Slice(g, {Number(trainable)}).Clear();");
            }
            foreach (var step in backward[k])
            {
                if (step.Partials) code.SliceBackwardSums(w, step.Node);
                else code.Backward(w, step.Node);
            }
            w.Close();
        }
        code.Sliced = false;
    }

    /// <summary>ISampleSlices.RunSlice: a pass number to its slice method (<see cref="ForwardPass"/>, <see cref="BackwardPass"/>, 2 the repack).</summary>
    private static void WriteRunSlice(IndentedWriter w, string count, int forwardPhases, int backwardPhases)
    {
        w.Lines($$"""

            /// <summary>Pass 0: forward of a slice of the samples; 1: its backward; 2: the repack after a step, a share of the layers per slice (samples unused){{(forwardPhases > 1 || backwardPhases > 1 ? "; 3, 5, ...: the later forward phases; 4, 6, ...: the later backward phases" : "")}}.</summary>
            void global::NetGen.Execution.ISampleSlices.RunSlice(int pass, int slice, int samples)
            {
                if (pass == 2)
                {
                    NetgenPackSlice(slice);
                    return;
                }
                int s = slice * samples / {{count}};
                int n = (slice + 1) * samples / {{count}} - s;
                if (n == 0) return;
            """);
        if (forwardPhases == 1 && backwardPhases == 1)
        {
            w.Line("    if (pass == 0) NetgenForwardSlice(s, n, slice);");
            w.Line("    else NetgenBackwardSlice(s, n, slice);");
            w.Line("}");
            return;
        }
        w.Line("    switch (pass)");
        w.Line("    {");
        var cases = new List<(int Pass, string Method)>();
        for (int k = 0; k < forwardPhases; k++) cases.Add((ForwardPass(k), PhaseName("NetgenForwardSlice", k)));
        for (int k = 0; k < backwardPhases; k++) cases.Add((BackwardPass(k), PhaseName("NetgenBackwardSlice", k)));
        foreach (var (pass, method) in cases.OrderBy(c => c.Pass))
        {
            w.Line($"        case {Number(pass)}:");
            w.Line($"            {method}(s, n, slice);");
            w.Line("            break;");
        }
        w.Line("    }");
        w.Line("}");
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
        w.Line("var m = Arena;");
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
