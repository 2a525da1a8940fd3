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
/// slices, in phases split at the batch norms that train with batch statistics: the runtime base
/// (NetGen.Execution.CompiledTrainableNetwork) runs the slices through SampleSlices (a worker each
/// on a pool), calls the generated CombineSlices between two phases on the calling thread, and adds
/// the later slices' weight gradients into the gradient block in slice order; this class writes the
/// code of one slice of one phase (ForwardSlice, BackwardSlice) and the repack shares (PackSlice).
/// A batch of one runs over the whole batch on the calling thread (ForwardTraining and Backward
/// overridden), with each layer's two backward halves on the pool.
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

    /// <summary>Phases of the sliced forward and backward (the NetworkLayout's ForwardPhases and BackwardPhases).</summary>
    public static (int Forward, int Backward) PhaseCounts(ExecutionLayout layout, LayerCode code)
    {
        int nodes = layout.Network.Nodes.Count;
        return (Phases(layout, code, Enumerable.Range(1, nodes - 1)).Count, Phases(layout, code, Enumerable.Range(1, nodes - 1).Reverse()).Count);
    }

    public static void Write(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        var nodes = layout.Network.Nodes;
        WritePackSlices(w, layout, code, Slices(layout));
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

    /// <summary>The pass number of forward phase k: 0, then 3, 5, ... (1 and 2 are the first backward phase and the repack; NetGen.Execution.SamplePass.ForwardPhase).</summary>
    private static int ForwardPass(int phase) => phase == 0 ? 0 : 1 + 2 * phase;

    /// <summary>The pass number of backward phase k: 1, then 4, 6, ... (SamplePass.BackwardPhase).</summary>
    private static int BackwardPass(int phase) => phase == 0 ? 1 : 2 + 2 * phase;

    /// <summary>
    /// The pass number as generated code writes it, a constant expression of NetGen.Execution.SamplePass:
    /// for the later phases LaterPhases + 2 (k - 1) (forward) and + 1 (backward).
    /// </summary>
    private static string PassName(int pass) => pass switch
    {
        3 => "global::NetGen.Execution.SamplePass.LaterPhases",
        _ => "global::NetGen.Execution.SamplePass.LaterPhases + " + Number(pass - 3),
    };

    /// <summary>
    /// The sliced passes' members the base class calls: CombineSlices (the batch norms' partials between
    /// two phases, on the calling thread), then ForwardSlice and BackwardSlice, one slice of one phase
    /// (a switch over the phases when there are several). The base runs the slices and adds the later
    /// slices' gradient blocks.
    /// </summary>
    private static void WriteSliced(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        var nodes = layout.Network.Nodes;
        var forward = Phases(layout, code, Enumerable.Range(1, nodes.Count - 1));
        var backward = Phases(layout, code, Enumerable.Range(1, nodes.Count - 1).Reverse());
        if (forward.Count > 1 || backward.Count > 1)
        {
            w.Line();
            w.Line("/// <summary>Before a later phase, on the calling thread: a batch norm's partials of every slice, combined in slice order.</summary>");
            w.Open("protected override void CombineSlices(int pass, int n, bool train)");
            w.Line("var m = Arena;");
            w.Open("switch (pass)");
            for (int k = 1; k < forward.Count; k++)
            {
                w.Line($"case {PassName(ForwardPass(k))}: // forward phase {Number(k)}");
                Indented(w, Text(lines => code.CombineMoments(lines, forward[k][0].Node)));
                w.Line("    break;");
            }
            for (int k = 1; k < backward.Count; k++)
            {
                w.Line($"case {PassName(BackwardPass(k))}: // backward phase {Number(k)}");
                Indented(w, Text(lines => code.CombineBackward(lines, backward[k][0].Node)));
                w.Line("    break;");
            }
            w.Close();
            w.Close();
        }

        code.Sliced = true;
        const string view = "global::NetGen.Execution.ArenaView m";
        w.Line();
        const string phased = "; a batch norm that trains ends each phase but the last";
        w.Line("/// <summary>Forward of samples [s, s + n) of the batch, saving each output, on the slice's own scratch and partials" +
               (forward.Count > 1 ? phased : "") + ".</summary>");
        w.Open($"protected override void ForwardSlice({view}, int phase, int s, int n, int slice, long scratch)");
        WritePhases(w, forward, step =>
        {
            if (step.Partials) return lines => code.SliceMoments(lines, step.Node);
            return lines => code.Forward(lines, step.Node, training: true);
        });
        w.Close();

        w.Line();
        w.Line("/// <summary>Backward of samples [s, s + n): parameter gradients accumulate into the slice's block at g" +
               (backward.Count > 1 ? phased : "") + ".</summary>");
        w.Open($"protected override void BackwardSlice({view}, int phase, int s, int n, int slice, long scratch, long g)");
        WritePhases(w, backward, step =>
        {
            if (step.Partials) return lines => code.SliceBackwardSums(lines, step.Node);
            return lines => code.Backward(lines, step.Node);
        });
        w.Close();
        code.Sliced = false;
    }

    /// <summary>The steps of every phase: straight-line for one phase, else a case per phase.</summary>
    private static void WritePhases(IndentedWriter w, List<List<SliceStep>> phases, System.Func<SliceStep, System.Action<IndentedWriter>> write)
    {
        if (phases.Count == 1)
        {
            foreach (var step in phases[0]) write(step)(w);
            return;
        }
        w.Open("switch (phase)");
        for (int k = 0; k < phases.Count; k++)
        {
            w.Line($"case {Number(k)}:");
            foreach (var step in phases[k]) Indented(w, Text(write(step)));
            w.Line("    break;");
        }
        w.Close();
    }

    /// <summary>Lines one level deeper than <paramref name="w"/>'s depth (a switch section's body); nothing for no text.</summary>
    private static void Indented(IndentedWriter w, string text)
    {
        if (text.Length == 0) return;
        foreach (var line in text.Split('\n')) w.Line(line.Length == 0 ? "" : "    " + line);
    }

    /// <summary>What <paramref name="write"/> writes at depth 0, without its last line end.</summary>
    private static string Text(System.Action<IndentedWriter> write)
    {
        var lines = new IndentedWriter();
        write(lines);
        return lines.ToString().TrimEnd('\n');
    }

    /// <summary>
    /// PackSlice: the repack after an optimizer step split over the slices, each layer's packs
    /// in one slice, largest first into the slice with the fewest packed floats so far. Every pack
    /// writes its own buffers from the canonical weights, so the split changes no value.
    /// </summary>
    private static void WritePackSlices(IndentedWriter w, ExecutionLayout layout, LayerCode code, int slices)
    {
        var nodes = layout.Network.Nodes;
        var layers = new List<(int Node, long Floats)>();
        for (int n = 1; n < nodes.Count; n++)
        {
            // Every layer whose training pack writes anything, so the shares together are the whole repack.
            if (!layout.Analysis.Layers[n].Computed || Text(lines => code.Pack(lines, n, training: true)).Length == 0) continue;
            long floats = 0;
            foreach (var kind in PackedKinds)
                if (layout.KernelOffset(n, kind, true) >= 0) floats += layout.KernelFloats(n, kind);
            layers.Add((n, floats));
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
        w.Line(slices == 1
            ? "/// <summary>Packs the weights for the training kernels (the repack after a step).</summary>"
            : "/// <summary>Slice <paramref name=\"slice\"/>'s share of the training repack (the layers' packed floats balanced over the slices).</summary>");
        w.Open("protected override void PackSlice(int slice)");
        w.Line("var m = Arena;");
        if (slices == 1)
        {
            foreach (int node in share[0].OrderBy(n => n)) code.Pack(w, node, training: true);
            w.Close();
            return;
        }
        w.Open("switch (slice)");
        for (int i = 0; i < slices; i++)
        {
            if (share[i].Count == 0) continue;
            w.Line($"case {i}: // {Number(load[i])} packed floats");
            share[i].Sort();
            foreach (int node in share[i]) Indented(w, Text(lines => code.Pack(lines, node, training: true)));
            w.Line("    break;");
        }
        w.Close();
        w.Close();
    }
}
