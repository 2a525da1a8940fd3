using System;
using NetGen.Training;

namespace Samples.FashionMnist;

/// <summary>
/// Random horizontal flips and translations of a batch of images, in place: a mirrored shirt is
/// still a shirt, and each image moves by up to <see cref="MaxShift"/> pixels in x and y
/// (vacated pixels become background, as a random crop of an image padded by that much).
/// Seeded, and allocation-free per batch. Not applied to test images.
/// </summary>
internal sealed class Augment
{
    public const int MaxShift = 2;
    private readonly SeededRandom _random;
    private readonly float[] _scratch;
    private readonly int _rows, _columns;

    public Augment(int rows, int columns, ulong seed)
    {
        _rows = rows;
        _columns = columns;
        _scratch = new float[rows * columns];
        _random = new SeededRandom(seed);
    }

    /// <summary>Flips half the <paramref name="count"/> images of <paramref name="images"/> (count x rows x columns) and shifts each.</summary>
    public void Apply(Span<float> images, int count)
    {
        int size = _rows * _columns;
        for (int i = 0; i < count; i++)
        {
            var image = images.Slice(i * size, size);
            bool flip = _random.NextInt32(2) == 1;
            int dy = _random.NextInt32(2 * MaxShift + 1) - MaxShift;
            int dx = _random.NextInt32(2 * MaxShift + 1) - MaxShift;
            image.CopyTo(_scratch);
            image.Clear();
            for (int y = Math.Max(0, dy); y < Math.Min(_rows, _rows + dy); y++)
            {
                var source = _scratch.AsSpan((y - dy) * _columns, _columns);
                var target = image.Slice(y * _columns, _columns);
                for (int x = Math.Max(0, dx); x < Math.Min(_columns, _columns + dx); x++)
                {
                    int from = x - dx;
                    target[x] = source[flip ? _columns - 1 - from : from];
                }
            }
        }
    }
}
