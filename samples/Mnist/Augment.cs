using System;
using NetGen.Training;

namespace Samples.Mnist;

/// <summary>
/// Random translations of a batch of digits, in place: each image moves by up to
/// <see cref="MaxShift"/> pixels in x and y (vacated pixels become background). With 8,000
/// training images the network otherwise memorises them; shifted copies teach it that a
/// digit is the same digit a pixel to the left. Seeded, and allocation-free per batch.
/// </summary>
internal sealed class Augment
{
    public const int MaxShift = 1;
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

    /// <summary>Shifts each of the <paramref name="count"/> images of <paramref name="images"/> (count x rows x columns).</summary>
    public void Shift(Span<float> images, int count)
    {
        int size = _rows * _columns;
        for (int i = 0; i < count; i++)
        {
            int dy = _random.NextInt32(2 * MaxShift + 1) - MaxShift;
            int dx = _random.NextInt32(2 * MaxShift + 1) - MaxShift;
            var image = images.Slice(i * size, size);
            image.CopyTo(_scratch);
            image.Clear();
            for (int y = Math.Max(0, dy); y < Math.Min(_rows, _rows + dy); y++)
            {
                _scratch.AsSpan((y - dy) * _columns + Math.Max(0, -dx), _columns - Math.Abs(dx))
                    .CopyTo(image.Slice(y * _columns + Math.Max(0, dx)));
            }
        }
    }
}
