extern alias SegmentationSample;

using SegmentationSample::Samples.Segmentation;
using SkiaSharp;
using Xunit;

namespace NetGen.Samples.Tests.Segmentation;

/// <summary>The sample's picture: rows of input, predicted and true mask, decoded back with SkiaSharp.</summary>
public sealed class MontageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-montage-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_png_decodes_to_three_panels_per_row_with_the_pixels_drawn()
    {
        const int S = Scenes.Size, Gap = 4;
        var image = new float[S * S];
        var predicted = new int[S * S];
        var truth = new int[S * S];
        image[0] = 1f;                  // white input pixel at (0, 0)
        image[1] = 0.5f;                // mid grey at (0, 1)
        predicted[S + 2] = 1 + 3;       // digit 3 predicted at (1, 2)
        truth[S + 2] = 1 + 0;           // digit 0 true at (1, 2)
        var montage = new Montage(rows: 2);
        montage.Draw(0, image, predicted, truth);
        montage.Draw(1, new float[S * S], truth, predicted);
        string path = Path.Combine(_folder, "scenes.png");

        montage.Save(path);

        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        Assert.Equal(3 * S + 2 * Gap, bitmap.Width);
        Assert.Equal(2 * S + Gap, bitmap.Height);
        Assert.Equal(new SKColor(255, 255, 255), bitmap.GetPixel(0, 0));
        Assert.Equal(new SKColor(128, 128, 128), bitmap.GetPixel(1, 0));
        Assert.Equal(new SKColor(0, 0, 0), bitmap.GetPixel(5, 5));
        // Panels start at x = 0, S + Gap and 2 (S + Gap); the gaps stay white.
        Assert.Equal(new SKColor(255, 255, 255), bitmap.GetPixel(S + 1, 10));
        Assert.Equal(new SKColor(255, 255, 255), bitmap.GetPixel(10, S + 1));
        SKColor predictedColour = bitmap.GetPixel(S + Gap + 2, 1), trueColour = bitmap.GetPixel(2 * (S + Gap) + 2, 1);
        Assert.NotEqual(new SKColor(0, 0, 0), predictedColour);
        Assert.NotEqual(new SKColor(0, 0, 0), trueColour);
        Assert.NotEqual(predictedColour, trueColour);
        Assert.Equal(new SKColor(0, 0, 0), bitmap.GetPixel(S + Gap + 3, 1));
        // Row 2 swaps the masks: the same two colours, the other way round.
        Assert.Equal(trueColour, bitmap.GetPixel(S + Gap + 2, S + Gap + 1));
        Assert.Equal(predictedColour, bitmap.GetPixel(2 * (S + Gap) + 2, S + Gap + 1));
    }
}
