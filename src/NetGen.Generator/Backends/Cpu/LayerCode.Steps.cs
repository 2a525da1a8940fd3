using NetGen.Generator.Emit;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>The CPU backend's side of the contract (<see cref="IStepWriter"/>): a step of any pass, and the kernel it takes.</summary>
internal sealed partial class LayerCode : IStepWriter
{
    public void Write(IndentedWriter w, ScheduleStep step)
    {
        switch (step.Pass)
        {
            case PassKind.InferencePack:
            case PassKind.TrainingPack:
                Pack(w, step);
                break;
            case PassKind.InferenceForward:
            case PassKind.TrainingForward:
                if (step.Kind == StepKind.SlicePartials) SliceMoments(w, step.Node);
                else Forward(w, step);
                break;
            default:
                if (step.Kind == StepKind.SlicePartials) SliceBackwardSums(w, step.Node);
                else Backward(w, step);
                break;
        }
    }

    /// <summary>
    /// The main kernel of a step as the generated code calls it ("Conv2D.ForwardRowTaps", "LayerBands.Conv2DForward"):
    /// for a convolution the choice of the kernel-choice table (or Winograd, where the plan gave the layer
    /// transformed weights), for the other layers their one kernel; in backward, for a layer with weights, the
    /// kernel of its input gradient; "" for a step with nothing to run (a view, a step fused into another).
    /// </summary>
    public string KernelOf(ScheduleStep step)
    {
        int n = step.Node;
        var op = step.Op;
        bool conv = op is OpKind.Conv2D or OpKind.DepthwiseConv2D;
        if (step.Kind == StepKind.FusedAway || op == OpKind.Flatten || op == OpKind.Dropout && step.Pass == PassKind.InferenceForward) return "";
        if (step.Kind == StepKind.SlicePartials) return step.Pass == PassKind.Backward ? "BatchNorm.BackwardSliceSums" : "BatchNorm.SliceMoments";
        switch (step.Pass)
        {
            case PassKind.InferencePack:
            case PassKind.TrainingPack:
                if (conv) return step.Epilogue.FoldedBatchNorm >= 0 ? "Conv2D.PackFolded" : "Conv2D.Pack";
                return op switch { OpKind.Dense => "Dense.Pack", OpKind.Conv2DTranspose => "Conv2DTranspose.Pack", _ => "Conv2D.Pack" };
            case PassKind.InferenceForward:
            case PassKind.TrainingForward:
                bool training = step.Pass == PassKind.TrainingForward;
                if (conv && step.Epilogue.Pool >= 0)
                    return ConvPoolFusion.Of(_layout.Graph, n)!.Value.Winograd ? "LayerBands.Conv2DForwardWinogradMaxPool" : "Conv2D.ForwardMaxPool";
                if (conv) return ConvForwardKernel(n, training);
                if (op == OpKind.Add && !training && step.Inputs.Count == 2)
                    return step.Epilogue.FusedReLU >= 0 ? "LayerBands.AddReLU" : "LayerBands.Add";
                if (op == OpKind.MaxPool2D && !training) return "LayerBands.MaxPool2DForward";
                return KernelClass(op) + ".Forward";
            default:
                if (conv) return RunsWinogradBackwardData(n) ? "Conv2D.BackwardDataWinograd" : "Conv2D.BackwardData";
                return KernelClass(op) + (op is OpKind.Dense or OpKind.Conv2DTranspose or OpKind.SeparableConv2D ? ".BackwardData" : ".Backward");
        }
    }

    private static string KernelClass(OpKind op) => op switch
    {
        OpKind.Dense or OpKind.MaxPool2D or OpKind.AvgPool2D or OpKind.GlobalAvgPool or OpKind.Dropout or OpKind.BatchNorm
            or OpKind.Softmax or OpKind.Conv2DTranspose or OpKind.Upsample or OpKind.Crop or OpKind.LocalResponseNorm or OpKind.Concat => op.ToString(),
        OpKind.SeparableConv2D => "Conv2D",
        OpKind.Add or OpKind.Multiply => "Elementwise",
        _ => "Activations",
    };
}
