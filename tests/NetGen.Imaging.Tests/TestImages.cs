using SkiaSharp;

namespace NetGen.Imaging.Tests;

/// <summary>A temporary folder of generated PNG and JPEG files, deleted on dispose.</summary>
internal sealed class TestImages : IDisposable
{
    public TestImages()
    {
        Root = Path.Combine(Path.GetTempPath(), "netgen-images-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes an image whose pixel (x, y) is <paramref name="colour"/>(x, y) and returns its path.</summary>
    public string Write(string relativePath, int width, int height, Func<int, int, SKColor> colour, int jpegQuality = 100)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        Span<byte> rgba = bitmap.GetPixelSpan();
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                SKColor c = colour(x, y);
                int at = 4 * (y * width + x);
                (rgba[at], rgba[at + 1], rgba[at + 2], rgba[at + 3]) = (c.Red, c.Green, c.Blue, c.Alpha);
            }
        }

        return Save(relativePath, bitmap, jpegQuality);
    }

    /// <summary>Writes a single-channel (Gray8) image of constant <paramref name="level"/>.</summary>
    public string WriteGrey(string relativePath, int width, int height, byte level)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(level, level, level));
        return Save(relativePath, bitmap, 100);
    }

    public string WriteBytes(string relativePath, byte[] bytes)
    {
        string path = Prepare(relativePath);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string Folder(string relativePath)
    {
        string path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(path);
        return path;
    }

    private string Save(string relativePath, SKBitmap bitmap, int quality)
    {
        string path = Prepare(relativePath);
        var format = path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg;
        using SKData data = bitmap.Encode(format, quality);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    private string Prepare(string relativePath)
    {
        string path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
