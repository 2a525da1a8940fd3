using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>The parameter tensors of the spatial layers that have weights (transposed and separable convolutions).</summary>
internal sealed partial class ParameterTable
{
    /// <summary>Adds node n's parameters when it is a transposed or separable convolution; false for other layers.</summary>
    private bool AddSpatialParameters(int n)
    {
        var node = _network.Nodes[n];
        var a = node.Args;
        int c = InputShape(n).C, k = OutputShape(n).C, taps = a.KernelH * a.KernelW;
        string init = FeedsReLU(n) ? "He" : "Glorot";
        ParameterEntry last;
        switch (node.Op)
        {
            case OpKind.Conv2DTranspose:
                // PyTorch's ConvTranspose2d layout (C, K, R, S). Fans as PyTorch and Keras take them for
                // this layout: fan in K R S, fan out C R S.
                last = Add(n, ParameterRole.Weight, node.Name + ".weight", new[] { c, k, a.KernelH, a.KernelW }, init, k * taps, c * taps, null);
                break;
            case OpKind.SeparableConv2D:
            {
                // Depthwise as PyTorch's grouped convolution (C m, 1, R, S), fans per group as DepthwiseConv2D's;
                // Glorot, since no activation sits between the halves. Pointwise (K, C m, 1, 1).
                int m = a.DepthMultiplier;
                Add(n, ParameterRole.Weight, node.Name + ".depthwise.weight", new[] { c * m, 1, a.KernelH, a.KernelW }, "Glorot", taps, m * taps, null);
                last = Add(n, ParameterRole.Pointwise, node.Name + ".pointwise.weight", new[] { k, c * m, 1, 1 }, init, c * m, k, null);
                break;
            }
            default:
                return false;
        }
        // The bias belongs to the last convolution (the pointwise one of a separable), whose fans it carries.
        if (a.Bias) Add(n, ParameterRole.Bias, node.Name + ".bias", new[] { k }, "Zeros", last.FanIn, last.FanOut, null);
        return true;
    }
}
