namespace NetGen.Generator.Emit.Execution;

internal sealed partial class LayerCode
{
    /// <summary>
    /// The forward call of a Conv2D or DepthwiseConv2D layer: at inference through
    /// LayerBands.Conv2DForward with the forward's <c>bands</c> (it splits large layers over a
    /// pool, or calls Conv2D.Forward when given null), in training Conv2D.Forward on the batch.
    /// The text ends with the open parenthesis; the arguments after the bands are Conv2D.Forward's.
    /// </summary>
    private static string ConvForward(bool training) =>
        training ? Kernels + "Conv2D.Forward(" : BandMembers.Type + ".Conv2DForward(bands, ";
}
