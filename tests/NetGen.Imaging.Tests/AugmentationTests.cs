using Xunit;

namespace NetGen.Imaging.Tests;

public class AugmentationTests
{
    private const int C = 2, H = 5, W = 6;

    // Distinct value per position: c * 100 + y * 10 + x.
    private static float[] Ramp()
    {
        var chw = new float[C * H * W];
        for (int c = 0; c < C; c++)
        {
            for (int y = 0; y < H; y++)
            {
                for (int x = 0; x < W; x++)
                {
                    chw[(c * H + y) * W + x] = c * 100 + y * 10 + x;
                }
            }
        }

        return chw;
    }

    [Fact]
    public void FlipMovesAPixelToTheMirroredColumn()
    {
        float[] chw = Ramp();

        ImageAugmenter.FlipHorizontal(chw, C, H, W);

        Assert.Equal(100 + 30 + 1, chw[(1 * H + 3) * W + (W - 1 - 1)]);
        Assert.Equal(0 + 20 + 5, chw[(0 * H + 2) * W + 0]);
    }

    [Fact]
    public void CropWithPaddingShiftsByTheDrawnOffset()
    {
        const int P = 2;
        const float Fill = -5f;
        var augmenter = new ImageAugmenter(new ImageAugmentation { CropPadding = P, Fill = Fill }, C, H, W);
        int sample = Enumerable.Range(0, 100).First(i => augmenter.Draw(9, 0, i) is { ShiftX: not 0, ShiftY: not 0 });
        float[] chw = Ramp();

        AugmentationDraw draw = augmenter.Apply(chw, seed: 9, epoch: 0, sampleIndex: sample);

        // Reference: pad explicitly, then take the W x H window at (P + dx, P + dy).
        float[] source = Ramp();
        for (int c = 0; c < C; c++)
        {
            var padded = new float[H + 2 * P, W + 2 * P];
            for (int y = 0; y < H + 2 * P; y++)
            {
                for (int x = 0; x < W + 2 * P; x++)
                {
                    bool inside = y >= P && y < H + P && x >= P && x < W + P;
                    padded[y, x] = inside ? source[(c * H + y - P) * W + x - P] : Fill;
                }
            }

            for (int y = 0; y < H; y++)
            {
                for (int x = 0; x < W; x++)
                {
                    Assert.Equal(padded[y + P + draw.ShiftY, x + P + draw.ShiftX], chw[(c * H + y) * W + x]);
                }
            }
        }

        Assert.False(draw.Flip);
        Assert.Equal(0f, draw.AngleDegrees);
    }

    [Fact]
    public void ReflectPaddingMirrorsWithoutRepeatingTheEdge()
    {
        float[] row = [0, 1, 2, 3, 4];
        var left = new float[5];
        var right = new float[5];

        ImageAugmenter.Shift(left, row, 1, 1, 5, dx: -2, dy: 0, PaddingMode.Reflect, fill: 99);
        ImageAugmenter.Shift(right, row, 1, 1, 5, dx: 2, dy: 0, PaddingMode.Reflect, fill: 99);

        Assert.Equal([2f, 1, 0, 1, 2], left);
        Assert.Equal([2f, 3, 4, 3, 2], right);
    }

    [Fact]
    public void DrawsDependOnlyOnSeedEpochAndSampleAndCoverTheirRange()
    {
        var augmenter = new ImageAugmenter(new ImageAugmentation { CropPadding = 3, HorizontalFlip = true, MaxRotationDegrees = 10, MaxTranslation = 0.1f }, C, H, W);
        AugmentationDraw[] draws = Enumerable.Range(0, 2000).Select(i => augmenter.Draw(5, 2, i)).ToArray();

        Assert.Equal(draws[17], augmenter.Draw(5, 2, 17));
        Assert.NotEqual(draws[17], augmenter.Draw(5, 3, 17));
        Assert.NotEqual(draws[17], augmenter.Draw(6, 2, 17));
        Assert.Equal(-3, draws.Min(d => d.ShiftX));
        Assert.Equal(3, draws.Max(d => d.ShiftY));
        Assert.InRange(draws.Count(d => d.Flip), 900, 1100);
        Assert.All(draws, d => Assert.InRange(d.AngleDegrees, -10f, 10f));
        Assert.All(draws, d => Assert.InRange(d.TranslateX, -0.1f * W, 0.1f * W));
        Assert.True(draws.Min(d => d.AngleDegrees) < -9 && draws.Max(d => d.AngleDegrees) > 9);
    }

