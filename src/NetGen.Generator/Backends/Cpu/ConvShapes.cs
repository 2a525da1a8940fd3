using NetGen.Generator.Analysis;
using NetGen.Generator.Model;
using NetGen.Kernels;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>A convolution node's shape as the CPU kernel-choice table (<see cref="ConvKernelChoice"/>, shared with the runtime) reads it.</summary>
internal static class ConvShapes
{
    /// <summary>Convolution node <paramref name="node"/> from <paramref name="input"/> to <paramref name="output"/> (one sample).</summary>
    public static ConvShape Of(Node node, Shape input, Shape output)
    {
        var a = node.Args;
        var pads = WindowPadding.ForWindow(a, input);
        return new ConvShape(input.C, output.C, a.KernelH, a.KernelW, a.StrideH, a.StrideW, a.DilationH, a.DilationW,
            LayerFacts.Groups(node, input), pads.Top, pads.Left, output.H, output.W);
    }

    /// <summary>The forward kernel of a Conv2D or DepthwiseConv2D node run on its own (inference unfused, and training).</summary>
    public static ConvKernel Forward(Node node, Shape input, Shape output) => ConvKernelChoice.Forward(Of(node, input, output));
}
