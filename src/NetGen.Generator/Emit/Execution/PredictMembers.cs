using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// PredictOne, the one inference member the base class (NetGen.Execution.CompiledNetwork) calls per
/// sample: the input into the kernels' layout (<c>x</c>), the batch-1 forward of every layer, the
/// output out of it. The base
/// runs it on the instance's arena or, for batched Predict over a pool, on a worker's copy.
/// </summary>
internal static class PredictMembers
{
    private const string RoSpan = "global::System.ReadOnlySpan<float>";
    private const string Span = "global::System.Span<float>";

    public static void Write(IndentedWriter w, ExecutionLayout layout, LayerCode code)
    {
        var a = layout.Analysis;
        var input = a.Network.InputShape;
        var output = a.OutputShape;
        bool transposeIn = !input.IsVector && input.C > 1;
        bool transposeOut = !output.IsVector && output.C > 1;
        string layoutNote = transposeIn
            ? "the kernels work channels-last: the input is first transposed into a buffer of the kernel region"
            : "with one channel, channels-first and channels-last are the same order: the kernels read the input where it is";

        w.Line();
        w.Line($"/// <summary>One sample {input} -> {output} through every layer on <paramref name=\"m\"/> (the instance's arena or a worker's copy); {layoutNote}.</summary>");
        w.Open($"protected override void PredictOne({RoSpan} input, {Span} output, global::NetGen.Execution.ArenaView m, {BandMembers.Type}? bands)");
        if (transposeIn)
        {
            long buffer = layout.KernelOffset(-1, KernelBufferKind.InputTranspose, training: false);
            w.Line($"{RoSpan} x = {LayerCode.Slice(buffer, input.Elements)};");
            w.Line($"{BandMembers.Type}.NchwToNhwc(bands, {LayerCode.Slice(buffer, input.Elements)}, input, {input.C}, {input.H}, {input.W});");
        }
        else
        {
            w.Line("var x = input;");
        }
        foreach (var step in layout.Schedule.InferenceForward) code.Forward(w, step);
        long result = layout.InferenceOffset(a.Network.Output);
        string source = result < 0 ? "input" : LayerCode.Slice(result, output.Elements);
        if (transposeOut)
            w.Line($"global::NetGen.Kernels.Layout.NhwcToNchw(output, {source}, 1, {output.C}, {output.H}, {output.W});");
        else
            w.Line($"{source}.CopyTo(output);");
        w.Close();
    }
}
