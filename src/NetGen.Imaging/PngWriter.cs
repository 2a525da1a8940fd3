using System;
using System.IO;
using SkiaSharp;

namespace NetGen.Imaging;

/// <summary>
/// Writes 8-bit images as PNG files, atomically: the file is written beside its target under
/// a temporary name and then renamed over it, so a crash never leaves a half-written image.
/// </summary>
public static class PngWriter
{
    /// <summary>
    /// Saves <paramref name="pixels"/> (<paramref name="height"/> x <paramref name="width"/> x
    /// <paramref name="channels"/> bytes, rows top to bottom; 1 channel is grey, 3 is RGB) to
    /// <paramref name="path"/>.
    /// </summary>
    public static void Save(string path, ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (width <= 0 || height <= 0)
            throw new ArgumentOutOfRangeException(nameof(width), $"An image needs a positive size, not {width} x {height}.");
        if (channels is not (1 or 3))
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "PNG images here have 1 (grey) or 3 (RGB) channels.");
        long expected = (long)width * height * channels;
        if (pixels.Length != expected)
            throw new ArgumentException($"{width} x {height} x {channels} pixels need {expected} bytes, not {pixels.Length}.", nameof(pixels));

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        var rgba = bitmap.GetPixelSpan();
        for (int i = 0, p = 0; i < width * height; i++, p += channels)
        {
            rgba[4 * i] = pixels[p];
            rgba[4 * i + 1] = pixels[channels == 1 ? p : p + 1];
            rgba[4 * i + 2] = pixels[channels == 1 ? p : p + 2];
            rgba[4 * i + 3] = 255;
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new IOException($"SkiaSharp could not encode a {width} x {height} PNG for '{path}'.");

        string full = Path.GetFullPath(path);
        string temporary = full + ".tmp-" + Environment.ProcessId;
        try
        {
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                data.SaveTo(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
