using System;

namespace NetGen.Kernels;

/// <summary>
/// Conversions between NetGen's channels-last tensors and PyTorch's channels-first ones.
/// Flatten of an NHWC activation (N, H, W, C) gives features in (h, w, c) order, PyTorch's
/// flatten of (N, C, H, W) gives (c, h, w): the same network needs the first Dense after a
/// Flatten to have its input columns permuted, which <see cref="DenseWeightsFromNchwFlatten"/>
/// does on import and <see cref="DenseWeightsToNchwFlatten"/> undoes on export.
/// </summary>
public static partial class Layout
{
    /// <summary>dst (N, H, W, C) = src (N, C, H, W) transposed.</summary>
    public static void NchwToNhwc(Span<float> dst, ReadOnlySpan<float> src, int n, int c, int h, int w)
    {
        Check.Length(src.Length, (long)n * c * h * w, "Layout.NchwToNhwc", nameof(src), "N*C*H*W");
        Check.Length(dst.Length, (long)n * c * h * w, "Layout.NchwToNhwc", nameof(dst), "N*C*H*W");
        for (int b = 0; b < n; b++)
        {
            for (int ci = 0; ci < c; ci++)
            {
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        dst[((b * h + y) * w + x) * c + ci] = src[((b * c + ci) * h + y) * w + x];
                    }
                }
            }
        }
    }

    /// <summary>dst (N, C, H, W) = src (N, H, W, C) transposed.</summary>
    public static void NhwcToNchw(Span<float> dst, ReadOnlySpan<float> src, int n, int c, int h, int w)
    {
        Check.Length(src.Length, (long)n * c * h * w, "Layout.NhwcToNchw", nameof(src), "N*C*H*W");
        Check.Length(dst.Length, (long)n * c * h * w, "Layout.NhwcToNchw", nameof(dst), "N*C*H*W");
        for (int b = 0; b < n; b++)
        {
            for (int ci = 0; ci < c; ci++)
            {
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        dst[((b * c + ci) * h + y) * w + x] = src[((b * h + y) * w + x) * c + ci];
                    }
                }
            }
        }
    }

    /// <summary>
    /// PyTorch Dense weights (K, C*H*W) that follow a flatten of (C, H, W) to the weights
    /// (K, H*W*C) that give the same outputs after NetGen's flatten of (H, W, C).
    /// </summary>
    /// <param name="dst">(K, H*W*C) weights for an NHWC flatten.</param>
    /// <param name="src">(K, C*H*W) weights for an NCHW flatten.</param>
    /// <param name="k">Dense units K.</param>
    /// <param name="c">Channels of the flattened tensor.</param>
    /// <param name="h">Its height.</param>
    /// <param name="w">Its width.</param>
    public static void DenseWeightsFromNchwFlatten(Span<float> dst, ReadOnlySpan<float> src, int k, int c, int h, int w) =>
        NchwToNhwc(dst, src, k, c, h, w);

    /// <summary>The inverse of <see cref="DenseWeightsFromNchwFlatten"/>: (K, H*W*C) back to (K, C*H*W).</summary>
    /// <param name="dst">(K, C*H*W) weights for an NCHW flatten.</param>
    /// <param name="src">(K, H*W*C) weights for an NHWC flatten.</param>
    /// <param name="k">Dense units K.</param>
    /// <param name="c">Channels of the flattened tensor.</param>
    /// <param name="h">Its height.</param>
    /// <param name="w">Its width.</param>
    public static void DenseWeightsToNchwFlatten(Span<float> dst, ReadOnlySpan<float> src, int k, int c, int h, int w) =>
        NhwcToNchw(dst, src, k, c, h, w);
}
