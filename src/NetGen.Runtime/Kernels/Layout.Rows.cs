using System;

namespace NetGen.Kernels;

/// <summary>
/// The input transpose of a batch-1 Predict, by rows: PyTorch's (C, H, W) image into the kernels'
/// (H, W, C), one pixel at a time (C reads from the C planes, C contiguous writes), through
/// pointers. The element-at-a-time loop of <see cref="NchwToNhwc"/> took about 190 us for a
/// 3x224x224 image, on the calling thread before the first layer of every inference.
/// </summary>
public static unsafe partial class Layout
{
    /// <summary>
    /// Rows [<paramref name="firstRow"/>, <paramref name="endRow"/>) of dst (H, W, C) = src (C, H, W) transposed, one
    /// sample; the other rows of <paramref name="dst"/> are left as they are. The same values as <see cref="NchwToNhwc"/>.
    /// </summary>
    /// <param name="dst">(H, W, C) output, the whole of it.</param>
    /// <param name="src">(C, H, W) input.</param>
    /// <param name="c">Channels.</param>
    /// <param name="h">Height.</param>
    /// <param name="w">Width.</param>
    /// <param name="firstRow">First row.</param>
    /// <param name="endRow">End of the rows (exclusive), at most H.</param>
    public static void NchwToNhwcRows(Span<float> dst, ReadOnlySpan<float> src, int c, int h, int w, int firstRow, int endRow)
    {
        const string kernel = "Layout.NchwToNhwcRows";
        Check.Positive(c, kernel, nameof(c));
        Check.Positive(h, kernel, nameof(h));
        Check.Positive(w, kernel, nameof(w));
        Check.Length(src.Length, (long)c * h * w, kernel, nameof(src), "C*H*W");
        Check.Length(dst.Length, (long)c * h * w, kernel, nameof(dst), "C*H*W");
        if (!(0 <= firstRow && firstRow < endRow && endRow <= h))
        {
            throw Check.Failure(kernel, $"a row range needs 0 <= first < end <= H = {h}; got [{firstRow}, {endRow}).");
        }
        long plane = (long)h * w;
        fixed (float* pd = dst, ps = src)
        {
            for (int y = firstRow; y < endRow; y++)
            {
                float* d = pd + (long)y * w * c;
                float* s = ps + (long)y * w;
                for (int x = 0; x < w; x++, d += c, s++)
                {
                    float* channel = s;
                    for (int ci = 0; ci < c; ci++, channel += plane)
                    {
                        d[ci] = *channel;
                    }
                }
            }
        }
    }
}
