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
/// slices through <c>NetGen.Execution.SampleSlices</c> (a worker each on a pool), in phases split
/// at the batch norms that train with batch statistics: between two phases the calling thread
/// combines the slices' partials in slice order. The backward then adds the later slices' weight
/// gradients into the gradient block in slice order. A batch of one runs over the whole batch on
/// the calling thread, with each layer's two backward halves on the pool.
/// </summary>
internal static class TrainingPasses
{

    /// <summary>Sample slices of the network's training passes (1: not split).</summary>
    public static int Slices(ExecutionLayout layout) => layout.Schedule.Slices;

    public static void Write(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        var schedule = layout.Schedule;
        w.Line();
        w.Line("/// <summary>Packs the weights for the training kernels.</summary>");
        w.Open("protected override void PackTraining()");
        w.Line("var m = Arena;");
        foreach (var step in schedule.TrainingPack) code.Write(w, step);
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

    /// <summary>The pass number of forward phase k: 0, then 3, 5, ... (1 and 2 are the first backward phase and the repack).</summary>
    private static int ForwardPass(int phase) => phase == 0 ? 0 : 1 + 2 * phase;

    /// <summary>The pass number of backward phase k: 1, then 4, 6, ...</summary>
    private static int BackwardPass(int phase) => phase == 0 ? 1 : 2 + 2 * phase;

    /// <summary>
    /// The pass number as generated code writes it, a constant expression of NetGen.Execution.SamplePass:
    /// Forward, Backward, Repack, and for the later phases LaterPhases + 2 (k - 1) (forward) and + 1 (backward).
    /// </summary>
    private static string PassName(int pass) => pass switch
    {
        0 => "global::NetGen.Execution.SamplePass.Forward",
        1 => "global::NetGen.Execution.SamplePass.Backward",
        2 => "global::NetGen.Execution.SamplePass.Repack",
        3 => "global::NetGen.Execution.SamplePass.LaterPhases",
        _ => "global::NetGen.Execution.SamplePass.LaterPhases + " + Number(pass - 3),
    };

    private static string PhaseName(string method, int phase) => phase == 0 ? method : method + Number(phase);

    private static void WriteSliced(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        var schedule = layout.Schedule;
        int slices = Slices(layout);
        string count = Number(slices);
        long trainable = layout.TrainableFloats;
        long partials = layout.KernelOffset(-1, KernelBufferKind.SliceGradients, true);
        long scratchFloats = code.SliceScratchFloats;
        long scratchBase = layout.KernelOffset(-1, KernelBufferKind.SliceWorkspace, true);
        var forward = Phases(schedule.TrainingForward, schedule.ForwardPhases);
        var backward = Phases(schedule.Backward, schedule.BackwardPhases);
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
                    {{run}}global::NetGen.Execution.SamplePass.Forward, {{count}}, n);
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
            w.Line($"{run}{PassName(0)}, {count}, n);");
            if (forward.Count > 1) w.Line("var m = Arena;");
            for (int k = 1; k < forward.Count; k++)
            {
                code.CombineMoments(w, forward[k][0].Node);
                w.Line($"{run}{PassName(ForwardPass(k))}, {count}, n);");
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
                {{run}}global::NetGen.Execution.SamplePass.Backward, {{count}}, n);
            """);
        w.Line("    var m = Arena;");
        for (int k = 1; k < backward.Count; k++)
        {
            var lines = new IndentedWriter();
            code.CombineBackward(lines, backward[k][0].Node);
            w.Line("    " + lines.ToString().TrimEnd('\n'));
            w.Line($"    {run}{PassName(BackwardPass(k))}, {count}, n);");
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

        WritePackSlices(w, schedule, code, slices);

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
            foreach (var step in forward[k]) code.Write(w, step);
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
            foreach (var step in backward[k]) code.Write(w, step);
            w.Close();
        }
        code.Sliced = false;
    }

    /// <summary>ISampleSlices.RunSlice: a pass number to its slice method (<see cref="ForwardPass"/>, <see cref="BackwardPass"/>, 2 the repack).</summary>
    private static void WriteRunSlice(IndentedWriter w, string count, int forwardPhases, int backwardPhases)
    {
        w.Lines($$"""

            /// <summary>SamplePass.Forward: forward of a slice of the samples; Backward: its backward; Repack: the repack after a step, a share of the layers per slice (samples unused){{(forwardPhases > 1 || backwardPhases > 1 ? "; LaterPhases + 0, 2, ...: the later forward phases; LaterPhases + 1, 3, ...: the later backward phases" : "")}}.</summary>
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
            """);
        if (forwardPhases == 1 && backwardPhases == 1)
        {
            w.Line("    if (pass == global::NetGen.Execution.SamplePass.Forward) NetgenForwardSlice(s, n, slice);");
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
            w.Line($"        case {PassName(pass)}:");
            w.Line($"            {method}(s, n, slice);");
            w.Line("            break;");
        }
        w.Line("    }");
        w.Line("}");
    }

    /// <summary>
    /// NetgenPackSlice: the repack after an optimizer step split over the slices, each layer's packs in the
    /// slice the schedule gave it (<see cref="ScheduleStep.RepackSlice"/>, balanced by packed floats).
    /// </summary>
    private static void WritePackSlices(IndentedWriter w, ExecutionSchedule schedule, LayerCode code, int slices)
    {
        var share = new List<ScheduleStep>[slices];
        var load = new long[slices];
        for (int i = 0; i < slices; i++) share[i] = new List<ScheduleStep>();
        foreach (var step in schedule.TrainingPack)
        {
            if (step.RepackSlice < 0) continue;
            share[step.RepackSlice].Add(step);
            load[step.RepackSlice] += step.PackedFloats;
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
            foreach (var step in share[i])
            {
                var lines = new IndentedWriter();
                code.Write(lines, step);
                foreach (var line in lines.ToString().TrimEnd('\n').Split('\n')) w.Line("    " + line);
            }
            w.Line("    break;");
            w.Line("}");
        }
        w.Close();
        w.Close();
    }
}
