using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Execution;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// The kernel calls of the spatial layers: Conv2DTranspose, SeparableConv2D (a depthwise then a
/// pointwise convolution through a kernel buffer between them), Upsample, Crop, LocalResponseNorm
/// and Concat (one copy per input into its channels of the output).
/// </summary>
internal sealed partial class LayerCode
{
    /// <summary>Writes a spatial layer's forward; false for other layers.</summary>
    private bool SpatialForward(IndentedWriter w, int n, bool training)
    {
        var node = Network.Nodes[n];
        var x = _layout.InputShape(n);
        var y = _layout.OutputShape(n);
        string Y = Out(n, training);
        string X = In(node.Inputs[0], training);
        string rowsY = Rows(y, training);
        switch (node.Op)
        {
            case OpKind.Conv2DTranspose:
            {
                string? pre = PreActivation(n, training);
                w.Line($"{Kernels}Conv2DTranspose.Forward({pre ?? Y}, {X}, {Kernel(n, KernelBufferKind.PackedWeights, training)}, {BiasSpan(n)}, " +
                       $"{ForwardWorkspace(training)}, {BatchDims(n, "", training)}, {KernelActivation(pre, FusedKind(node))}, {Alpha(node)});");
                ActivateSaved(w, n, pre, Y);
                FusedSoftmax(w, n, Y, rowsY, y.C, training);
                return true;
            }
            case OpKind.SeparableConv2D:
            {
                string between = Between(n, training);
                string? pre = PreActivation(n, training);
                w.Line($"{Kernels}Conv2D.Forward({between}, {X}, {Kernel(n, KernelBufferKind.PackedWeights, training)}, " +
                       $"global::System.ReadOnlySpan<float>.Empty, {ForwardWorkspace(training)}, {BatchDims(n, ".Depthwise", training)});");
                w.Line($"{Kernels}Conv2D.Forward({pre ?? Y}, {between}, {Kernel(n, KernelBufferKind.PointwisePackedWeights, training)}, {BiasSpan(n)}, " +
                       $"{ForwardWorkspace(training)}, {BatchDims(n, ".Pointwise", training)}, {KernelActivation(pre, FusedKind(node))}, {Alpha(node)});");
                ActivateSaved(w, n, pre, Y);
                FusedSoftmax(w, n, Y, rowsY, y.C, training);
                return true;
            }
            case OpKind.Upsample:
                w.Line($"{Kernels}Upsample.Forward({Y}, {X}, {BatchDims(n, "", training)}, {Bilinear(node)});");
                return true;
            case OpKind.Crop:
                w.Line($"{Kernels}Crop.Forward({Y}, {X}, {BatchDims(n, "", training)});");
                return true;
            case OpKind.LocalResponseNorm:
                w.Line($"{Kernels}LocalResponseNorm.Forward({Y}, {X}, {Rows(x, training)}, {x.C}, {Lrn(node)});");
                return true;
            case OpKind.Concat:
            {
                int offset = 0;
                foreach (int input in node.Inputs)
                {
                    w.Line($"{Kernels}Concat.Forward({Y}, {In(input, training)}, {rowsY}, {y.C}, {offset});");
                    offset += _layout.OutputShape(input).C;
                }
                return true;
            }
            default:
                return false;
        }
    }

    /// <summary>Writes a spatial layer's backward at batch n; false for other layers.</summary>
    private bool SpatialBackward(IndentedWriter w, int n)
    {
        var node = Network.Nodes[n];
        int input = node.Inputs[0];
        var x = _layout.InputShape(n);
        var y = _layout.OutputShape(n);
        string dY = Grad(n);
        string X = In(input, true);
        bool needsDx = NeedsDx(input);
        switch (node.Op)
        {
            case OpKind.Conv2DTranspose:
            {
                FusedActivationBackward(w, n);
                if (needsDx) StartGradient(w, input, n);
                var data = needsDx
                    ? (GradArgs(input), Kernel(n, KernelBufferKind.BackwardPackedWeights, true))
                    : ((string, string)?)null;
                BackwardPair(w, "Conv2DTranspose", "TransposedConvBackwardWork", _layout.Weight(n)!, _layout.Bias(n),
                    GradArgs(n), BatchArgs(_layout.ActivationOffset(input), x.Elements), data, BatchDims(n, "", true));
                return true;
            }
            case OpKind.SeparableConv2D:
                SeparableBackward(w, n, needsDx);
                return true;
            case OpKind.Upsample:
                if (!needsDx) return true;
                StartGradient(w, input, n);
                w.Line($"{Kernels}Upsample.Backward({Grad(input)}, {dY}, {BatchDims(n, "", true)}, {Bilinear(node)});");
                return true;
            case OpKind.Crop:
                // The cleared gradient keeps its zeros outside the window.
                if (!needsDx) return true;
                StartGradient(w, input, n);
                w.Line($"{Kernels}Crop.Backward({Grad(input)}, {dY}, {BatchDims(n, "", true)});");
                return true;
            case OpKind.LocalResponseNorm:
                if (!needsDx) return true;
                StartGradient(w, input, n);
                w.Line($"{Kernels}LocalResponseNorm.Backward({Grad(input)}, {dY}, {X}, {BackwardWorkspace()}, {Rows(x, true)}, {x.C}, {Lrn(node)});");
                return true;
            case OpKind.Concat:
            {
                // Each input's channels of dY go to its gradient; an input listed twice gets both slices.
                var started = new HashSet<int>();
                int offset = 0;
                foreach (int source in node.Inputs)
                {
                    int channels = _layout.OutputShape(source).C;
                    if (NeedsDx(source))
                    {
                        if (started.Add(source)) StartGradient(w, source, n);
                        w.Line($"{Kernels}Concat.Backward({Grad(source)}, {dY}, {Rows(y, true)}, {y.C}, {offset});");
                    }
                    offset += channels;
                }
                return true;
            }
            default:
                return false;
        }
    }

