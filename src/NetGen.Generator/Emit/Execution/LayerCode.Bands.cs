using NetGen.Generator.Backends.Cpu;
using NetGen.Kernels;

namespace NetGen.Generator.Emit.Execution;

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
        bool winograd = RunsWinograd(n, training);
        if (!training) return BandMembers.Type + (winograd ? ".Conv2DForwardWinograd(bands, " : ".Conv2DForward(bands, ");
        if (winograd) return Kernels + "Conv2D.ForwardWinograd(";
        return ConvShapes.Forward(Network.Nodes[n], _layout.InputShape(n), _layout.OutputShape(n)) switch
        {
            ConvKernel.RowTaps => Kernels + "Conv2D.ForwardRowTaps(",
            ConvKernel.PixelTiles => Kernels + "Conv2D.ForwardPixelTiles(",
            _ => Kernels + "Conv2D.Forward(",
        };
    }
}
