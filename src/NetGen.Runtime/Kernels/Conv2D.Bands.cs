namespace NetGen.Kernels;

public static partial class Conv2D
{
    /// <summary>
    /// The convolution that computes output rows [<paramref name="firstRow"/>, <paramref name="endRow"/>)
    /// of one sample on its own: a band of P = endRow - firstRow rows whose input is the
    /// <c>band.H</c> input rows from <paramref name="firstInputRow"/> on, with the zero rows above
    /// it as <c>band.PadTop</c>. Every other dimension is the layer's. With
    /// <c>top = firstRow * StrideH - PadTop</c> (the first window's first input row, negative in the
    /// padding) and <c>last = (endRow - 1) * StrideH - PadTop + (R - 1) * DilationH</c> (the last
    /// window's last row), the band reads rows [max(0, top), min(H - 1, last)] and pads by
    /// max(0, top) - top; rows past H are padding in both. So the band's output rows are the
    /// layer's, bit for bit: each output pixel sums the same taps in the same order.
    /// </summary>
    /// <param name="dims">The layer at batch 1.</param>
    /// <param name="firstRow">First output row of the band.</param>
    /// <param name="endRow">One past its last output row.</param>
    /// <param name="band">The band's convolution (N = 1).</param>
    /// <param name="firstInputRow">The input row the band's input starts at.</param>
    /// <returns>False when every window of the band lies in the padding (no input row to read).</returns>
    public static bool TryRowBand(in Conv2DDims dims, int firstRow, int endRow, out Conv2DDims band, out int firstInputRow)
    {
        if (dims.N != 1)
        {
            throw Check.Failure("Conv2D.TryRowBand", $"bands split one sample's rows; the convolution has N = {dims.N}.");
        }
        if (!(0 <= firstRow && firstRow < endRow && endRow <= dims.P))
        {
            throw Check.Failure("Conv2D.TryRowBand", $"the rows [{firstRow}, {endRow}) are not a non-empty range of the output's P = {dims.P}.");
        }
        int top = firstRow * dims.StrideH - dims.PadTop;
        int last = (endRow - 1) * dims.StrideH - dims.PadTop + (dims.R - 1) * dims.DilationH;
        int start = System.Math.Max(0, top), stop = System.Math.Min(dims.H - 1, last);
        if (stop < start)
        {
            band = default;
            firstInputRow = 0;
            return false;
        }
        band = dims with { H = stop - start + 1, P = endRow - firstRow, PadTop = start - top };
        firstInputRow = start;
        return true;
    }
}