    /// <summary>
    /// Pointwise then depthwise backward, each half as a convolution's. The pointwise weight
    /// gradient reads the saved depthwise result; the depthwise result's gradient (zeroed here,
    /// as the kernels accumulate) feeds the depthwise weight gradient and the input's.
    /// </summary>
    private void SeparableBackward(IndentedWriter w, int n, bool needsDx)
    {
        int input = Network.Nodes[n].Inputs[0];
        var y = _layout.OutputShape(n);
        long between = BetweenFloats(n);
        FusedActivationBackward(w, n);
        bool betweenGradient = KernelBufferPlanner.SeparableNeedsDepthwiseGradient(Network, n);
        string dBetween = BatchArgs(_layout.KernelOffset(-1, KernelBufferKind.DepthwiseOutputGradient, true), between);
        if (betweenGradient) w.Line($"{Place(dBetween)}.Clear();");
        BackwardPair(w, "Conv2D", "ConvBackwardWork", _layout.Pointwise(n), _layout.Bias(n),
            GradArgs(n), BatchArgs(_layout.KernelOffset(n, KernelBufferKind.SavedDepthwiseOutput, true), between),
            betweenGradient ? (dBetween, Kernel(n, KernelBufferKind.PointwiseBackwardPackedWeights, true)) : null, BatchDims(n, ".Pointwise", true));
        if (!betweenGradient) return;
        if (needsDx) StartGradient(w, input, n);
        var data = needsDx
            ? (GradArgs(input), Kernel(n, KernelBufferKind.BackwardPackedWeights, true))
            : ((string, string)?)null;
        BackwardPair(w, "Conv2D", "ConvBackwardWork", _layout.Weight(n)!, null, dBetween,
            BatchArgs(_layout.ActivationOffset(input), _layout.InputShape(n).Elements), data, BatchDims(n, ".Depthwise", true));
    }

    /// <summary>
    /// A convolution's two independent backward halves: weight (and bias) gradients when the
    /// weights train, and the input's gradient when <paramref name="data"/> (its place and the
    /// backward-packed weights) is given; on two workers of the pool when there are both and a
    /// pool is set and the passes are not sliced (a slice already has its worker). Tensors are
    /// "offset, n * length" places in the array.
    /// </summary>
    private void BackwardPair(IndentedWriter w, string kernel, string work, ParameterEntry weight, ParameterEntry? bias,
        string dY, string x, (string DX, string Packed)? data, string dims)
    {
        bool weights = weight.GradientOffset >= 0;
        bool pair = weights && data is not null && !Sliced;
        if (pair && data is { } both)
        {
            string biasArgs = bias is null || bias.GradientOffset < 0
                ? "-1, 0"
                : $"{Number(_layout.GradientBase + bias.GradientOffset)}, {Number(bias.Length)}";
            w.Open("if (pool is not null)");
            w.Line($"var work = new global::NetGen.Execution.{work}(Memory, {Number(_layout.GradientBase + weight.GradientOffset)}, " +
                   $"{Number(weight.Length)}, {biasArgs}, {dY}, {x}, {both.DX}, {SliceArgs(both.Packed)}, {SliceArgs(BackwardWorkspace())}, {dims});");
            w.Line("pool.Run(2, in work);");
            w.Close();
            w.Open("else");
        }
        if (weights)
        {
            w.Line($"{Kernels}{kernel}.BackwardWeights({GradientSpan(weight)}, {Place(dY)}, {Place(x)}, {dims});");
            if (bias is { GradientOffset: >= 0 }) w.Line($"{Kernels}{kernel}.BackwardBias({GradientSpan(bias)}, {Place(dY)}, {dims});");
        }
        if (data is { } d)
            w.Line($"{Kernels}{kernel}.BackwardData({Place(d.DX)}, {Place(dY)}, {d.Packed}, {BackwardWorkspace()}, {dims});");
        if (pair) w.Close();
    }

