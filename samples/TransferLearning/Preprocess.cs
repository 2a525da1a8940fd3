using System;
using NetGen.Onnx;

namespace Samples.TransferLearning;

/// <summary>
/// The pretrained network's preprocessing (ResNetPreprocess.onnx: RGB to BGR, minus a per-pixel
/// 224x224 ImageNet mean image) at half the size: the mean image is averaged over 2x2 blocks to
/// (3, 112, 112), which is what a bilinear 224-to-112 resize of it gives (every output centre lies
/// midway between four input centres).
/// </summary>
internal sealed class Preprocess
{
    private readonly float[] _mean;
    private readonly int[] _source;

    private Preprocess(float[] mean, int[] source, int size)
    {
        _mean = mean;
        _source = source;
        Size = size;
    }

    /// <summary>Height and width of the images it takes.</summary>
    public int Size { get; }

    /// <summary>Halves <paramref name="full"/>'s mean image; its channel order is kept.</summary>
    public static Preprocess HalfSize(MeanImagePreprocess full)
    {
        int size = full.Height / 2;
        if (full.Channels != 3 || full.Height != full.Width || full.Height % 2 != 0)
        {
            throw new NotSupportedException($"Expected a 3-channel square mean image with an even side; it is {full.Channels}x{full.Height}x{full.Width}.");
        }

        var mean = new float[3 * size * size];
        ReadOnlySpan<float> source = full.MeanImage;
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < size; y++)
            {
                for (int x = 0; x < size; x++)
                {
                    int top = (c * full.Height + 2 * y) * full.Width + 2 * x;
                    int bottom = top + full.Width;
                    mean[(c * size + y) * size + x] = 0.25f * (source[top] + source[top + 1] + source[bottom] + source[bottom + 1]);
                }
            }
        }

        return new Preprocess(mean, [full.SourceChannel(0), full.SourceChannel(1), full.SourceChannel(2)], size);
    }

    /// <summary>destination[c] = image[SourceChannel(c)] - mean[c], planes (Size, Size).</summary>
    /// <param name="destination">(3, Size, Size) the network's input.</param>
    /// <param name="image">(3, Size, Size) RGB, values 0..255.</param>
    public void Apply(Span<float> destination, ReadOnlySpan<float> image)
    {
        int plane = Size * Size;
        for (int c = 0; c < 3; c++)
        {
            ReadOnlySpan<float> from = image.Slice(_source[c] * plane, plane);
            ReadOnlySpan<float> mean = _mean.AsSpan(c * plane, plane);
            Span<float> to = destination.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++)
            {
                to[i] = from[i] - mean[i];
            }
        }
    }
}