    [Fact]
    public void TurningOneTransformOffLeavesTheOthersDraws()
    {
        var all = new ImageAugmenter(new ImageAugmentation { CropPadding = 2, HorizontalFlip = true, MaxRotationDegrees = 10 }, C, H, W);
        var noFlip = new ImageAugmenter(new ImageAugmentation { CropPadding = 2, MaxRotationDegrees = 10 }, C, H, W);

        AugmentationDraw a = all.Draw(1, 0, 4), b = noFlip.Draw(1, 0, 4);

        Assert.Equal((a.ShiftX, a.ShiftY, a.AngleDegrees), (b.ShiftX, b.ShiftY, b.AngleDegrees));
        Assert.False(b.Flip);
    }

    [Fact]
    public void RotationByZeroIsIdentity()
    {
        float[] source = Ramp();
        var destination = new float[source.Length];

        ImageAugmenter.RotateTranslate(destination, source, C, H, W, 0f, 0f, 0f, fill: 7f);

        Assert.Equal(source, destination);
    }

    [Fact]
    public void IntegerTranslationEqualsAShift()
    {
        float[] source = Ramp();
        var translated = new float[source.Length];
        var shifted = new float[source.Length];

        ImageAugmenter.RotateTranslate(translated, source, C, H, W, 0f, 2f, -1f, fill: 7f);
        ImageAugmenter.Shift(shifted, source, C, H, W, dx: -2, dy: 1, PaddingMode.Constant, fill: 7f);

        Assert.Equal(shifted, translated);
    }

    [Fact]
    public void QuarterTurnMovesRightOfCentreToBelowCentre()
    {
        // 5 x 5, centre (2, 2): the pixel at (4, 2) goes to (2, 4) under a clockwise quarter turn.
        var source = new float[25];
        source[2 * 5 + 4] = 1f;
        var destination = new float[25];

        ImageAugmenter.RotateTranslate(destination, source, 1, 5, 5, 90f, 0f, 0f, fill: 0f);

        Assert.Equal(1f, destination[4 * 5 + 2], 5);
        Assert.Equal(1f, destination.Sum(), 4);
    }

    [Fact]
    public void HalfPixelTranslationInterpolatesBilinearly()
    {
        float[] row = [0, 10, 20, 30];
        var destination = new float[4];

        ImageAugmenter.RotateTranslate(destination, row, 1, 1, 4, 0f, 0.5f, 0f, fill: -10f);

        Assert.Equal([-5f, 5, 15, 25], destination);
    }

    [Fact]
    public void ApplyAllocatesNothing()
    {
        var augmenter = new ImageAugmenter(new ImageAugmentation { CropPadding = 2, Padding = PaddingMode.Reflect, HorizontalFlip = true, MaxRotationDegrees = 15, MaxTranslation = 0.1f }, C, H, W);
        float[] chw = Ramp();
        augmenter.Apply(chw, 1, 0, 0);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 50; i++)
        {
            augmenter.Apply(chw, 1, 0, i);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }

    [Fact]
    public void ReflectPaddingAsLargeAsTheImageIsRejected()
    {
        Assert.Throws<ArgumentException>(() => new ImageAugmenter(new ImageAugmentation { CropPadding = 5, Padding = PaddingMode.Reflect }, C, H, W));
        Assert.Throws<ArgumentException>(() => new ImageAugmenter(new ImageAugmentation { MaxRotationDegrees = -1 }, C, H, W));
    }
}
