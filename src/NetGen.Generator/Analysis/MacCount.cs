using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// Multiply-accumulates of one node for one sample, counted as torchinfo and the papers do
/// (ResNet-18: 1.8 G): only convolutions and dense layers, whose multiply-adds dominate; bias
/// additions, normalisation, pooling and activations count 0. With output P x Q:
/// <list type="bullet">
/// <item>conv2d: P Q K (C / g) R S;</item>
/// <item>depthwise_conv2d: P Q C m R S;</item>
/// <item>separable_conv2d: P Q C m R S (depthwise) + P Q C m K (pointwise);</item>
/// <item>conv2d_transpose: H W C K R S (each input pixel scatters a K x R x S patch);</item>
/// <item>dense: in x units.</item>
/// </list>
/// Arithmetic is checked, as in <see cref="ParameterCount"/>.
/// </summary>
internal static class MacCount
{
    public static long Of(Node node, Shape input, Shape output)
    {
        var a = node.Args;
        checked
        {
            long c = input.C;
            long kernel = (long)a.KernelH * a.KernelW;
            long outPixels = (long)output.H * output.W;
            switch (node.Op)
            {
                case OpKind.Conv2D:
                    return outPixels * a.Filters * (c / a.Groups) * kernel;
                case OpKind.DepthwiseConv2D:
                    return outPixels * c * a.DepthMultiplier * kernel;
                case OpKind.SeparableConv2D:
                    return outPixels * c * a.DepthMultiplier * kernel + outPixels * c * a.DepthMultiplier * a.Filters;
                case OpKind.Conv2DTranspose:
                    return (long)input.H * input.W * c * a.Filters * kernel;
                case OpKind.Dense:
                    return input.Elements * a.Units;
                default:
                    return 0;
            }
        }
    }
}
