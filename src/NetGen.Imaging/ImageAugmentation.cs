using System;

namespace NetGen.Imaging;

/// <summary>What a shifted or rotated sample shows where its source has no pixel.</summary>
public enum PaddingMode
{
    /// <summary>The constant <see cref="ImageAugmentation.Fill"/>.</summary>
    Constant,

    /// <summary>The image mirrored at its border without repeating the edge pixel (NumPy's "reflect").</summary>
    Reflect,
}

/// <summary>
/// Random training-time transforms of a C x H x W sample, applied in this order: crop with
/// padding, horizontal flip, rotation and translation (one bilinear resampling). All off by default.
/// Values are in the sample's own units, after normalisation: a <see cref="Fill"/> of 0 is the
/// dataset mean colour when the sample was normalised with it.
/// </summary>
public sealed record ImageAugmentation
{
    /// <summary>
    /// Pixels P of padding for a random crop: the sample is padded by P on every side and an
    /// H x W window taken at a uniform offset, i.e. shifted by -P to P pixels in x and y. 0: off.
    /// </summary>
    public int CropPadding { get; init; }

    /// <summary>How the crop's padding is filled; <see cref="PaddingMode.Constant"/> by default.</summary>
    public PaddingMode Padding { get; init; } = PaddingMode.Constant;

    /// <summary>Whether to mirror left-right with probability 1/2.</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>Rotation angle drawn uniformly in [-max, max) degrees, about the image centre. 0: off.</summary>
    public float MaxRotationDegrees { get; init; }

    /// <summary>Translation drawn uniformly in [-max, max) times the width (x) and the height (y). 0: off.</summary>
    public float MaxTranslation { get; init; }

    /// <summary>Value written where there is no source pixel (constant padding, corners uncovered by rotation).</summary>
    public float Fill { get; init; }

    /// <summary>Whether any transform is on.</summary>
    public bool IsEnabled => CropPadding > 0 || HorizontalFlip || MaxRotationDegrees > 0 || MaxTranslation > 0;

    /// <summary>Throws when a setting does not fit an image of <paramref name="height"/> x <paramref name="width"/>.</summary>
    internal void Validate(int height, int width)
    {
        if (CropPadding < 0 || (Padding == PaddingMode.Reflect && CropPadding >= Math.Min(height, width)))
        {
            throw new ArgumentException(
                $"CropPadding {CropPadding} must be non-negative, and below the smaller side {Math.Min(height, width)} when reflecting.");
        }

        if (!(MaxRotationDegrees >= 0 && MaxRotationDegrees <= 180) || !(MaxTranslation >= 0 && MaxTranslation <= 1) || !float.IsFinite(Fill))
        {
            throw new ArgumentException(
                $"MaxRotationDegrees must be 0 to 180, MaxTranslation 0 to 1 and Fill finite; got {MaxRotationDegrees.ToString(System.Globalization.CultureInfo.InvariantCulture)}, {MaxTranslation.ToString(System.Globalization.CultureInfo.InvariantCulture)} and {Fill.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }
    }
}

/// <summary>
/// One sample's random choices: the crop's shift in pixels (the output pixel (x, y) shows the
/// source pixel (x + ShiftX, y + ShiftY)), the flip, the angle in degrees and the translation in pixels.
/// </summary>
public readonly record struct AugmentationDraw(int ShiftX, int ShiftY, bool Flip, float AngleDegrees, float TranslateX, float TranslateY);
