using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// Parameters of one node, in elements. With C input channels, K output channels (filters),
/// R x S kernel, g groups, m depth multiplier:
/// <list type="bullet">
/// <item>conv2d: K (C / g) R S weights + K bias;</item>
/// <item>depthwise_conv2d: C m R S + C m bias;</item>
/// <item>separable_conv2d (Keras): depthwise C m R S without bias, pointwise C m K + K bias;</item>
/// <item>conv2d_transpose: C K R S + K bias;</item>
/// <item>dense: in x units + units bias;</item>
/// <item>batchnorm: 2C trainable (gamma, beta; C less for each of scale: false and center: false)
/// and 2C statistics (running mean and variance), which Keras counts as non-trainable
/// parameters and PyTorch as buffers.</item>
/// </list>
/// A frozen node's parameters are all non-trainable. Arithmetic is checked: a count past
/// long's range throws <see cref="System.OverflowException"/>, which the analyzer reports.
/// </summary>
internal static class ParameterCount
{
    /// <summary>(trainable, non-trainable, statistics) for a node whose input is <paramref name="input"/>.</summary>
    public static (long Trainable, long NonTrainable, long Statistics) Of(Node node, Shape input)
    {
        long learned = Learned(node.Op, node.Args, input);
        long statistics = node.Op == OpKind.BatchNorm ? checked(2L * input.C) : 0;
        return node.Frozen ? (0, checked(learned + statistics), statistics) : (learned, statistics, statistics);
    }

    /// <summary>Weights and biases the optimizer would update (statistics excluded).</summary>
    private static long Learned(OpKind op, LayerArgs a, Shape input)
    {
        checked
        {
            long c = input.C;
            long kernel = (long)a.KernelH * a.KernelW;
            switch (op)
            {
                case OpKind.Conv2D:
                    return a.Filters * (c / a.Groups) * kernel + Bias(a, a.Filters);
                case OpKind.DepthwiseConv2D:
                    return c * a.DepthMultiplier * kernel + Bias(a, c * a.DepthMultiplier);
                case OpKind.SeparableConv2D:
                    return c * a.DepthMultiplier * kernel + c * a.DepthMultiplier * a.Filters + Bias(a, a.Filters);
                case OpKind.Conv2DTranspose:
                    return c * a.Filters * kernel + Bias(a, a.Filters);
                case OpKind.Dense:
                    return input.Elements * a.Units + Bias(a, a.Units);
                case OpKind.BatchNorm:
                    return (a.Scale ? c : 0) + (a.Center ? c : 0);
                default:
                    return 0;
            }
        }
    }

    private static long Bias(LayerArgs a, long count) => a.Bias ? count : 0;
}
