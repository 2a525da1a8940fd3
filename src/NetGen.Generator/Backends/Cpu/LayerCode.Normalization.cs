using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Execution;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// BatchNorm: training forward with batch statistics (updating the running ones), inference
/// with the running statistics or folded into the convolution before it
/// (<see cref="BatchNormFolding"/>), and backward. A frozen batch norm keeps to its running
/// statistics in training too (as Keras does), so a frozen backbone computes the same
/// features while a new head trains; its backward is then the per-channel scale alone.
/// </summary>
internal sealed partial class LayerCode
{
    /// <summary>A convolution's bias argument: the folded bias at inference when a batch norm folds into it.</summary>
    private string ConvBias(int n, bool training) =>
        !training && _step.Epilogue.FoldedBatchNorm >= 0 ? Kernel(n, KernelBufferKind.FoldedBias, false) : BiasSpan(n);

    /// <summary>A convolution's fused activation: the step's (at inference with a batch norm folded in, the ReLU after it, if fused).</summary>
    private string ConvActivation() =>
        Activation(_step.Epilogue.Activation == ActivationKind.Softmax ? ActivationKind.None : _step.Epilogue.Activation);

    /// <summary>At inference: true (and a comment saying where) when an earlier step already did node n's work.</summary>
    private bool FusedAway(IndentedWriter w, ScheduleStep step)
    {
        if (step.Kind != StepKind.FusedAway) return false;
        var e = step.Epilogue;
        string into = Network.Nodes[e.FusedInto].Name;
        if (e.Pool >= 0)
            w.Line($"// Computed by {into}'s step, fused with {Network.Nodes[e.Pool].Name}.");
        else if (step.Op == OpKind.BatchNorm)
            w.Line($"// Folded into {into}'s packed weights and bias, which wrote this output in place.");
        else
            w.Line($"// Fused into {into}'s step, in place.");
        return true;
    }

    /// <summary>Packs a convolution with its batch norm folded in (inference); false when none folds into it.</summary>
    private bool PackFolded(IndentedWriter w, int n, string canonical)
    {
        int bn = _step.Epilogue.FoldedBatchNorm;
        if (bn < 0) return false;
        w.Line($"{Kernels}Conv2D.PackFolded({Kernel(n, KernelBufferKind.PackedWeights, false)}, {Kernel(n, KernelBufferKind.FoldedBias, false)}, " +
               $"{canonical}, {BiasSpan(n)}, {Statistics(bn)}, {Epsilon(bn)}, in {Dims(n)}); // {Network.Nodes[bn].Name} folded in");
        return true;
    }

    private void BatchNormForward(IndentedWriter w, int n, bool training)
    {
        var node = Network.Nodes[n];
        var y = _layout.OutputShape(n);
        string rows = Rows(n, training);
        string Y = Out(n, training), X = In(node.Inputs[0], training);
        string inference = $"{Kernels}BatchNorm.ForwardInference({Y}, {X}, {Statistics(n)}, {NormWorkspace(2 * y.C, training)}, " +
                           $"{rows}, {y.C}, {Epsilon(n)});";
        if (!training || node.Frozen)
        {
            if (training) w.Line("// Frozen: its running statistics normalise in training too.");
            w.Line(inference);
            return;
        }
        if (Sliced)
        {
            var (scale, shift) = SliceAffine(n);
            // SliceTrain: the runtime base's flag of the forward at hand (CompiledTrainableNetwork.ForwardTraining sets it).
            w.Line($"if (SliceTrain) {Kernels}BatchNorm.Normalize({Y}, {X}, {scale}, {shift}, {rows}, {y.C});");
            w.Line("else " + inference);
            return;
        }
        var mean = _layout.RunningMean(n);
        var variance = _layout.RunningVar(n);
        w.Line($"if (train) {Kernels}BatchNorm.ForwardTraining({Y}, {SavedStatistics(n)}, {Slice(mean.Offset, mean.Length)}, " +
               $"{Slice(variance.Offset, variance.Length)}, {X}, {Gamma(n)}, {Beta(n)}, " +
               $"{NormWorkspace(2 * y.C, true)}, {rows}, {y.C}, {Epsilon(n)}, {Float((float)node.Args.Momentum)});");
        w.Line("else " + inference);
    }

