extern alias MnistSample;

using MnistSample::Samples.Mnist;
using Xunit;

namespace NetGen.Samples.Tests.Mnist;

/// <summary>
/// The MNIST sample's batch augmentation: every result is the image moved by at most
/// MaxShift pixels in x and y (and mirrored, when flips are on), same size, vacated pixels 0,
/// and the same seed draws the same moves.
/// </summary>
public class AugmentTests
{
    private const int Rows = 6, Columns = 7, Size = Rows * Columns;

    [Fact]
    public void A_shift_moves_each_image_by_at_most_one_pixel_and_keeps_its_size()
    {
        // Distinct values at interior pixels (a 1-pixel margin of zeros), so a shift by up to
        // one pixel loses nothing and the move can be read off any pixel.
        float[] original = Batch(count: 40);
        float[] images = (float[])original.Clone();

        new Augment(Rows, Columns, seed: 3).Apply(images, 40);

        var moves = new HashSet<(int, int)>();
        for (int i = 0; i < 40; i++)
        {
            var (dy, dx) = FindMove(original.AsSpan(i * Size, Size), images.AsSpan(i * Size, Size), flipped: false);
            Assert.InRange(dy, -1, 1);
            Assert.InRange(dx, -1, 1);
            moves.Add((dy, dx));
        }
        // 40 draws of 9 moves: all but a few must appear, or the shift is not random.
        Assert.True(moves.Count >= 7, $"only {moves.Count} distinct moves in 40 images");
    }

    [Fact]
    public void Flips_mirror_about_half_of_the_images_and_shift_them_by_up_to_max_shift()
    {
        float[] original = Batch(count: 60, margin: 2);
        float[] images = (float[])original.Clone();

        new Augment(Rows, Columns, seed: 5, maxShift: 2, flip: true).Apply(images, 60);

        int flipped = 0;
        for (int i = 0; i < 60; i++)
        {
            var before = original.AsSpan(i * Size, Size);
            var after = images.AsSpan(i * Size, Size);
            var move = TryFindMove(before, after, flipped: false);
            if (move is null)
            {
                move = TryFindMove(before, after, flipped: true)
                    ?? throw new Xunit.Sdk.XunitException($"image {i} is neither a shift nor a mirrored shift of the original");
                flipped++;
            }
            Assert.InRange(move.Value.Dy, -2, 2);
            Assert.InRange(move.Value.Dx, -2, 2);
        }
        Assert.InRange(flipped, 15, 45);
    }

    [Fact]
    public void The_same_seed_draws_the_same_moves_and_another_seed_others()
    {
        float[] original = Batch(count: 16);
        float[] a = (float[])original.Clone(), b = (float[])original.Clone(), c = (float[])original.Clone();

        new Augment(Rows, Columns, seed: 11, flip: true).Apply(a, 16);
        new Augment(Rows, Columns, seed: 11, flip: true).Apply(b, 16);
        new Augment(Rows, Columns, seed: 12, flip: true).Apply(c, 16);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Only_the_first_count_images_change()
    {
        float[] images = Batch(count: 4);
        float[] tail = images.AsSpan(3 * Size).ToArray();

        new Augment(Rows, Columns, seed: 1, maxShift: 1, flip: true).Apply(images, 3);

        Assert.Equal(tail, images.AsSpan(3 * Size).ToArray());
    }

    [Fact]
    public void Zero_shift_without_flips_leaves_images_unchanged_and_a_negative_shift_is_refused()
    {
        float[] images = Batch(count: 5);
        float[] original = (float[])images.Clone();

        new Augment(Rows, Columns, seed: 1, maxShift: 0).Apply(images, 5);

        Assert.Equal(original, images);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Augment(Rows, Columns, seed: 1, maxShift: -1));
    }

    /// <summary>Images whose pixels inside a zero margin hold distinct positive values.</summary>
    private static float[] Batch(int count, int margin = 1)
    {
        var images = new float[count * Size];
        for (int i = 0; i < count; i++)
            for (int y = margin; y < Rows - margin; y++)
                for (int x = margin; x < Columns - margin; x++)
                    images[i * Size + y * Columns + x] = 1 + i * Size + y * Columns + x;
        return images;
    }

    private static (int Dy, int Dx) FindMove(ReadOnlySpan<float> before, ReadOnlySpan<float> after, bool flipped) =>
        TryFindMove(before, after, flipped) ?? throw new Xunit.Sdk.XunitException("the result is not a shift of the original");

    /// <summary>The move (dy, dx) for which after[y, x] = before[y - dy, x' - dx] everywhere (x' mirrored when flipped), zeros outside.</summary>
    private static (int Dy, int Dx)? TryFindMove(ReadOnlySpan<float> before, ReadOnlySpan<float> after, bool flipped)
    {
        for (int dy = -Rows + 1; dy < Rows; dy++)
        {
            for (int dx = -Columns + 1; dx < Columns; dx++)
            {
                bool match = true;
                for (int y = 0; y < Rows && match; y++)
                {
                    for (int x = 0; x < Columns && match; x++)
                    {
                        int sy = y - dy, sx = x - dx;
                        if (flipped) sx = Columns - 1 - sx;
                        float expected = sy >= 0 && sy < Rows && sx >= 0 && sx < Columns ? before[sy * Columns + sx] : 0f;
                        match = after[y * Columns + x] == expected;
                    }
                }
                if (match) return (dy, dx);
            }
        }
        return null;
    }
}
