using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emit.Execution;

/// <summary>The parameter tensors of the spatial layers that have weights (transposed and separable convolutions).</summary>
internal sealed partial class ExecutionLayout
{
    /// <summary>Per SeparableConv2D node: its pointwise weight (its <see cref="Weight"/> is the depthwise one).</summary>
    public Dictionary<int, ParameterEntry> Pointwise { get; } = new();

    /// <summary>Adds node n's parameters when it is a transposed or separable convolution; false for other layers.</summary>
    private bool AddSpatialParameters(int n, ref long offset, ref long gradient)
    {
        var node = Network.Nodes[n];
        var a = node.Args;
        int c = InputShape(n).C, k = OutputShape(n).C, taps = a.KernelH * a.KernelW;
        string init = FeedsReLU(n) ? "He" : "Glorot";
        switch (node.Op)
        {
            case OpKind.Conv2DTranspose:
                // PyTorch's ConvTranspose2d layout (C, K, R, S). Fans as PyTorch and Keras take them for
                // this layout: fan in K R S, fan out C R S.
                Weight[n] = Add(n, node.Name + ".weight", new[] { c, k, a.KernelH, a.KernelW }, init, k * taps, c * taps, null,
                    ref offset, ref gradient);
                break;
            case OpKind.SeparableConv2D:
            {
                // Depthwise as PyTorch's grouped convolution (C m, 1, R, S), fans per group as DepthwiseConv2D's;
                // Glorot, since no activation sits between the halves. Pointwise (K, C m, 1, 1).
                int m = a.DepthMultiplier;
                Weight[n] = Add(n, node.Name + ".depthwise.weight", new[] { c * m, 1, a.KernelH, a.KernelW }, "Glorot", taps, m * taps,
                    null, ref offset, ref gradient);
                Pointwise[n] = Add(n, node.Name + ".pointwise.weight", new[] { k, c * m, 1, 1 }, init, c * m, k, null,
                    ref offset, ref gradient);
                break;
            }
            default:
                return false;
        }
        // The bias belongs to the last convolution (the pointwise one of a separable), whose fans it carries.
        var last = Pointwise.TryGetValue(n, out var pointwise) ? pointwise : Weight[n]!;
        if (a.Bias) Bias[n] = Add(n, node.Name + ".bias", new[] { k }, "Zeros", last.FanIn, last.FanOut, null, ref offset, ref gradient);
        return true;
    }
}