    /// <summary>Node n's output gradient as "start, n * length" (the slice's own share while sliced).</summary>
    private string GradArgs(int n) => Sliced
        ? $"{SliceGradientStart(_layout, n, "s", "n")}, n * {Number(_layout.OutputShape(n).Elements)}"
        : Args(_layout.GradientOffset(n), _layout.OutputShape(n).Elements);

    /// <summary>A batch tensor at <paramref name="offset"/> as "start, n * perSample" (from sample s while sliced).</summary>
    private string BatchArgs(long offset, long perSample) => $"{BatchStart(offset, perSample)}, n * {Number(perSample)}";

    /// <summary>"offset, n * length" back to "m.Slice(offset, n * length)".</summary>
    private static string Place(string args) => $"m.Slice({args})";

    /// <summary>Repacks a transposed or separable convolution's weights; false for other layers.</summary>
    private bool SpatialPack(IndentedWriter w, int n, bool training)
    {
        var node = Network.Nodes[n];
        bool backward = training && _layout.KernelOffset(n, KernelBufferKind.BackwardPackedWeights, true) >= 0;
        switch (node.Op)
        {
            case OpKind.Conv2DTranspose:
            {
                string canonical = Canonical(_layout.Weight(n)!);
                w.Line($"{Kernels}Conv2DTranspose.Pack({Kernel(n, KernelBufferKind.PackedWeights, training)}, {canonical}, in {Dims(n)});");
                if (backward)
                    w.Line($"{Kernels}Conv2DTranspose.PackForBackward({Kernel(n, KernelBufferKind.BackwardPackedWeights, true)}, {canonical}, in {Dims(n)});");
                return true;
            }
            case OpKind.SeparableConv2D:
            {
                string depthwise = Canonical(_layout.Weight(n)!), pointwise = Canonical(_layout.Pointwise(n));
                w.Line($"{Kernels}Conv2D.Pack({Kernel(n, KernelBufferKind.PackedWeights, training)}, {depthwise}, in {Dims(n)}.Depthwise);");
                w.Line($"{Kernels}Conv2D.Pack({Kernel(n, KernelBufferKind.PointwisePackedWeights, training)}, {pointwise}, in {Dims(n)}.Pointwise);");
                if (backward)
                    w.Line($"{Kernels}Conv2D.PackForBackward({Kernel(n, KernelBufferKind.BackwardPackedWeights, true)}, {depthwise}, in {Dims(n)}.Depthwise);");
                if (training && _layout.KernelOffset(n, KernelBufferKind.PointwiseBackwardPackedWeights, true) >= 0)
                    w.Line($"{Kernels}Conv2D.PackForBackward({Kernel(n, KernelBufferKind.PointwiseBackwardPackedWeights, true)}, {pointwise}, in {Dims(n)}.Pointwise);");
                return true;
            }
            default:
                return false;
        }
    }

    private static string Canonical(ParameterEntry weight) => Slice(weight.Offset, weight.Length);

    /// <summary>"in s_netgenDimsN.Part" at inference, "s_netgenDimsN.Part with { N = n }" in training.</summary>
    private static string BatchDims(int n, string part, bool training) =>
        training ? Dims(n) + part + " with { N = n }" : "in " + Dims(n) + part;

    /// <summary>Channel rows of a tensor (pixels of one sample, times n in training).</summary>
    private static string Rows(Shape shape, bool training) =>
        training ? "n * " + Number(shape.Elements / shape.C) : Number(shape.Elements / shape.C);

    /// <summary>A separable layer's depthwise result: in the shared inference buffer, or the batch's saved one.</summary>
    private string Between(int n, bool training) => training
        ? Place(BatchArgs(_layout.KernelOffset(n, KernelBufferKind.SavedDepthwiseOutput, true), BetweenFloats(n)))
        : Slice(_layout.KernelOffset(-1, KernelBufferKind.DepthwiseOutput, false), BetweenFloats(n));

    /// <summary>A separable layer's depthwise result for one sample: P x Q x C x multiplier floats.</summary>
    private long BetweenFloats(int n)
    {
        var y = _layout.OutputShape(n);
        return (long)y.H * y.W * _layout.InputShape(n).C * Network.Nodes[n].Args.DepthMultiplier;
    }

    /// <summary>The shared forward scratch, or an empty slice when no convolution needs one.</summary>
    private string ForwardWorkspace(bool training)
    {
        if (Sliced) return SliceForwardWorkspace();
        long offset = _layout.KernelOffset(-1, KernelBufferKind.ConvWorkspace, training);
        return offset < 0 ? Slice(0, 0) : Kernel(-1, KernelBufferKind.ConvWorkspace, training);
    }

    private static string Bilinear(Node node) => node.Args.Mode == UpsampleMode.Bilinear ? "true" : "false";

    /// <summary>LocalResponseNorm's "radius, k, alpha, beta" arguments.</summary>
    private static string Lrn(Node node) =>
        $"{node.Args.Radius}, {Float((float)node.Args.LrnBias)}, {Float((float)node.Args.LrnAlpha)}, {Float((float)node.Args.LrnBeta)}";
}
