using NetGen.Data;
using SkiaSharp;
using Xunit;

namespace NetGen.Imaging.Tests;

public class DecodingTests
{
    private static float[] Load(ImageFolderDataset data, int index)
    {
        var chw = new float[data.SampleSize];
        using var decoder = new ImageDecoder(data.Options);
        Assert.True(data.TryLoad(index, chw, decoder), string.Join("; ", data.Skipped));
        return chw;
    }

    private static void AssertPlane(float[] chw, int channel, int plane, float expected, float tolerance)
    {
        for (int i = 0; i < plane; i++)
        {
            float got = chw[channel * plane + i];
            Assert.True(Math.Abs(got - expected) <= tolerance, $"channel {channel} pixel {i}: expected {expected}, got {got}");
        }
    }

    [Theory]
    [InlineData("a/solid.png", 0f)]
    [InlineData("a/solid.jpg", 3f)]
    public void SolidColourIsResizedAndNormalisedPerChannel(string name, float toleranceLevels)
    {
        using var images = new TestImages();
        images.Write(name, 10, 6, (_, _) => new SKColor(200, 100, 50));
        var options = new ImageFolderOptions(4, 5) { Mean = [0.5f, 0.25f, 0.1f], Std = [0.5f, 0.2f, 0.25f] };
        var data = ImageFolderDataset.Open(images.Root, options);

        float[] chw = Load(data, 0);

        Assert.Equal(3 * 4 * 5, chw.Length);
        AssertPlane(chw, 0, 20, (200 / 255f - 0.5f) / 0.5f, 1e-5f + toleranceLevels / 255f / 0.5f);
        AssertPlane(chw, 1, 20, (100 / 255f - 0.25f) / 0.2f, 1e-5f + toleranceLevels / 255f / 0.2f);
        AssertPlane(chw, 2, 20, (50 / 255f - 0.1f) / 0.25f, 1e-5f + toleranceLevels / 255f / 0.25f);
    }

    [Fact]
    public void ImageNetConstantsMatchTorchvision()
    {
        Assert.Equal([0.485f, 0.456f, 0.406f], ImageFolderOptions.ImageNetMean.ToArray());
        Assert.Equal([0.229f, 0.224f, 0.225f], ImageFolderOptions.ImageNetStd.ToArray());
        var options = ImageFolderOptions.ImageNet();
        Assert.Equal((224, 224, 256), (options.Height, options.Width, options.ResizeShorterSide));
        Assert.Equal(ImageFolderOptions.ImageNetMean.ToArray(), options.Mean);
        Assert.Equal(ImageFolderOptions.ImageNetStd.ToArray(), options.Std);
    }

