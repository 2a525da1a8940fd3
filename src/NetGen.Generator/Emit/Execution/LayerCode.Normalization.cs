using NetGen.Generator.Analysis;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Emit.Execution;

/// <summary>
/// BatchNorm: training forward with batch statistics (updating the running ones), inference
/// with the running statistics or folded into the convolution before it
/// (<see cref="BatchNormFolding"/>), and backward. A frozen batch norm keeps to its running
/// statistics in training too (as Keras does), so a frozen backbone computes the same
/// features while a new head trains; its backward is then the per-channel scale alone.
/// </summary>
internal sealed partial class LayerCode
{
    private int FoldedBatchNorm(int conv) => BatchNormFolding.FoldedInto(_layout.Graph, conv);

    /// <summary>A convolution's bias argument: the folded bias at inference when a batch norm folds into it.</summary>
    private string ConvBias(int n, bool training) =>
        !training && FoldedBatchNorm(n) >= 0 ? Kernel(n, KernelBufferKind.FoldedBias, false) : BiasSpan(n);

    /// <summary>A convolution's fused activation: at inference with a batch norm folded in, the ReLU after that batch norm, if fused.</summary>
    private string ConvActivation(int n, bool training)
    {
        int bn = training ? -1 : FoldedBatchNorm(n);
        if (bn < 0) return FusedKind(Network.Nodes[n]);
        return Activation(FusedReLU(bn) >= 0 ? ActivationKind.ReLU : ActivationKind.None);
    }

    /// <summary>
    /// The ReLU whose work node <paramref name="p"/>'s inference step does, or -1: p is a folded
    /// batch norm (its convolution applies the ReLU) or a two-input Add, the ReLU is p's only
    /// reader, and the plan runs it in place on p's output.
    /// </summary>
    private int FusedReLU(int p)
    {
        var node = Network.Nodes[p];
        bool fuses = node.Op == OpKind.BatchNorm && BatchNormFolding.Target(_layout.Graph, p) >= 0
                     || node.Op == OpKind.Add && node.Inputs.Count == 2;
        if (!fuses) return -1;
        int reader = _layout.Graph.OnlyReader(p);
        if (reader < 0 || Network.Nodes[reader].Op != OpKind.ReLU) return -1;
        return _layout.InferenceOffset(reader) == _layout.InferenceOffset(p) ? reader : -1;
    }

    /// <summary>At inference: true (and a comment saying where) when an earlier step already did node n's work.</summary>
    private bool FusedAway(IndentedWriter w, int n)
    {
        var node = Network.Nodes[n];
        if (node.Op == OpKind.BatchNorm && BatchNormFolding.Target(_layout.Graph, n) is var conv and >= 0)
        {
            w.Line($"// Folded into {Network.Nodes[conv].Name}'s packed weights and bias, which wrote this output in place.");
            return true;
        }
        if (node.Op == OpKind.ReLU && FusedReLU(node.Inputs[0]) == n)
        {
            w.Line($"// Fused into {Network.Nodes[node.Inputs[0]].Name}'s step, in place.");
            return true;
        }
        return false;
    }

    /// <summary>Packs a convolution with its batch norm folded in (inference); false when none folds into it.</summary>
    private bool PackFolded(IndentedWriter w, int n, string canonical)
    {
        int bn = FoldedBatchNorm(n);
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
        var mean = _layout.RunningMean(n);
        var variance = _layout.RunningVar(n);
        w.Line($"if (train) {Kernels}BatchNorm.ForwardTraining({Y}, {SavedStatistics(n)}, {Slice(mean.Offset, mean.Length)}, " +
               $"{Slice(variance.Offset, variance.Length)}, {X}, {ParameterSpan(_layout.Weight[n]!)}, {ParameterSpan(_layout.Bias[n]!)}, " +
               $"{NormWorkspace(2 * y.C, true)}, {rows}, {y.C}, {Epsilon(n)}, {Float((float)node.Args.Momentum)});");
        w.Line("else " + inference);
    }

    private void BatchNormBackward(IndentedWriter w, int n)
    {
        var node = Network.Nodes[n];
        int input = node.Inputs[0];
        int c = _layout.OutputShape(n).C;
        bool needsDx = KernelBufferPlanner.NeedsGradient(Network, input);
        var gamma = _layout.Weight[n]!;
        if (node.Frozen)
        {
            if (!needsDx) return;
            var variance = _layout.RunningVar(n);
            StartGradient(w, input, n);
            w.Line($"{Kernels}BatchNorm.BackwardInference({Grad(input)}, {Grad(n)}, {ParameterSpan(gamma)}, {Slice(variance.Offset, variance.Length)}, " +
                   $"{NormWorkspace(c, true)}, {Rows(n, true)}, {c}, {Epsilon(n)});");
            return;
        }
        if (needsDx) StartGradient(w, input, n);
        string dX = needsDx ? Grad(input) : "global::System.Span<float>.Empty";
        w.Line($"{Kernels}BatchNorm.Backward({dX}, {GradientSpan(gamma)}, {GradientSpan(_layout.Bias[n]!)}, {Grad(n)}, {In(input, true)}, " +
               $"{ParameterSpan(gamma)}, {SavedStatistics(n)}, {NormWorkspace(3 * c, true)}, {Rows(n, true)}, {c});");
    }

    /// <summary>"gamma, beta, running mean, running variance" as four argument slices.</summary>
    private string Statistics(int bn)
    {
        var mean = _layout.RunningMean(bn);
        var variance = _layout.RunningVar(bn);
        return $"{ParameterSpan(_layout.Weight[bn]!)}, {ParameterSpan(_layout.Bias[bn]!)}, " +
               $"{Slice(mean.Offset, mean.Length)}, {Slice(variance.Offset, variance.Length)}";
    }

    /// <summary>"saved mean, saved 1/std": the training forward's (C) statistics for backward.</summary>
    private string SavedStatistics(int bn)
    {
        long offset = _layout.KernelOffset(bn, KernelBufferKind.BatchNormStatistics, true);
        int c = _layout.OutputShape(bn).C;
        return $"{Slice(offset, c)}, {Slice(offset + c, c)}";
    }

    private string NormWorkspace(int floats, bool training) =>
        Slice(_layout.KernelOffset(-1, KernelBufferKind.BatchNormWorkspace, training), floats);

    /// <summary>Rows M of node n's output seen as (M, C): one per pixel of each sample.</summary>
    private string Rows(int n, bool training)
    {
        var y = _layout.OutputShape(n);
        string pixels = Number(y.Elements / y.C);
        return training ? "n * " + pixels : pixels;
    }

    private string Epsilon(int bn) => Float((float)Network.Nodes[bn].Args.Epsilon);

    private static string ParameterSpan(ParameterEntry p) => Slice(p.Offset, p.Length);
}
