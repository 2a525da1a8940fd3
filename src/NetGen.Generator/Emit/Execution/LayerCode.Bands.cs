namespace NetGen.Generator.Emit.Execution;

internal sealed partial class LayerCode
{
    /// <summary>
    /// The forward call of a Conv2D or DepthwiseConv2D layer: at inference through
    /// LayerBands.Conv2DForward with the forward's <c>bands</c> (it splits large layers over a
    /// pool, or calls Conv2D.Forward when given null), in training Conv2D.Forward on the batch.
    /// The text ends with the open parenthesis; the arguments after the bands are Conv2D.Forward's.
    /// A Winograd layer calls Conv2D.ForwardWinograd / LayerBands.Conv2DForwardWinograd, same arguments.
    /// </summary>
    private static string ConvForward(bool training, bool winograd) => (training, winograd) switch
    {
        (true, false) => Kernels + "Conv2D.Forward(",
        (true, true) => Kernels + "Conv2D.ForwardWinograd(",
        (false, false) => BandMembers.Type + ".Conv2DForward(bands, ",
        _ => BandMembers.Type + ".Conv2DForwardWinograd(bands, ",
    };
}
