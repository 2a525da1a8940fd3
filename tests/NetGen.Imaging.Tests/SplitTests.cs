using SkiaSharp;
using Xunit;

namespace NetGen.Imaging.Tests;

public class SplitTests
{
    // Classes a, b, c with 10, 20 and 30 tiny images.
    private static ImageFolderDataset Make(TestImages images)
    {
        int[] sizes = [10, 20, 30];
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < sizes[c]; i++)
            {
                images.Write($"{(char)('a' + c)}/{i:D2}.png", 2, 2, (_, _) => SKColors.Gray);
            }
        }

        return ImageFolderDataset.Open(images.Root, new ImageFolderOptions(2, 2));
    }

    private static int[] CountByClass(ImageFolderDataset data, int[] indices)
    {
        var counts = new int[data.ClassCount];
        foreach (int i in indices)
        {
            counts[data.GetLabel(i)]++;
        }

        return counts;
    }

    [Fact]
    public void SameSeedSameSplitAndSetsAreDisjointAndStratified()
    {
        using var images = new TestImages();
        var data = Make(images);

        ImageSplit first = data.Split(30, 12, 18, seed: 42);
        ImageSplit again = data.Split(30, 12, 18, seed: 42);
        ImageSplit other = data.Split(30, 12, 18, seed: 43);

        Assert.Equal(first.Train, again.Train);
        Assert.Equal(first.Validation, again.Validation);
        Assert.Equal(first.Test, again.Test);
        Assert.NotEqual(first.Test, other.Test);
        int[] all = [.. first.Train, .. first.Validation, .. first.Test];
        Assert.Equal(Enumerable.Range(0, 60), all.Order());
        // Proportions 1 : 2 : 3, within one sample per class.
        AssertNear([5, 10, 15], CountByClass(data, first.Train));
        AssertNear([2, 4, 6], CountByClass(data, first.Validation));
        AssertNear([3, 6, 9], CountByClass(data, first.Test));
    }

    [Fact]
    public void TestSetDoesNotDependOnTheOtherCounts()
    {
        using var images = new TestImages();
        var data = Make(images);

        ImageSplit small = data.Split(10, 5, 12, seed: 7);
        ImageSplit large = data.Split(40, 8, 12, seed: 7);

        Assert.Equal(small.Test, large.Test);
        Assert.Equal(small.Validation, large.Validation[..5]);
    }

    [Fact]
    public void FractionsRoundAndSkippedImagesAreLeftOut()
    {
        using var images = new TestImages();
        Make(images);
        images.WriteBytes("b/zz-broken.png", [1, 2, 3, 4]);
        var data = ImageFolderDataset.Open(images.Root, new ImageFolderOptions(2, 2));
        Assert.Equal(1, data.ValidateHeaders());
        int broken = data.Count - 31;   // b's last file, before the 30 of class c

        ImageSplit split = data.Split(validationFraction: 0.1, testFraction: 0.25, seed: 1);

        Assert.Equal((6, 15, 39), (split.Validation.Length, split.Test.Length, split.Train.Length));
        Assert.True(data.IsSkipped(broken));
        Assert.DoesNotContain(broken, split.Train.Concat(split.Validation).Concat(split.Test));
    }

    private static void AssertNear(int[] expected, int[] actual)
    {
        for (int c = 0; c < expected.Length; c++)
        {
            Assert.True(Math.Abs(expected[c] - actual[c]) <= 1, $"class {c}: expected about {expected[c]}, got {actual[c]}");
        }
    }
}
