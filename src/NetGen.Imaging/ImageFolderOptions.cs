using System;

namespace NetGen.Imaging;

/// <summary>How a decoded image of any size becomes the network's Height x Width input.</summary>
public enum ResizeMode
{
    /// <summary>
    /// Scale so the shorter side is <see cref="ImageFolderOptions.ResizeShorterSide"/>, then take the
    /// centred Height x Width crop (the region torchvision's Resize(S) + CenterCrop(H, W) keeps, to
    /// within a pixel of rounding). The crop is mapped
    /// back to source pixels and resampled once, so there is no second blur.
    /// </summary>
    ShorterSideThenCenterCrop,

    /// <summary>Scale the whole image to Height x Width, ignoring its aspect ratio.</summary>
    Stretch,
}

/// <summary>
/// What one sample looks like after decoding: size, channels and per-channel normalisation.
/// Values written are (pixel / 255 - Mean[c]) / Std[c], float32, laid out C x H x W.
/// </summary>
public sealed record ImageFolderOptions
{
    /// <summary>ImageNet's per-channel RGB mean of pixel / 255 (torchvision's constants).</summary>
    public static ReadOnlySpan<float> ImageNetMean => [0.485f, 0.456f, 0.406f];

    /// <summary>ImageNet's per-channel RGB standard deviation of pixel / 255 (torchvision's constants).</summary>
    public static ReadOnlySpan<float> ImageNetStd => [0.229f, 0.224f, 0.225f];

    /// <summary>Creates options for Height x Width samples with <paramref name="channels"/> (3: RGB, 1: grey).</summary>
    public ImageFolderOptions(int height, int width, int channels = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Images have 3 channels (RGB) or 1 (grey).");
        }

        Height = height;
        Width = width;
        Channels = channels;
        Mean = new float[channels];
        Std = new float[channels];
        Array.Fill(Std, 1f);
    }

    /// <summary>Output height H in pixels.</summary>
    public int Height { get; }

    /// <summary>Output width W in pixels.</summary>
    public int Width { get; }

    /// <summary>
    /// Output channels C: 3 gives R, G, B (grey images repeated into all three); 1 gives luma
    /// 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, as PIL's "L" mode), exact for grey images.
    /// </summary>
    public int Channels { get; }

    /// <summary>How images are brought to Height x Width; <see cref="ResizeMode.ShorterSideThenCenterCrop"/> by default.</summary>
    public ResizeMode Resize { get; init; } = ResizeMode.ShorterSideThenCenterCrop;

    /// <summary>
    /// The shorter side S before the centre crop (e.g. 256 for a 224 crop); 0, the default, means
    /// max(Height, Width): the largest centred crop with the output's aspect ratio.
    /// </summary>
    public int ResizeShorterSide { get; init; }

    /// <summary>Per-channel mean of pixel / 255 subtracted (Channels values); zeros by default.</summary>
    public float[] Mean { get; init; }

    /// <summary>Per-channel standard deviation of pixel / 255 divided by (Channels values, positive); ones by default.</summary>
    public float[] Std { get; init; }

    /// <summary>File extensions read, case-insensitive; others in the class folders are ignored.</summary>
    public string[] Extensions { get; init; } = [".png", ".jpg", ".jpeg"];

    /// <summary>Floats per sample, C x H x W.</summary>
    public int SampleSize => Channels * Height * Width;

    /// <summary>Options with ImageNet's mean and standard deviation (3 channels).</summary>
    public static ImageFolderOptions ImageNet(int height = 224, int width = 224, int resizeShorterSide = 256) =>
        new(height, width, 3) { ResizeShorterSide = resizeShorterSide, Mean = ImageNetMean.ToArray(), Std = ImageNetStd.ToArray() };

    /// <summary>Throws when Mean, Std, ResizeShorterSide or Extensions do not fit the other settings.</summary>
    internal void Validate()
    {
        if (Mean is null || Mean.Length != Channels || Std is null || Std.Length != Channels)
        {
            throw new ArgumentException(
                $"Mean and Std need {Channels} value(s), one per channel; got {Mean?.Length ?? 0} and {Std?.Length ?? 0}.");
        }

        foreach (float s in Std)
        {
            if (!(s > 0f) || float.IsInfinity(s))
            {
                throw new ArgumentException($"Every Std value must be positive and finite; got {s.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
            }
        }

        if (ResizeShorterSide < 0 || (ResizeShorterSide > 0 && ResizeShorterSide < Math.Max(Height, Width)))
        {
            throw new ArgumentException(
                $"ResizeShorterSide {ResizeShorterSide} must be 0 or at least the crop's larger side {Math.Max(Height, Width)}.");
        }

        if (Extensions is null || Extensions.Length == 0)
        {
            throw new ArgumentException("Extensions must name at least one file extension, such as \".png\".");
        }
    }
}
