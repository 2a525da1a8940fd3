using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Execution;
using NetGen.Generator.Model;
using NetGen.Kernels;

namespace NetGen.Generator.Backends.Cpu;

internal sealed partial class LayerCode
{
    /// <summary>
    /// The forward call of a Conv2D or DepthwiseConv2D layer, the kernel from the CPU kernel-choice table
    /// (<see cref="ConvKernelChoice.Forward"/>, the same file the runtime reads). At inference through
    /// LayerBands.Conv2DForward with the forward's <c>bands</c> (it splits large layers over a pool by the
    /// same table's choice, or calls the kernel when given null), or LayerBands.Conv2DForwardWinograd; in
    /// training the chosen kernel on the batch: Conv2D.ForwardWinograd, ForwardRowTaps, ForwardPixelTiles or
    /// Forward (direct and depthwise). The text ends with the open parenthesis; the arguments after the bands
    /// are Conv2D.Forward's (a Winograd layer passes its transformed weights).
    /// </summary>
    private string ConvForward(int n, bool training)
    {
        string kernel = ConvForwardKernel(n, training);
        return training ? "global::NetGen.Kernels." + kernel + "(" : BandMembers.Type + "." + kernel.Substring("LayerBands.".Length) + "(bands, ";
    }

    /// <summary>The forward kernel of a Conv2D or DepthwiseConv2D layer in a mode (see <see cref="ConvForward"/>).</summary>
    private string ConvForwardKernel(int n, bool training)
    {
        bool winograd = RunsWinograd(n, training);
        if (!training) return winograd ? "LayerBands.Conv2DForwardWinograd" : "LayerBands.Conv2DForward";
        if (winograd) return "Conv2D.ForwardWinograd";
        return ConvShapes.Forward(Network.Nodes[n], _layout.InputShape(n), _layout.OutputShape(n)) switch
        {
            ConvKernel.RowTaps => "Conv2D.ForwardRowTaps",
            ConvKernel.PixelTiles => "Conv2D.ForwardPixelTiles",
            _ => "Conv2D.Forward",
        };
    }
}
