extern alias SegmentationSample;

using NetGen.Data;
using SegmentationSample::Samples.Segmentation;
using Xunit;

namespace NetGen.Samples.Tests.Segmentation;

/// <summary>
/// The scene builder against a reference written from its documentation: each pixel takes the
/// brightest digit pixel pasted on it (the first placed wins a tie), and its label is 1 + that
/// digit's class where the grey level is at least 0.25, background elsewhere.
/// </summary>
public class ScenesTests
{
    private const int Size = Scenes.Size;

    [Fact]
    public void Shipped_digit_scenes_hold_two_to_four_digits_labelled_by_the_pixels_placed()
    {
        var digits = ShippedDigits.All;
        var scenes = Scenes.Generate(digits, count: 30, seed: 7);

        Assert.Equal(30, scenes.Count);
        Assert.Equal(30 * Size * Size, scenes.Images.Length);
        Assert.Equal(30 * Size * Size, scenes.Labels.Length);
        var counts = new HashSet<int>();
        for (int s = 0; s < scenes.Count; s++)
        {
            var placed = scenes.Placements(s).ToArray();
            Assert.InRange(placed.Length, 2, 4);
            counts.Add(placed.Length);
            foreach (var p in placed)
            {
                Assert.InRange(p.Digit, 0, digits.Count - 1);
                Assert.InRange(p.Top, 0, Size - 28);
                Assert.InRange(p.Left, 0, Size - 28);
            }
            var (image, label) = Reference(digits, placed);
            Assert.Equal(image, scenes.Image(s).ToArray());
            Assert.Equal(label, scenes.Label(s).ToArray());
            // However the digits overlap, some stroke is left to label.
            Assert.Contains(scenes.Label(s).ToArray(), c => c != Scenes.Background);
        }
        Assert.Equal(new[] { 2, 3, 4 }, counts.Order());
        Assert.All(scenes.Labels, c => Assert.InRange(c, 0, Scenes.Classes - 1));
    }

    [Fact]
    public void Stroke_pixels_are_a_tenth_of_a_scene_as_the_readme_says()
    {
        var scenes = Scenes.Generate(ShippedDigits.All, count: 50, seed: 1);

        double background = scenes.Labels.Count(c => c == Scenes.Background) / (double)scenes.Labels.Length;

        // README: background is about 89 % of the pixels.
        Assert.InRange(background, 0.85, 0.93);
    }

    [Fact]
    public void The_same_seed_builds_the_same_scenes_and_another_seed_others()
    {
        var a = Scenes.Generate(ShippedDigits.All, count: 8, seed: 21);
        var b = Scenes.Generate(ShippedDigits.All, count: 8, seed: 21);
        var c = Scenes.Generate(ShippedDigits.All, count: 8, seed: 22);

        Assert.Equal(a.Images, b.Images);
        Assert.Equal(a.Labels, b.Labels);
        Assert.Equal(a.Placements(3).ToArray(), b.Placements(3).ToArray());
        Assert.NotEqual(a.Labels, c.Labels);
    }

    [Fact]
    public void Where_digits_overlap_the_brighter_stroke_wins_and_a_tie_keeps_the_first()
    {
        // Two hand-made 28x28 "digits": class 3 with grey 0.5 in rows 0..9, 0.2 in rows 10..13;
        // class 7 with grey 0.8 in columns 0..9 and 0.5 elsewhere.
        var pixels = new float[2 * 28 * 28];
        for (int y = 0; y < 28; y++)
        {
            for (int x = 0; x < 28; x++)
            {
                pixels[y * 28 + x] = y < 10 ? 0.5f : y < 14 ? 0.2f : 0f;
                pixels[28 * 28 + y * 28 + x] = x < 10 ? 0.8f : 0.5f;
            }
        }
        var digits = new MnistDataset(pixels, [3, 7], 28, 28);
        var image = new float[Size * Size];
        var label = new int[Size * Size];

        // The 7 sits 5 rows lower and 4 columns to the right of the 3.
        Scenes.Compose(digits, [new DigitPlacement(0, 0, 0), new DigitPlacement(1, 5, 4)], image, label);

        int At(int y, int x) => label[y * Size + x];
        Assert.Equal(1 + 3, At(2, 2));             // only the 3, grey 0.5
        Assert.Equal(Scenes.Background, At(12, 2)); // only the 3, grey 0.2 < 0.25
        Assert.Equal(1 + 7, At(6, 8));              // 0.8 of the 7 over 0.5 of the 3
        Assert.Equal(1 + 3, At(6, 20));             // 0.5 against 0.5: the 3, placed first, keeps it
        Assert.Equal(0.5f, image[6 * Size + 20]);
        Assert.Equal(1 + 7, At(12, 20));            // 0.5 of the 7 over 0.2 of the 3
        Assert.Equal(Scenes.Background, At(40, 40)); // neither
        Assert.Equal(Reference(digits, [new(0, 0, 0), new(1, 5, 4)]).Label, label);

        // In the other order the tie goes to the 7.
        Scenes.Compose(digits, [new DigitPlacement(1, 5, 4), new DigitPlacement(0, 0, 0)], image, label);
        Assert.Equal(1 + 7, At(6, 20));
        Assert.Equal(1 + 7, At(6, 8));
    }

    [Fact]
    public void A_digit_that_does_not_fit_the_scene_is_refused()
    {
        var image = new float[Size * Size];
        var label = new int[Size * Size];

        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Scenes.Compose(ShippedDigits.All, [new DigitPlacement(4, 37, 0)], image, label));

        Assert.Contains("digit 4 at (37, 0) does not fit a 64x64 scene", error.Message);
    }

    /// <summary>The documented rule, pixel by pixel over the digits that cover it.</summary>
    private static (float[] Image, int[] Label) Reference(MnistDataset digits, DigitPlacement[] placed)
    {
        var image = new float[Size * Size];
        var label = new int[Size * Size];
        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                float best = 0;
                int owner = -1;
                foreach (var p in placed)
                {
                    int dy = y - p.Top, dx = x - p.Left;
                    if (dy < 0 || dy >= digits.Rows || dx < 0 || dx >= digits.Columns) continue;
                    float value = digits.GetImage(p.Digit)[dy * digits.Columns + dx];
                    if (value > best) (best, owner) = (value, p.Digit);
                }
                image[y * Size + x] = best;
                label[y * Size + x] = owner >= 0 && best >= Scenes.StrokeLevel ? 1 + digits.Labels[owner] : Scenes.Background;
            }
        }
        return (image, label);
    }
}
