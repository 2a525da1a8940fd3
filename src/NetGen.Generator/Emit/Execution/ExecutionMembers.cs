using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// The execution members of a network's class: the kernel-buffer constants always; when
/// every layer can run (<see cref="ExecutionSupport"/>), the plan figures the runtime base class
/// (NetGen.Execution.CompiledNetwork, or CompiledTrainableNetwork when the output holds class
/// scores) reads, the constructors, and the passes it calls: packing, the batch-1 forward, and the
/// per-slice training code. The public members, their checks and every loop that is the same in
/// each network (the loss, the optimizer step, the slice dispatch) live once in the base.
/// Straight-line code, one kernel call per layer, every dimension and offset a constant.
/// </summary>
internal static class ExecutionMembers
{
    private const string Mode = "global::NetGen.Execution.ExecutionMode";

    /// <summary>" : global::NetGen.Execution.CompiledTrainableNetwork" (or CompiledNetwork) when the members are generated, else "".</summary>
    public static string BaseList(NetworkAnalysis a)
    {
        if (!ExecutionSupport.CanPredict(a)) return "";
        return new ExecutionLayout(a).CanTrain
            ? " : global::NetGen.Execution.CompiledTrainableNetwork"
            : " : global::NetGen.Execution.CompiledNetwork";
    }

    public static void Write(IndentedWriter w, NetworkAnalysis a)
    {
        var kernels = a.KernelBuffers;
        w.Lines($$"""

            /// <summary>Bytes the kernels need beside <see cref="InferenceBytes"/>: packed weight copies and scratch. An inference instance allocates the sum.</summary>
            public const long InferenceKernelBytes = {{Number(kernels.InferenceBytes)}};
            /// <summary>Bytes the kernels need beside <see cref="TrainingBytes"/>: forward and backward packed weight copies and scratch. A training instance allocates the sum.</summary>
            public const long TrainingKernelBytes = {{Number(kernels.TrainingBytes)}};
            """);
        if (!ExecutionSupport.CanPredict(a)) return;

        var layout = new ExecutionLayout(a);
        w.Line("/// <summary>Bytes each extra worker of a pool given to an inference instance holds: a copy of its memory.</summary>");
        w.Line($"public const long WorkerInferenceBytes = {Number(layout.InferenceFloats * 4)};");
        var code = new LayerCode(layout);
        WriteTables(w, layout, code);
        WriteConstruction(w, layout, code);
        WritePasses(w, layout, code);
        code.Offsets.Write(w);
    }

    private static void WriteTables(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        w.Line();
        w.Line("/// <summary>Every parameter tensor: name, PyTorch shape, offset, initialiser (in the order weight files list them).</summary>");
        w.Line("public static global::System.ReadOnlySpan<global::NetGen.Execution.ParameterTensor> ParameterTensors => s_netgenParameters;");
        w.Line("private static readonly global::NetGen.Execution.ParameterTensor[] s_netgenParameters =");
        w.Line("{");
        foreach (var p in layout.Parameters)
        {
            var f = p.FlattenedFrom;
            string flattened = f.Count > 0 ? $", new[] {{ {f[0]}, {f[1]}, {f[2]} }}" : "";
            w.Line($"    new({Literal(p.Name)}, {Number(p.Offset)}, new[] {{ {string.Join(", ", p.Shape)} }}, {Number(p.GradientOffset)}, " +
                   $"global::NetGen.Execution.ParameterInit.{p.Init}, {Number(p.FanIn)}, {Number(p.FanOut)}{flattened}),");
        }
        w.Line("};");
        w.Line();
        for (int n = 1; n < layout.Network.Nodes.Count; n++)
        {
            if (!layout.Analysis.Layers[n].Computed) continue;
            if (code.DimsField(n) is { } field) w.Line(field);
        }
    }

    private static void WriteConstruction(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        var network = layout.Network;
        var a = layout.Analysis;
        string name = network.Target.ClassName.Split('.')[network.Target.ClassName.Split('.').Length - 1];
        int generic = name.IndexOf('<');
        if (generic >= 0) name = name.Substring(0, generic);
        long bandOffset = layout.KernelOffset(-1, KernelBufferKind.ConvWorkspace, training: false);
        // Grouped a few to a line: what messages name, the parameter block, the allocations, then training.
        var fields = new System.Collections.Generic.List<string>
        {
            $"Name = {Literal(network.Name)}, InputShape = {Literal(network.InputShape.ToString())}, OutputShape = {Literal(a.OutputShape.ToString())}, " +
            $"InputSize = {Number(network.InputShape.Elements)}, OutputSize = {Number(a.OutputShape.Elements)},",
            $"Parameters = s_netgenParameters, ParameterFloats = {Number(layout.ParameterFloats)}, InferenceFloats = (InferenceBytes + InferenceKernelBytes) / 4," + (bandOffset < 0 ? ""
                : $" BandWorkspaceOffset = {Number(bandOffset)}, BandWorkspaceFloats = {Number(layout.KernelFloats(-1, KernelBufferKind.ConvWorkspace))},"),
        };
        if (layout.CanTrain) fields.AddRange(TrainingMembers.LayoutFields(layout, code));
        w.Line();
        w.Line("/// <summary>The plan's figures the base class reads (fp32 elements): sizes for its checks, where its blocks sit.</summary>");
        w.Line("private static readonly global::NetGen.Execution.NetworkLayout s_netgenLayout = new()");
        w.Line("{");
        foreach (var field in fields) w.Line("    " + field);
        w.Line("};");
        w.Lines($$"""

            /// <summary>An inference instance, parameters from <paramref name="seed"/>: <see cref="InferenceBytes"/> + <see cref="InferenceKernelBytes"/> in one native block.</summary>
            public {{name}}(ulong seed) : this(seed, {{Mode}}.Inference) { }

            /// <summary>An instance for <paramref name="mode"/>: training allocates <see cref="TrainingBytes"/> + <see cref="TrainingKernelBytes"/> and also predicts{{(layout.CanTrain ? "" : " (this network has no training code: it throws a <see cref=\"global::System.NotSupportedException\"/>)")}}.</summary>
            public {{name}}(ulong seed, {{Mode}} mode) : base(seed, mode, s_netgenLayout) { }
            """);
    }

    /// <summary>Whether a computed node is a Dropout (training then draws masks from a seeded stream).</summary>
    public static bool HasDropout(ExecutionLayout layout)
    {
        for (int n = 1; n < layout.Network.Nodes.Count; n++)
            if (layout.Analysis.Layers[n].Computed && layout.Network.Nodes[n].Op == OpKind.Dropout) return true;
        return false;
    }

    private static void WritePasses(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        w.Line();
        w.Line("/// <summary>Packs the weights for the batch-1 kernels.</summary>");
        w.Open("protected override void PackInference()");
        w.Line("var m = Arena;");
        foreach (var step in layout.Schedule.InferencePack) code.Pack(w, step);
        w.Close();

        PredictMembers.Write(w, layout, code);

        if (layout.CanTrain) TrainingPasses.Write(w, layout, code);
    }
}