    [Fact]
    public void CentreCropKeepsTheMiddleOfAWideImage()
    {
        // 8 x 4: columns 0-3 red, 4-7 blue. Shorter side 4 -> no scaling; the centred 4 x 4 crop is
        // columns 2-5, so output columns 0-1 are red and 2-3 blue.
        using var images = new TestImages();
        images.Write("a/wide.png", 8, 4, (x, _) => x < 4 ? SKColors.Red : SKColors.Blue);
        var data = ImageFolderDataset.Open(images.Root, new ImageFolderOptions(4, 4));

        float[] chw = Load(data, 0);

        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                float expectedRed = x < 2 ? 1f : 0f;
                Assert.Equal(expectedRed, chw[0 * 16 + y * 4 + x], 5);
                Assert.Equal(1f - expectedRed, chw[2 * 16 + y * 4 + x], 5);
            }
        }
    }

    [Fact]
    public void StretchShrinksQuadrantsToQuadrants()
    {
        // 16 x 16 with four coloured 8 x 8 quadrants, stretched to 4 x 4: each output 2 x 2 quadrant
        // samples only its source quadrant.
        using var images = new TestImages();
        images.Write("a/quad.png", 16, 16, (x, y) => new SKColor((byte)(x < 8 ? 255 : 0), (byte)(y < 8 ? 255 : 0), 0));
        var data = ImageFolderDataset.Open(images.Root, new ImageFolderOptions(4, 4) { Resize = ResizeMode.Stretch });

        float[] chw = Load(data, 0);

        for (int y = 0; y < 4; y++)
        {
            for (int x = 0; x < 4; x++)
            {
                Assert.Equal(x < 2 ? 1f : 0f, chw[y * 4 + x], 2);
                Assert.Equal(y < 2 ? 1f : 0f, chw[16 + y * 4 + x], 2);
            }
        }
    }

    [Fact]
    public void LargeJpegIsDecodedAtReducedScaleWithoutLosingTheCrop()
    {
        // 400 x 300 -> 32 x 32: the codec may decode at 1/8 scale; left half green, right half white.
        using var images = new TestImages();
        images.Write("a/big.jpg", 400, 300, (x, _) => x < 200 ? SKColors.Lime : SKColors.White, 95);
        var data = ImageFolderDataset.Open(images.Root, new ImageFolderOptions(32, 32));

        float[] chw = Load(data, 0);

        Assert.Equal(0f, chw[5 * 32 + 3], 1);        // red at a left pixel
        Assert.Equal(1f, chw[5 * 32 + 28], 1);       // red at a right pixel
        Assert.Equal(1f, chw[1024 + 5 * 32 + 3], 1); // green everywhere
    }

    [Fact]
    public void GreyImageIsRepeatedIntoThreeChannels()
    {
        using var images = new TestImages();
        images.WriteGrey("a/grey.png", 6, 6, 77);
        var data = ImageFolderDataset.Open(images.Root, new ImageFolderOptions(3, 3));

        float[] chw = Load(data, 0);

        for (int c = 0; c < 3; c++)
        {
            AssertPlane(chw, c, 9, 77 / 255f, 1e-6f);
        }
    }

    [Fact]
    public void OneChannelModeGivesBt601Luma()
    {
        using var images = new TestImages();
        images.Write("a/colour.png", 4, 4, (_, _) => new SKColor(200, 100, 50));
        images.WriteGrey("b/grey.png", 4, 4, 90);
        var data = ImageFolderDataset.Open(images.Root, new ImageFolderOptions(2, 2, channels: 1) { Mean = [0.5f], Std = [0.25f] });

        float[] colour = Load(data, 0);
        float[] grey = Load(data, 1);

        Assert.Equal(4, colour.Length);
        double luma = (0.299 * 200 + 0.587 * 100 + 0.114 * 50) / 255;
        AssertPlane(colour, 0, 4, (float)((luma - 0.5) / 0.25), 1e-5f);
        AssertPlane(grey, 0, 4, (90 / 255f - 0.5f) / 0.25f, 1e-5f);
    }

    [Fact]
    public void ClassesAreSubfoldersInOrdinalOrder()
    {
        using var images = new TestImages();
        images.Write("b/2.png", 2, 2, (_, _) => SKColors.Red);
        images.Write("b/1.png", 2, 2, (_, _) => SKColors.Red);
        images.Write("a/x.jpg", 2, 2, (_, _) => SKColors.Red);
        images.Write("C/y.JPEG", 2, 2, (_, _) => SKColors.Red);
        images.WriteBytes("a/notes.txt", [1, 2, 3]);
        images.WriteBytes("a/._x.jpg", [0, 5, 22, 7]);
        images.Write(".ipynb_checkpoints/z.png", 2, 2, (_, _) => SKColors.Red);

        var data = ImageFolderDataset.Open(images.Root, new ImageFolderOptions(2, 2));

        Assert.Equal(["C", "a", "b"], data.ClassNames);
        Assert.Equal(4, data.Count);
        Assert.Equal([0, 1, 2, 2], data.Labels.ToArray());
        Assert.Equal(Path.Combine(images.Root, "b", "1.png"), data.GetPath(2));
        Assert.Equal(Path.Combine(images.Root, "b", "2.png"), data.GetPath(3));
    }

    [Fact]
    public void CorruptImagesAreReportedOnceAndSkipped()
    {
        using var images = new TestImages();
        images.Write("a/good.png", 4, 4, (_, _) => SKColors.Red);
        var random = new byte[500];
        new Random(3).NextBytes(random);
        string noise = images.WriteBytes("a/noise.png", random);
        string full = images.Write("b/whole.jpg", 64, 64, (x, y) => new SKColor((byte)(x * 4), (byte)(y * 4), (byte)(x ^ y)), 90);
        byte[] jpeg = File.ReadAllBytes(full);
        string truncated = images.WriteBytes("b/truncated.jpg", jpeg[..(jpeg.Length / 2)]);
        var reported = new List<SkippedImage>();
        var data = ImageFolderDataset.Open(images.Root, new ImageFolderOptions(4, 4), reported.Add);
        var chw = new float[data.SampleSize];
        using var decoder = new ImageDecoder(data.Options);

        bool[] loaded = Enumerable.Range(0, data.Count).Select(i => data.TryLoad(i, chw, decoder)).ToArray();
        Assert.False(data.TryLoad(1, chw, decoder));

        Assert.Equal([true, false, false, true], loaded);   // good, noise, truncated, whole
        Assert.Equal([noise, truncated], data.Skipped.Select(s => s.Path));
        Assert.Equal(data.Skipped, reported);
        Assert.Contains("not a PNG or JPEG", data.Skipped[0].Reason, StringComparison.Ordinal);
        Assert.Contains("truncated", data.Skipped[1].Reason, StringComparison.Ordinal);
        Assert.True(data.IsSkipped(1) && data.IsSkipped(2) && !data.IsSkipped(0));
    }

    [Fact]
    public void ValidateHeadersSkipsNonImagesBeforeDecoding()
    {
        using var images = new TestImages();
        images.Write("a/good.png", 4, 4, (_, _) => SKColors.Red);
        string text = images.WriteBytes("a/fake.jpg", "hello"u8.ToArray());
        var data = ImageFolderDataset.Open(images.Root, new ImageFolderOptions(4, 4));

        Assert.Equal(1, data.ValidateHeaders());
        Assert.Equal(text, Assert.Single(data.Skipped).Path);
    }

    [Fact]
    public void EmptyClassFolderIsAnErrorNamingIt()
    {
        using var images = new TestImages();
        images.Write("a/1.png", 2, 2, (_, _) => SKColors.Red);
        string empty = images.Folder("empty");
        images.WriteBytes("empty/readme.txt", [1]);

        var e = Assert.Throws<DataFormatException>(() => ImageFolderDataset.Open(images.Root, new ImageFolderOptions(2, 2)));

        Assert.Equal(empty, e.SourceName);
        Assert.Contains("'empty' holds no images", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RootWithoutClassFoldersIsAnError()
    {
        using var images = new TestImages();
        images.Write("loose.png", 2, 2, (_, _) => SKColors.Red);

        var e = Assert.Throws<DataFormatException>(() => ImageFolderDataset.Open(images.Root, new ImageFolderOptions(2, 2)));

        Assert.Equal(images.Root, e.SourceName);
        Assert.Contains("no class subfolders", e.Message, StringComparison.Ordinal);
        Assert.Throws<DirectoryNotFoundException>(() => ImageFolderDataset.Open(Path.Combine(images.Root, "missing"), new ImageFolderOptions(2, 2)));
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ImageFolderOptions(4, 4, channels: 2));
        Assert.Throws<ArgumentException>(() => new ImageDecoder(new ImageFolderOptions(4, 4) { Mean = [0.5f] }));
        Assert.Throws<ArgumentException>(() => new ImageDecoder(new ImageFolderOptions(4, 4) { Std = [1f, 0f, 1f] }));
        Assert.Throws<ArgumentException>(() => new ImageDecoder(new ImageFolderOptions(8, 8) { ResizeShorterSide = 6 }));
    }
}

public class DecoderAllocationTests
{
    [Theory]
    [InlineData("a/x.png")]
    [InlineData("a/y.jpg")]
    public void DecodingReusesItsBuffers(string name)
    {
        // The file is ~10 KB and the decoded pixels ~1.2 MB: were either buffer allocated per call,
        // the bound would be exceeded many times over. What remains is SkiaSharp's handle objects.
        using var images = new TestImages();
        string path = images.Write(name, 640, 480, (x, y) => new SKColor((byte)x, (byte)y, (byte)(x ^ y)));
        using var decoder = new ImageDecoder(new ImageFolderOptions(32, 32));
        var chw = new float[3 * 32 * 32];
        Assert.True(decoder.TryDecode(path, chw, out _));

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            decoder.TryDecode(path, chw, out _);
        }

        long perDecode = (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        Assert.True(perDecode < 2048, $"{perDecode} managed bytes allocated per decode");
    }
}
