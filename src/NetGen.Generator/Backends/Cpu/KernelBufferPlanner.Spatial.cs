using System.Collections.Generic;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// The kernel buffers of the spatial layers, by the runtime kernels' own size functions
/// (NetGen.Kernels.Conv2DTranspose, Conv2D, LocalResponseNorm; a test holds them equal):
/// <list type="bullet">
/// <item>Conv2DTranspose (C to K, R x S, no groups) runs as the gradient of the convolution from
/// its output to its input: forward packing ceil(K / 16) * R * S * C * 16 floats; backward-data
/// packing ceil(C / 16) * R * S * K * 16 when its input needs a gradient; forward scratch C + 16
/// at stride 1 (top/left crop within the kernel's reach), when its forward gathers as a
/// convolution; backward-data scratch K + 16.</item>
/// <item>SeparableConv2D: its depthwise half packs as a depthwise convolution of multiplier m
/// (the node's PackedWeights and BackwardPackedWeights), its pointwise half as a 1x1 convolution
/// from C x m to K (PointwisePackedWeights, PointwiseBackwardPackedWeights), and the depthwise
/// result between them takes P x Q x C x m floats: in training the batch of them, saved for the
/// pointwise weight gradient. The result at inference (one sample) and its gradient in training
/// (the batch) live only while their layer runs, so all separable layers share one buffer of
/// each, the largest.</item>
/// <item>LocalResponseNorm: backward scratch 2C when its input needs a gradient.</item>
/// </list>
/// Concat, Upsample and Crop need nothing beside the plan.
/// </summary>
public static partial class KernelBufferPlanner
{
    /// <summary>A buffer of a spatial layer in one or both modes, <paramref name="Floats"/> already at the training batch where per sample.</summary>
    private readonly record struct SpatialBuffer(int Node, KernelBufferKind Kind, long Floats, bool Inference, bool Training);

    /// <summary>Adds node n's buffers when it is a spatial layer; false for other layers.</summary>
    private static bool PlanSpatial(NetworkIR network, int n, Shape input, Shape output,
        List<(int Node, long Floats)> forward, List<(int Node, long Floats)> backward, List<SpatialBuffer> spatial,
        ref long workspace, ref long backwardWorkspace)
    {
        var node = network.Nodes[n];
        bool inputGradient = LayerFacts.NeedsGradient(network, node.Inputs[0]);
        switch (node.Op)
        {
            case OpKind.Conv2DTranspose:
            {
                long c = input.C, k = output.C, taps = (long)node.Args.KernelH * node.Args.KernelW;
                forward.Add((n, Blocks(k) * taps * c * Block));
                if (TransposedForwardAsConvolution(node.Args)) workspace = System.Math.Max(workspace, c + Block);
                if (inputGradient)
                {
                    backward.Add((n, Blocks(c) * taps * k * Block));
                    backwardWorkspace = System.Math.Max(backwardWorkspace, k + Block);
                }
                return true;
            }
            case OpKind.SeparableConv2D:
            {
                long c = input.C, m = node.Args.DepthMultiplier, cm = c * m, k = output.C;
                long taps = (long)node.Args.KernelH * node.Args.KernelW;
                bool depthwise = m == 1;
                forward.Add((n, depthwise ? taps * Blocks(c) * Block : c * Blocks(m) * taps * Block));
                workspace = System.Math.Max(workspace, System.Math.Max(1 + Block, cm + Block));
                spatial.Add(new SpatialBuffer(n, KernelBufferKind.PointwisePackedWeights, Blocks(k) * cm * Block, true, true));
                long between = (long)output.H * output.W * cm;
                spatial.Add(new SpatialBuffer(-1, KernelBufferKind.DepthwiseOutput, between, true, false));
                spatial.Add(new SpatialBuffer(n, KernelBufferKind.SavedDepthwiseOutput, network.Batch * between, false, true));
                if (!SeparableNeedsDepthwiseGradient(network, n)) return true;
                // The depthwise result's gradient feeds the depthwise weight gradient and the input's.
                spatial.Add(new SpatialBuffer(n, KernelBufferKind.PointwiseBackwardPackedWeights, Blocks(cm) * k * Block, false, true));
                spatial.Add(new SpatialBuffer(-1, KernelBufferKind.DepthwiseOutputGradient, network.Batch * between, false, true));
                backwardWorkspace = System.Math.Max(backwardWorkspace, k + Block);
                if (!inputGradient) return true;
                backward.Add((n, depthwise ? taps * Blocks(c) * Block : c * Blocks(1) * taps * m * Block));
                if (!depthwise && BackwardAsConvolution(node, input, output)) backwardWorkspace = System.Math.Max(backwardWorkspace, m + Block);
                return true;
            }
            case OpKind.LocalResponseNorm:
                if (inputGradient) backwardWorkspace = System.Math.Max(backwardWorkspace, 2L * input.C);
                return true;
            case OpKind.Concat:
            case OpKind.Upsample:
            case OpKind.Crop:
                return true;
            default:
                return false;
        }
    }

    /// <summary>The buffers in order of first appearance, one per (node, kind): a shared one (node -1) as large as its largest use.</summary>
    private static IEnumerable<SpatialBuffer> Shared(List<SpatialBuffer> buffers)
    {
        var merged = new List<SpatialBuffer>();
        var index = new Dictionary<(int Node, KernelBufferKind Kind), int>();
        foreach (var buffer in buffers)
        {
            if (!index.TryGetValue((buffer.Node, buffer.Kind), out int at))
            {
                index.Add((buffer.Node, buffer.Kind), merged.Count);
                merged.Add(buffer);
            }
            else if (buffer.Floats > merged[at].Floats) merged[at] = buffer;
        }
        return merged;
    }

    /// <summary>
    /// Whether a SeparableConv2D's backward computes the gradient of its depthwise result: for
    /// the depthwise weights (unless frozen) or for its input (unless that is the network input).
    /// </summary>
    public static bool SeparableNeedsDepthwiseGradient(NetworkIR network, int n) =>
        !network.Nodes[n].Frozen || LayerFacts.NeedsGradient(network, network.Nodes[n].Inputs[0]);

    /// <summary>
    /// Whether a transposed convolution's forward gathers as a convolution (which needs scratch):
    /// it is the backward data of a convolution that runs so at stride 1 with its padding within the kernel's reach.
    /// </summary>
    private static bool TransposedForwardAsConvolution(LayerArgs a)
    {
        if (a.StrideH != 1 || a.StrideW != 1) return false;
        var pads = WindowPadding.ForTransposed(a);
        return pads.Top <= (a.KernelH - 1) * a.DilationH && pads.Left <= (a.KernelW - 1) * a.DilationW;
    }
}
