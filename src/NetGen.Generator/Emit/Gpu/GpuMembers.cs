using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Backends.Gpu;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Gpu;

/// <summary>
/// The nested <c>Gpu</c> class of a network, written only when the compilation references
/// NetGen.Runtime.Gpu and the GPU backend runs every layer: it derives from
/// NetGen.Gpu.Execution.GpuTrainableNetwork (GpuNetwork when the network does not train), holds the GPU
/// schedule's figures (a GpuLayout) and the device bytes as constants, and the launch sequences of each
/// pass, generic over the GEMM tile, written step by step by <see cref="GpuStepWriter"/>. The parameter
/// table is the outer class's: the GPU schedule's is the same (names, order, offsets).
/// </summary>
internal static class GpuMembers
{
    private const string Layout = "global::NetGen.Execution.NetworkLayout";

    /// <summary>The network's schedule for the GPU backend (its analysis with the GPU's answers), or null when the network is invalid.</summary>
    public static NetworkAnalysis? Analyze(NetworkAnalysis cpu) => NetworkAnalyzer.Analyze(cpu.Network, GpuBackend.Instance).Value;

    /// <summary>Whether a Gpu class is written for this GPU analysis beside the CPU's: it predicts, and its parameter table is the CPU's.</summary>
    public static bool CanWrite(NetworkAnalysis cpu, NetworkAnalysis? gpu) =>
        gpu is not null && gpu.Schedule.CanPredict && gpu.Schedule.Parameters.Equals(cpu.Schedule.Parameters);

    public static void Write(IndentedWriter w, NetworkAnalysis a)
    {
        var schedule = a.Schedule;
        var buffers = GpuBackend.Buffers(a);
        var writer = new GpuStepWriter(a);
        bool trains = schedule.CanTrain;
        string baseType = trains ? "global::NetGen.Gpu.Execution.GpuTrainableNetwork" : "global::NetGen.Gpu.Execution.GpuNetwork";
        w.Line();
        w.Line($"/// <summary>{NetworkEmitter.Xml(a.Network.Name)} on the GPU backend (NetGen.Runtime.Gpu): one device arena of <see cref=\"DeviceInferenceBytes\"/> or <see cref=\"DeviceTrainingBytes\"/>, the same parameters, weight files and results as the CPU class.</summary>");
        w.Line(NetworkEmitter.GeneratedCode);
        w.Open($"public sealed class Gpu : {baseType}");
        w.Lines($$"""
            /// <summary>Device bytes an inference instance allocates: parameters, the inference plan and the GPU kernel buffers.</summary>
            public const long DeviceInferenceBytes = {{Number(schedule.InferenceFloats * 4)}};
            /// <summary>Device bytes a training instance allocates: the training plan at the declared batch and the GPU kernel buffers (0: the network does not train).</summary>
            public const long DeviceTrainingBytes = {{Number(trains ? schedule.TrainingFloats * 4 : 0)}};
            /// <summary>Of those, the GPU kernel buffers at inference (the input's device copy, packed convolution weights).</summary>
            public const long DeviceInferenceKernelBytes = {{Number(buffers.InferenceBytes)}};
            /// <summary>Of those, the GPU kernel buffers in training (packed weights, labels, loss and batch-norm scratch).</summary>
            public const long DeviceTrainingKernelBytes = {{Number(trains ? buffers.TrainingBytes : 0)}};

            """);
        for (int n = 1; n < a.Network.Nodes.Count; n++)
            if (a.Layers[n].Computed && writer.DimsField(n) is { } field) w.Line(field);
        WriteLayout(w, a, buffers);
        w.Lines("""

            /// <summary>An instance on <paramref name="device"/> for <paramref name="mode"/>, parameters from <paramref name="seed"/> (the CPU class's with the same seed).</summary>
            public Gpu(global::NetGen.Gpu.GpuDevice device, ulong seed, global::NetGen.Execution.ExecutionMode mode) : base(device, seed, mode, s_gpuLayout) { }
            """);
        WritePass(w, writer, "PackInference<TTile>()", "Packs the convolutions' weights into the GPU layout for the batch-1 kernels.", schedule.InferencePack);
        WritePass(w, writer, "ForwardInference<TTile>()", "One sample, already on the device (channels-last), through every layer.", schedule.InferenceForward);
        if (!trains)
        {
            w.Close();
            return;
        }
        WritePass(w, writer, "PackTraining<TTile>()", "Packs the convolutions' weights for the training kernels (the repack after a step).", schedule.TrainingPack);
        WritePass(w, writer, "ForwardTraining<TTile>(int n, bool train)", "A batch of <paramref name=\"n\"/> samples, already on the device, through every layer, saving each output; <paramref name=\"train\"/> uses batch statistics.", schedule.TrainingForward);
        WritePass(w, writer, "Backward<TTile>(int n)", "Backward over the batch from the logits' gradient: parameter gradients accumulate into the gradient block.", schedule.Backward);
        w.Close();
    }

