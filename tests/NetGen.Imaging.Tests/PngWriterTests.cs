using System;
using System.IO;
using NetGen.Imaging;
using Xunit;

namespace NetGen.Imaging.Tests;

public sealed class PngWriterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-png-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Grey_image_round_trips_through_the_decoder()
    {
        const int width = 7, height = 5;
        var pixels = new byte[width * height];
        var random = new Random(3);
        random.NextBytes(pixels);
        string path = Path.Combine(_folder, "grey.png");

        PngWriter.Save(path, pixels, width, height, channels: 1);

        var options = new ImageFolderOptions(height, width, channels: 1) { Resize = ResizeMode.Stretch };
        using var decoder = new ImageDecoder(options);
        var chw = new float[width * height];
        Assert.True(decoder.TryDecode(path, chw, out string? error), error);
        for (int i = 0; i < pixels.Length; i++)
            Assert.Equal(pixels[i] / 255f, chw[i], 1e-6f);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp-*"));
    }

    [Fact]
    public void Rgb_pixels_keep_their_channels()
    {
        byte[] pixels = [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30];
        string path = Path.Combine(_folder, "rgb.png");

        PngWriter.Save(path, pixels, width: 2, height: 2, channels: 3);

        var options = new ImageFolderOptions(2, 2) { Resize = ResizeMode.Stretch };
        using var decoder = new ImageDecoder(options);
        var chw = new float[12];
        Assert.True(decoder.TryDecode(path, chw, out string? error), error);
        // C x H x W: red plane, green plane, blue plane, back to bytes.
        byte[] planes = Array.ConvertAll(chw, v => (byte)MathF.Round(v * 255f));
        Assert.Equal([255, 0, 0, 10, 0, 255, 0, 20, 0, 0, 255, 30], planes);
    }

    [Fact]
    public void Wrong_pixel_count_is_rejected_before_anything_is_written()
    {
        string path = Path.Combine(_folder, "bad.png");
        var error = Assert.Throws<ArgumentException>(() => PngWriter.Save(path, new byte[10], 4, 3, 1));
        Assert.Contains("4 x 3 x 1 pixels need 12 bytes, not 10", error.Message);
        Assert.False(File.Exists(path));
    }
}
