using System.Collections.Generic;
using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// The training figures of a network whose output is a class-score vector or a (C, H, W) map of
/// per-pixel class scores, as lines of its NetworkLayout initialiser. Its base class
/// (NetGen.Execution.CompiledTrainableNetwork) holds TrainStep and its companions, and runs from
/// these figures what is the same in every network: loading the inputs, the loss (softmax
/// cross-entropy per sample or per pixel, slice by slice), the optimizer step and the repack,
/// Predict's outputs on a training instance, and the sliced passes' loops (<see cref="TrainingPasses"/>
/// writes the per-slice code they call).
/// </summary>
internal static class TrainingMembers
{
    /// <summary>The training lines of the class's NetworkLayout initialiser, a few figures to a line.</summary>
    public static IEnumerable<string> LayoutFields(ExecutionLayout layout, LayerCode code)
    {
        var network = layout.Network;
        var input = network.InputShape;
        var output = layout.Analysis.OutputShape;
        long pixels = output.IsVector ? 1 : (long)output.H * output.W;
        string grid = pixels == 1 ? "" : $" LabelGrid = \"{output.H}x{output.W}\",";
        string outputDims = output.IsVector ? "" : $" OutputHeight = {Number(output.H)}, OutputWidth = {Number(output.W)},";
        yield return $"TrainingFloats = (TrainingBytes + TrainingKernelBytes) / 4, MaxBatch = {Number(network.Batch)}, LabelsPerSample = {Number(pixels)},{grid} Classes = {Number(output.C)},{outputDims} " +
                     $"Optimizer = global::NetGen.OptimizerType.{network.Optimizer},";
        yield return $"GradientOffset = {Number(layout.GradientBase)}, GradientFloats = {Number(layout.TrainableFloats)}, " +
                     $"OptimizerStateOffset = {Number(layout.StateBase)}, OptimizerStateFloats = {Number(layout.StateFloats)},";
        // The inputs (transposed to channels-last when they have several channels) and the logits the loss reads.
        string inputDims = !input.IsVector && input.C > 1 ? $" InputChannels = {input.C}, InputHeight = {Number(input.H)}, InputWidth = {Number(input.W)}," : "";
        string softmax = layout.EndsInSoftmax ? " FinalSoftmax = true," : "";
        string inputs = $"InputsOffset = {Number(layout.InputBase)},{inputDims} LogitsOffset = {Number(layout.ActivationOffset(layout.Logits))},{softmax}" +
                        (ExecutionMembers.HasDropout(layout) ? " HasDropout = true," : "");
        int slices = TrainingPasses.Slices(layout);
        if (slices == 1)
        {
            yield return $"{inputs} LogitsGradientOffset = {Number(layout.GradientOffset(layout.Logits))},";
            yield break;
        }
        // Each slice's share of the backward workspace: the loss writes the logits' gradient where the slice's backward reads it.
        var (start, sampleStride, countStride) = LayerCode.SliceGradientFigures(layout, layout.Logits);
        yield return $"{inputs} LogitsGradientOffset = {Number(start)}, LogitsGradientSampleStride = {Number(sampleStride)}, LogitsGradientCountStride = {Number(countStride)},";
        var (forward, backward) = TrainingPasses.PhaseCounts(layout, code);
        string phases = forward > 1 || backward > 1 ? $" ForwardPhases = {Number(forward)}, BackwardPhases = {Number(backward)}," : "";
        long scratchFloats = code.SliceScratchFloats;
        string scratch = scratchFloats > 0
            ? $" SliceScratchOffset = {Number(layout.KernelOffset(-1, KernelBufferKind.SliceWorkspace, true))}, SliceScratchFloats = {Number(scratchFloats)},"
            : "";
        string gradients = layout.TrainableFloats > 0
            ? $" SliceGradientsOffset = {Number(layout.KernelOffset(-1, KernelBufferKind.SliceGradients, true))},"
            : "";
        yield return $"Slices = {Number(slices)},{phases}{scratch}{gradients}";
    }
}