    private static void WritePass(IndentedWriter w, GpuStepWriter writer, string signature, string summary, EquatableArray<ScheduleStep> steps)
    {
        w.Line();
        w.Line($"/// <summary>{summary}</summary>");
        w.Open("protected override void " + signature);
        w.Line("var m = Memory;");
        w.Line("var d = Device;");
        foreach (var step in steps) writer.Write(w, step);
        w.Close();
    }

    private static void WriteLayout(IndentedWriter w, NetworkAnalysis a, GpuBuffers buffers)
    {
        var s = a.Schedule;
        var network = a.Network;
        var input = network.InputShape;
        var output = a.OutputShape;
        long inferenceKernels = s.RegionOf(RegionKind.InferenceKernelBuffers).Start;
        long trainingKernels = s.RegionOf(RegionKind.TrainingKernelBuffers).Start;
        var outputPlace = s.Places[network.Output].Inference!.Value;
        long inputCopy = inferenceKernels + buffers.Find(-1, GpuBufferKind.InputCopy)!.InferenceOffset;
        var fields = new List<string>
        {
            $"Name = {Literal(network.Name)}, InputShape = {Literal(input.ToString())}, OutputShape = {Literal(output.ToString())}, " +
            $"InputSize = {Number(input.Elements)}, OutputSize = {Number(output.Elements)},",
            $"Parameters = s_netgenParameters, ParameterFloats = {Number(s.RegionOf(RegionKind.Parameters).Floats)}, InferenceFloats = DeviceInferenceBytes / 4, TrainingFloats = DeviceTrainingBytes / 4,",
        };
        string image = !input.IsVector && input.C > 1 ? $"InputChannels = {input.C}, InputHeight = {Number(input.H)}, InputWidth = {Number(input.W)}, " : "";
        string map = output.IsVector ? "" : $"OutputHeight = {Number(output.H)}, OutputWidth = {Number(output.W)}, ";
        long pixels = output.IsVector ? 1 : (long)output.H * output.W;
        string grid = pixels == 1 ? "" : $"LabelGrid = \"{output.H}x{output.W}\", ";
        fields.Add($"{image}{map}Classes = {Number(output.C)}, MaxBatch = {Number(network.Batch)}, LabelsPerSample = {Number(pixels)}, {grid}Optimizer = global::NetGen.OptimizerType.{network.Optimizer},");
        var gpu = new List<string>
        {
            $"InputOffset = {Number(inputCopy)}, OutputOffset = {Number(outputPlace.IsCallerInput ? inputCopy : outputPlace.Start)},",
        };
        if (s.CanTrain)
        {
            fields.Add($"GradientOffset = {Number(s.RegionOf(RegionKind.Gradients).Start)}, GradientFloats = {Number(s.TrainableFloats)}, " +
                       $"OptimizerStateOffset = {Number(s.RegionOf(RegionKind.OptimizerState).Start)}, OptimizerStateFloats = {Number(s.StateFloats)},");
            fields.Add($"InputsOffset = {Number(s.RegionOf(RegionKind.Inputs).Start)}, LogitsOffset = {Number(s.Places[s.Logits].Saved!.Value.Start)}, " +
                       (s.EndsInSoftmax ? "FinalSoftmax = true, " : "") + (HasDropout(a) ? "HasDropout = true, " : "") + $"LogitsGradientOffset = {Number(s.Places[s.Logits].Gradient!.Value.Start)},");
            long Slot(GpuBufferKind kind) => trainingKernels + buffers.Find(-1, kind)!.TrainingOffset;
            gpu.Add($"LabelsOffset = {Number(Slot(GpuBufferKind.Labels))}, TotalsOffset = {Number(Slot(GpuBufferKind.LossTotals))}, LossWorkspaceOffset = {Number(Slot(GpuBufferKind.LossWorkspace))},");
        }
        w.Line();
        w.Line("/// <summary>The GPU schedule's figures the base class reads (fp32 elements from the device arena's start).</summary>");
        w.Line("private static readonly global::NetGen.Gpu.Execution.GpuLayout s_gpuLayout = new()");
        w.Line("{");
        w.Line($"    Network = new {Layout}");
        w.Line("    {");
        foreach (var field in fields) w.Line("        " + field);
        w.Line("    },");
        foreach (var field in gpu) w.Line("    " + field);
        w.Line("};");
    }

    /// <summary>Whether a computed Dropout draws masks in training (the runtime then keeps the CPU class's random stream).</summary>
    private static bool HasDropout(NetworkAnalysis a)
    {
        for (int n = 1; n < a.Network.Nodes.Count; n++)
            if (a.Layers[n].Computed && a.Network.Nodes[n].Op == OpKind.Dropout) return true;
        return false;
    }
}