    private void BatchNormBackward(IndentedWriter w, int n)
    {
        var node = Network.Nodes[n];
        int input = node.Inputs[0];
        int c = _layout.OutputShape(n).C;
        bool needsDx = NeedsDx(input);
        string gamma = Gamma(n);
        if (node.Frozen)
        {
            if (!needsDx) return;
            var variance = _layout.RunningVar(n);
            StartGradient(w, input, n);
            w.Line($"{Kernels}BatchNorm.BackwardInference({Grad(input)}, {Grad(n)}, {gamma}, {Slice(variance.Offset, variance.Length)}, " +
                   $"{NormWorkspace(c, true)}, {Rows(n, true)}, {c}, {Epsilon(n)});");
            return;
        }
        if (Sliced)
        {
            if (!needsDx) return;
            StartGradient(w, input, n);
            w.Line($"{Kernels}BatchNorm.BackwardApply({Grad(input)}, {Grad(n)}, {In(input, true)}, {SliceCoefficients(n, 3)}, {Rows(n, true)}, {c});");
            return;
        }
        if (needsDx) StartGradient(w, input, n);
        string dX = needsDx ? Grad(input) : "global::System.Span<float>.Empty";
        w.Line($"{Kernels}BatchNorm.Backward({dX}, {Optional(_layout.Weight(n), GradientSpan)}, {Optional(_layout.Bias(n), GradientSpan)}, " +
               $"{Grad(n)}, {In(input, true)}, {gamma}, {SavedStatistics(n)}, {NormWorkspace(3 * c, true)}, {Rows(n, true)}, {c});");
    }

    /// <summary>Sliced forward, end of a phase: the slice's mean and M2 of batch norm n's input (train only).</summary>
    public void SliceMoments(IndentedWriter w, int n)
    {
        int c = _layout.OutputShape(n).C;
        w.Line($"// {Network.Nodes[n].Name}: this slice's moments, combined across the slices before the next phase");
        w.Line($"if (SliceTrain) {Kernels}BatchNorm.SliceMoments({SlicePartials(n)}, {In(Network.Nodes[n].Inputs[0], true)}, " +
               $"{NormWorkspace(c, true)}, {Rows(n, true)}, {c});");
    }

    /// <summary>Between forward phases, on the calling thread at batch n: batch norm n's batch statistics from the slices' moments.</summary>
    public void CombineMoments(IndentedWriter w, int n)
    {
        var node = Network.Nodes[n];
        var y = _layout.OutputShape(n);
        var mean = _layout.RunningMean(n);
        var variance = _layout.RunningVar(n);
        var (scale, shift) = SliceAffine(n);
        w.Line($"if (train) {Kernels}BatchNorm.CombineMoments({SavedStatistics(n)}, {scale}, {shift}, {Slice(mean.Offset, mean.Length)}, " +
               $"{Slice(variance.Offset, variance.Length)}, {AllSlicePartials(n)}, {Gamma(n)}, {Beta(n)}, " +
               $"n, {SliceCountText}, {Number(y.Elements / y.C)}, {y.C}, {Epsilon(n)}, {Float((float)node.Args.Momentum)}); // {node.Name}");
    }

    /// <summary>Sliced backward, end of a phase: the slice's sum dY and sum dY (x - mean) of batch norm n.</summary>
    public void SliceBackwardSums(IndentedWriter w, int n)
    {
        int c = _layout.OutputShape(n).C;
        w.Line($"// {Network.Nodes[n].Name}: this slice's gradient sums, combined across the slices before the next phase");
        w.Line($"{Kernels}BatchNorm.BackwardSliceSums({SlicePartials(n)}, {Grad(n)}, {In(Network.Nodes[n].Inputs[0], true)}, " +
               $"{Slice(_layout.KernelOffset(n, KernelBufferKind.BatchNormStatistics, true), c)}, {NormWorkspace(c, true)}, {Rows(n, true)}, {c});");
    }

    /// <summary>Between backward phases, on the calling thread: batch norm n's dGamma, dBeta (into the gradient block) and dX coefficients.</summary>
    public void CombineBackward(IndentedWriter w, int n)
    {
        var y = _layout.OutputShape(n);
        w.Line($"{Kernels}BatchNorm.CombineBackward({SliceCoefficients(n, 3)}, {Optional(_layout.Weight(n), GradientBlock)}, " +
               $"{Optional(_layout.Bias(n), GradientBlock)}, {AllSlicePartials(n)}, {Gamma(n)}, " +
               $"{SavedStatistics(n)}, n, {SliceCountText}, {Number(y.Elements / y.C)}, {y.C}); // {Network.Nodes[n].Name}");
    }

