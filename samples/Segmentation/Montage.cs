using System;
using NetGen.Imaging;

namespace Samples.Segmentation;

/// <summary>
/// A PNG of scenes, one row each: the input, the predicted mask and the true mask side by side,
/// a 4-pixel gap between panels. Background is black; digit d is drawn in colour d of a
/// ten-colour palette, so a wrong class shows as a wrong colour.
/// </summary>
internal sealed class Montage
{
    private const int Gap = 4;

    private static readonly byte[][] Palette =
    [
        [230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48],
        [145, 30, 180], [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212],
    ];

    private static readonly byte[] Black = [0, 0, 0];

    private readonly int _rows;
    private readonly int _width = 3 * Scenes.Size + 2 * Gap;
    private readonly byte[] _pixels;

    public Montage(int rows)
    {
        _rows = rows;
        _pixels = new byte[(rows * Scenes.Size + (rows - 1) * Gap) * _width * 3];
        Array.Fill(_pixels, (byte)255);
    }

    /// <summary>Draws scene row <paramref name="row"/>: grey levels in [0, 1], and the two masks of classes 0..10.</summary>
    public void Draw(int row, ReadOnlySpan<float> image, ReadOnlySpan<int> predicted, ReadOnlySpan<int> truth)
    {
        int top = row * (Scenes.Size + Gap);
        for (int y = 0; y < Scenes.Size; y++)
        {
            for (int x = 0; x < Scenes.Size; x++)
            {
                int p = y * Scenes.Size + x;
                byte grey = (byte)Math.Clamp(MathF.Round(image[p] * 255f), 0f, 255f);
                Set(top + y, x, grey, grey, grey);
                Set(top + y, Scenes.Size + Gap + x, Colour(predicted[p]));
                Set(top + y, 2 * (Scenes.Size + Gap) + x, Colour(truth[p]));
            }
        }
    }

    public void Save(string path) => PngWriter.Save(path, _pixels, _width, _rows * Scenes.Size + (_rows - 1) * Gap, channels: 3);

    private static byte[] Colour(int pixelClass) => pixelClass == Scenes.Background ? Black : Palette[pixelClass - 1];

    private void Set(int y, int x, byte[] rgb) => Set(y, x, rgb[0], rgb[1], rgb[2]);

    private void Set(int y, int x, byte r, byte g, byte b)
    {
        int at = (y * _width + x) * 3;
        _pixels[at] = r;
        _pixels[at + 1] = g;
        _pixels[at + 2] = b;
    }
}
