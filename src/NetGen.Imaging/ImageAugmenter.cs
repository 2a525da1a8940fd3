using System;
using NetGen.Kernels;

namespace NetGen.Imaging;

/// <summary>
/// Applies an <see cref="ImageAugmentation"/> to C x H x W float samples in place. The draws for
/// a sample depend only on (seed, epoch, sample index), so a run is reproducible whatever order
/// or thread the samples are processed in. One scratch sample is allocated up front; applying
/// allocates nothing. Not thread-safe: use one augmenter per thread.
/// </summary>
public sealed class ImageAugmenter
{
    private readonly float[] _scratch;

    /// <summary>An augmenter for samples of <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/>.</summary>
    public ImageAugmenter(ImageAugmentation augmentation, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(augmentation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        augmentation.Validate(height, width);
        Augmentation = augmentation;
        Channels = channels;
        Height = height;
        Width = width;
        _scratch = new float[channels * height * width];
    }

    /// <summary>The transforms applied.</summary>
    public ImageAugmentation Augmentation { get; }

    /// <summary>Channels C.</summary>
    public int Channels { get; }

    /// <summary>Height H in pixels.</summary>
    public int Height { get; }

    /// <summary>Width W in pixels.</summary>
    public int Width { get; }

    /// <summary>
    /// The random choices for sample <paramref name="sampleIndex"/> in <paramref name="epoch"/>:
    /// a <see cref="FastRandom"/> seeded with splitmix64 of (seed + epoch x 0x9E3779B97F4A7C15) on
    /// stream <paramref name="sampleIndex"/> draws, always in this order and whether or not the
    /// transform is on, the crop's x and y offsets, the flip, the angle, then the x and y
    /// translation; so turning one transform on or off leaves the others' draws unchanged.
    /// </summary>
    public AugmentationDraw Draw(ulong seed, int epoch, int sampleIndex)
    {
        ulong state = unchecked(seed + (ulong)epoch * 0x9E3779B97F4A7C15UL);
        var rng = new FastRandom(FastRandom.SplitMix64(ref state), (ulong)sampleIndex);
        ImageAugmentation a = Augmentation;
        int span = 2 * a.CropPadding + 1;
        int offsetX = UniformInt(ref rng, span) - a.CropPadding;
        int offsetY = UniformInt(ref rng, span) - a.CropPadding;
        bool flip = rng.NextFloat() < 0.5f;
        float angle = (2f * rng.NextFloat() - 1f) * a.MaxRotationDegrees;
        float translateX = (2f * rng.NextFloat() - 1f) * a.MaxTranslation * Width;
        float translateY = (2f * rng.NextFloat() - 1f) * a.MaxTranslation * Height;
        return new AugmentationDraw(offsetX, offsetY, flip && a.HorizontalFlip, angle, translateX, translateY);
    }

    /// <summary>Draws for (seed, epoch, sampleIndex) and applies the result to <paramref name="chw"/>.</summary>
    public AugmentationDraw Apply(Span<float> chw, ulong seed, int epoch, int sampleIndex)
    {
        AugmentationDraw draw = Draw(seed, epoch, sampleIndex);
        Apply(chw, draw);
        return draw;
    }

    /// <summary>Applies <paramref name="draw"/> to <paramref name="chw"/> (C x H x W) in place.</summary>
    public void Apply(Span<float> chw, in AugmentationDraw draw)
    {
        int size = _scratch.Length;
        if (chw.Length < size)
        {
            throw new ArgumentException($"A sample needs {size} floats (C x H x W); the buffer holds {chw.Length}.", nameof(chw));
        }

        Span<float> sample = chw[..size];
        if (draw.ShiftX != 0 || draw.ShiftY != 0)
        {
            Shift(_scratch, sample, Channels, Height, Width, draw.ShiftX, draw.ShiftY, Augmentation.Padding, Augmentation.Fill);
            _scratch.CopyTo(sample);
        }

        if (draw.Flip)
        {
            FlipHorizontal(sample, Channels, Height, Width);
        }

        if (draw.AngleDegrees != 0 || draw.TranslateX != 0 || draw.TranslateY != 0)
        {
            RotateTranslate(_scratch, sample, Channels, Height, Width, draw.AngleDegrees, draw.TranslateX, draw.TranslateY, Augmentation.Fill);
            _scratch.CopyTo(sample);
        }
    }

    /// <summary>Mirrors every row of <paramref name="chw"/> (C x H x W) left to right, in place.</summary>
    public static void FlipHorizontal(Span<float> chw, int channels, int height, int width)
    {
        for (int row = 0; row < channels * height; row++)
        {
            chw.Slice(row * width, width).Reverse();
        }
    }

    /// <summary>
    /// destination(c, y, x) = source(c, y + dy, x + dx) (both C x H x W), where a position outside
    /// the source is <paramref name="fill"/> or, with <see cref="PaddingMode.Reflect"/>, mirrored
    /// back in (|dx| below W and |dy| below H). This is a crop of the padded image at offset
    /// (P + dx, P + dy).
    /// </summary>
    public static void Shift(Span<float> destination, ReadOnlySpan<float> source, int channels, int height, int width, int dx, int dy, PaddingMode padding, float fill)
    {
        if (padding == PaddingMode.Reflect && (Math.Abs(dx) >= width || Math.Abs(dy) >= height))
        {
            throw new ArgumentOutOfRangeException(nameof(dx), $"A reflected shift of ({dx}, {dy}) must be smaller than the image, {width} x {height}.");
        }

        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> src = source.Slice(c * plane, plane);
            Span<float> dst = destination.Slice(c * plane, plane);
            for (int y = 0; y < height; y++)
            {
                int sy = y + dy;
                bool rowInside = (uint)sy < (uint)height;
                if (!rowInside && padding == PaddingMode.Constant)
                {
                    dst.Slice(y * width, width).Fill(fill);
                    continue;
                }

                sy = Reflect(sy, height);
                for (int x = 0; x < width; x++)
                {
                    int sx = x + dx;
                    if ((uint)sx < (uint)width)
                    {
                        dst[y * width + x] = src[sy * width + sx];
                    }
                    else
                    {
                        dst[y * width + x] = padding == PaddingMode.Constant ? fill : src[sy * width + Reflect(sx, width)];
                    }
                }
            }
        }
    }