    private int SliceCount => _layout.Schedule.Slices;

    private string SliceCountText => Number(SliceCount);

    private long PartialsBase => _layout.KernelOffset(-1, KernelBufferKind.BatchNormSlicePartials, true);

    /// <summary>Where the combine's figures start: after the slices' partials of the widest batch norm.</summary>
    private long CoefficientsBase =>
        PartialsBase + 2L * SliceCount * (_layout.KernelFloats(-1, KernelBufferKind.BatchNormSlicePartials) / (2L * SliceCount + 3));

    /// <summary>This slice's (2, C) partials of batch norm n (the slice methods' local "slice").</summary>
    private string SlicePartials(int n)
    {
        int c = _layout.OutputShape(n).C;
        return $"m.Slice({Number(PartialsBase)} + slice * {Number(2L * c)}, {Number(2L * c)})";
    }

    /// <summary>Every slice's (slices, 2, C) partials of batch norm n.</summary>
    private string AllSlicePartials(int n) => Slice(PartialsBase, 2L * SliceCount * _layout.OutputShape(n).C);

    /// <summary>The combine's (parts, C) figures for batch norm n: dX coefficients (3) in backward.</summary>
    private string SliceCoefficients(int n, int parts) => Slice(CoefficientsBase, (long)parts * _layout.OutputShape(n).C);

    /// <summary>"scale", "shift": the forward combine's (C) affine of batch norm n.</summary>
    private (string Scale, string Shift) SliceAffine(int n)
    {
        int c = _layout.OutputShape(n).C;
        return (Slice(CoefficientsBase, c), Slice(CoefficientsBase + c, c));
    }

    /// <summary>"gamma, beta, running mean, running variance" as four argument slices.</summary>
    private string Statistics(int bn)
    {
        var mean = _layout.RunningMean(bn);
        var variance = _layout.RunningVar(bn);
        return $"{Gamma(bn)}, {Beta(bn)}, " +
               $"{Slice(mean.Offset, mean.Length)}, {Slice(variance.Offset, variance.Length)}";
    }

    /// <summary>"saved mean, saved 1/std": the training forward's (C) statistics for backward.</summary>
    private string SavedStatistics(int bn)
    {
        long offset = _layout.KernelOffset(bn, KernelBufferKind.BatchNormStatistics, true);
        int c = _layout.OutputShape(bn).C;
        return $"{Slice(offset, c)}, {Slice(offset + c, c)}";
    }

    /// <summary>Batch-norm scratch: the shared one, or while sliced the slice's own (after its convolution scratches).</summary>
    private string NormWorkspace(int floats, bool training) => Sliced
        ? $"m.Slice(scratch + {Number(ScratchFloats(KernelBufferKind.ConvWorkspace) + ScratchFloats(KernelBufferKind.BackwardDataWorkspace))}, {Number(floats)})"
        : Slice(_layout.KernelOffset(-1, KernelBufferKind.BatchNormWorkspace, training), floats);

    /// <summary>Rows M of node n's output seen as (M, C): one per pixel of each sample.</summary>
    private string Rows(int n, bool training)
    {
        var y = _layout.OutputShape(n);
        string pixels = Number(y.Elements / y.C);
        return training ? "n * " + pixels : pixels;
    }

    private string Epsilon(int bn) => Float((float)Network.Nodes[bn].Args.Epsilon);

    private static string ParameterSpan(ParameterEntry p) => Slice(p.Offset, p.Length);

    /// <summary>Batch norm bn's gamma, or <c>default</c> (an empty span, a scale of 1) with scale: false.</summary>
    private string Gamma(int bn) => Optional(_layout.Weight(bn), ParameterSpan);

    /// <summary>Batch norm bn's beta, or <c>default</c> (an empty span, a shift of 0) with center: false.</summary>
    private string Beta(int bn) => Optional(_layout.Bias(bn), ParameterSpan);

    /// <summary>A parameter's gradient in the whole gradient block (the combines run once, outside the slices).</summary>
    private string GradientBlock(ParameterEntry p) => Slice(_layout.GradientBase + p.GradientOffset, p.Length);

    /// <summary>The span of a parameter a batch norm may lack, or <c>default</c>: the kernels read an empty gamma as 1, beta as 0.</summary>
    private static string Optional(ParameterEntry? p, System.Func<ParameterEntry, string> span) => p is null ? "default" : span(p);
}
