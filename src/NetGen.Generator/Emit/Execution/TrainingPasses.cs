using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Analysis;
using NetGen.Generator.Backends.Cpu;
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

    /// <summary>Sample slices of the network's training passes (1: not split).</summary>
    public static int Slices(ExecutionLayout layout) => layout.Schedule.Slices;

    /// <summary>Phases of the sliced forward and backward (the NetworkLayout's ForwardPhases and BackwardPhases).</summary>
    public static (int Forward, int Backward) PhaseCounts(ExecutionLayout layout, LayerCode code) =>
        (layout.Schedule.ForwardPhases, layout.Schedule.BackwardPhases);

    public static void Write(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        var schedule = layout.Schedule;
        WritePackSlices(w, schedule, code, Slices(layout));
        if (Slices(layout) > 1)
        {
            WriteSliced(w, layout, code);
            return;
        }
        w.Line();
        w.Line("/// <summary>A batch of <paramref name=\"n\"/> samples, already in the inputs region, through every layer, saving each output; <paramref name=\"train\"/> draws dropout masks.</summary>");
        w.Open("protected override void ForwardTraining(int n, bool train)");
        w.Line("var m = Arena;");
        foreach (var step in schedule.TrainingForward) code.Write(w, step);
        w.Close();

        w.Line();
        w.Line("/// <summary>Backward over the batch, from the logits' gradient: parameter gradients accumulate into the (zeroed) gradient block.</summary>");
        w.Open("protected override void Backward(int n)");
        w.Line("var m = Arena;");
        w.Line("var pool = Pool;");
        foreach (var step in schedule.Backward) code.Write(w, step);
        w.Close();
    }

    /// <summary>The steps of a sliced pass by phase (<see cref="ScheduleStep.Phase"/>).</summary>
    private static List<List<ScheduleStep>> Phases(EquatableArray<ScheduleStep> steps, int phases)
    {
        var byPhase = new List<List<ScheduleStep>>();
        for (int k = 0; k < phases; k++) byPhase.Add(new List<ScheduleStep>());
        foreach (var step in steps) byPhase[step.Phase].Add(step);
        return byPhase;
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
        var schedule = layout.Schedule;
        var forward = Phases(schedule.TrainingForward, schedule.ForwardPhases);
        var backward = Phases(schedule.Backward, schedule.BackwardPhases);
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
        WritePhases(w, forward, step => lines => code.Write(lines, step));
        w.Close();

        w.Line();
        w.Line("/// <summary>Backward of samples [s, s + n): parameter gradients accumulate into the slice's block at g" +
               (backward.Count > 1 ? phased : "") + ".</summary>");
        w.Open($"protected override void BackwardSlice({view}, int phase, int s, int n, int slice, long scratch, long g)");
        WritePhases(w, backward, step => lines => code.Write(lines, step));
        w.Close();
        code.Sliced = false;
    }

    /// <summary>The steps of every phase: straight-line for one phase, else a case per phase.</summary>
    private static void WritePhases(IndentedWriter w, List<List<ScheduleStep>> phases, System.Func<ScheduleStep, System.Action<IndentedWriter>> write)
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
    private static void WritePackSlices(IndentedWriter w, ExecutionSchedule schedule, LayerCode code, int slices)
    {
        var layers = new List<(ScheduleStep Step, long Floats)>();
        // Every layer whose training pack writes anything, so the shares together are the whole repack.
        foreach (var step in schedule.TrainingPack)
            if (Text(lines => code.Write(lines, step)).Length > 0) layers.Add((step, step.PackedFloats));
        var share = new List<ScheduleStep>[slices];
        var load = new long[slices];
        for (int i = 0; i < slices; i++) share[i] = new List<ScheduleStep>();
        foreach (var (node, floats) in layers.OrderByDescending(l => l.Floats).ThenBy(l => l.Step.Node))
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
            foreach (var step in share[0].OrderBy(p => p.Node)) code.Write(w, step);
            w.Close();
            return;
        }
        w.Open("switch (slice)");
        for (int i = 0; i < slices; i++)
        {
            if (share[i].Count == 0) continue;
            w.Line($"case {i}: // {Number(load[i])} packed floats");
            foreach (var step in share[i].OrderBy(p => p.Node)) Indented(w, Text(lines => code.Write(lines, step)));
            w.Line("    break;");
        }
        w.Close();
        w.Close();
    }
}