    /// <summary>
    /// Rotates the content of <paramref name="source"/> by <paramref name="angleDegrees"/> about the
    /// image centre ((W - 1) / 2, (H - 1) / 2), clockwise as displayed (y down), then moves it by
    /// (<paramref name="translateX"/>, <paramref name="translateY"/>) pixels, writing
    /// <paramref name="destination"/> (both C x H x W). Each output pixel p samples the source at
    /// centre + R(-angle)(p - centre - t) bilinearly; neighbours outside the image count as
    /// <paramref name="fill"/>.
    /// </summary>
    public static void RotateTranslate(Span<float> destination, ReadOnlySpan<float> source, int channels, int height, int width, float angleDegrees, float translateX, float translateY, float fill)
    {
        double radians = angleDegrees * (Math.PI / 180.0);
        float cos = (float)Math.Cos(radians), sin = (float)Math.Sin(radians);
        float cx = (width - 1) * 0.5f, cy = (height - 1) * 0.5f;
        int plane = height * width;
        for (int y = 0; y < height; y++)
        {
            float py = y - cy - translateY;
            for (int x = 0; x < width; x++)
            {
                float px = x - cx - translateX;
                float sx = cx + cos * px + sin * py;
                float sy = cy - sin * px + cos * py;
                float fx0 = MathF.Floor(sx), fy0 = MathF.Floor(sy);
                float ax = sx - fx0, ay = sy - fy0;
                int x0 = (int)fx0, y0 = (int)fy0;
                for (int c = 0; c < channels; c++)
                {
                    ReadOnlySpan<float> src = source.Slice(c * plane, plane);
                    float top = (1 - ax) * At(src, x0, y0, width, height, fill) + ax * At(src, x0 + 1, y0, width, height, fill);
                    float bottom = (1 - ax) * At(src, x0, y0 + 1, width, height, fill) + ax * At(src, x0 + 1, y0 + 1, width, height, fill);
                    destination[c * plane + y * width + x] = (1 - ay) * top + ay * bottom;
                }
            }
        }
    }

    private static float At(ReadOnlySpan<float> plane, int x, int y, int width, int height, float fill) =>
        (uint)x < (uint)width && (uint)y < (uint)height ? plane[y * width + x] : fill;

    // Mirrors an index one step outside [0, n) back in without repeating the edge: -1 -> 1, n -> n - 2.
    private static int Reflect(int i, int n) => i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i;

    // Uniform in [0, n) by the multiply-shift method; its bias, below n / 2^32, is irrelevant here.
    private static int UniformInt(ref FastRandom rng, int n) => (int)(((ulong)rng.NextUInt() * (uint)n) >> 32);
}
