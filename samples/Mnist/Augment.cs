using System;
using NetGen.Training;

namespace Samples.Mnist;

/// <summary>
/// Random translations (and, optionally, horizontal flips) of a batch of images, in place:
/// each image moves by up to <see cref="MaxShift"/> pixels in x and y (vacated pixels become
/// background, as a random crop of the image padded by that much). With 8,000 training digits
/// the network otherwise memorises them; shifted copies teach it that a digit is the same
/// digit a pixel to the left. Flips suit clothing (a mirrored shirt is still a shirt), not
/// digits. Seeded, and allocation-free per batch.
/// </summary>
internal sealed class Augment
{
    private readonly SeededRandom _random;
    private readonly float[] _scratch;
    private readonly int _rows, _columns;
    private readonly bool _flip;

    public Augment(int rows, int columns, ulong seed, int maxShift = 1, bool flip = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxShift);
        _rows = rows;
        _columns = columns;
        _scratch = new float[rows * columns];
        _random = new SeededRandom(seed);
        MaxShift = maxShift;
        _flip = flip;
    }

    /// <summary>The largest move in x or y, in pixels.</summary>
    public int MaxShift { get; }

    /// <summary>Shifts (and flips half of) the <paramref name="count"/> images of <paramref name="images"/> (count x rows x columns).</summary>
    public void Apply(Span<float> images, int count)
    {
        int size = _rows * _columns;
        for (int i = 0; i < count; i++)
        {
            bool flip = _flip && _random.NextInt32(2) == 1;
            int dy = _random.NextInt32(2 * MaxShift + 1) - MaxShift;
            int dx = _random.NextInt32(2 * MaxShift + 1) - MaxShift;
            var image = images.Slice(i * size, size);
            image.CopyTo(_scratch);
            image.Clear();
            for (int y = Math.Max(0, dy); y < Math.Min(_rows, _rows + dy); y++)
            {
                var source = _scratch.AsSpan((y - dy) * _columns, _columns);
                var target = image.Slice(y * _columns, _columns);
                if (!flip)
                {
                    source.Slice(Math.Max(0, -dx), _columns - Math.Abs(dx)).CopyTo(target.Slice(Math.Max(0, dx)));
                    continue;
                }
                for (int x = Math.Max(0, dx); x < Math.Min(_columns, _columns + dx); x++)
                    target[x] = source[_columns - 1 - (x - dx)];
            }
        }
    }
}
