using System;
using NetGen.Data;
using NetGen.Training;

namespace Samples.Segmentation;

/// <summary>
/// Scenes of real digits: each <see cref="Size"/> x <see cref="Size"/> canvas holds 2 to 4
/// digits of a <see cref="MnistDataset"/> at random places (they may overlap; the brighter
/// stroke wins a pixel). Every pixel is labelled <see cref="Background"/> or 1 + the class of
/// the digit whose stroke covers it (grey level at least <see cref="StrokeLevel"/>).
/// </summary>
internal sealed class Scenes
{
    public const int Size = 64;
    public const int Classes = 11;
    public const int Background = 0;
    public const float StrokeLevel = 0.25f;

    private Scenes(int count)
    {
        Count = count;
        Images = new float[count * Size * Size];
        Labels = new int[count * Size * Size];
    }

    public int Count { get; }

    /// <summary>Count x 64 x 64 grey levels in [0, 1].</summary>
    public float[] Images { get; }

    /// <summary>Count x 64 x 64 pixel classes in [0, 10].</summary>
    public int[] Labels { get; }

    public Span<float> Image(int scene) => Images.AsSpan(scene * Size * Size, Size * Size);

    public Span<int> Label(int scene) => Labels.AsSpan(scene * Size * Size, Size * Size);

    /// <summary>Builds <paramref name="count"/> scenes from <paramref name="digits"/>; the same seed gives the same scenes.</summary>
    public static Scenes Generate(MnistDataset digits, int count, ulong seed)
    {
        var scenes = new Scenes(count);
        var random = new SeededRandom(seed);
        for (int s = 0; s < count; s++)
        {
            var image = scenes.Image(s);
            var label = scenes.Label(s);
            int placed = 2 + random.NextInt32(3);
            for (int d = 0; d < placed; d++)
            {
                int index = random.NextInt32(digits.Count);
                int top = random.NextInt32(Size - digits.Rows + 1);
                int left = random.NextInt32(Size - digits.Columns + 1);
                Paste(image, label, digits.GetImage(index), digits.Labels[index], digits.Rows, digits.Columns, top, left);
            }
        }
        return scenes;
    }

    private static void Paste(Span<float> image, Span<int> label, ReadOnlySpan<float> digit, byte digitClass,
        int rows, int columns, int top, int left)
    {
        for (int y = 0; y < rows; y++)
        {
            for (int x = 0; x < columns; x++)
            {
                float value = digit[y * columns + x];
                int at = (top + y) * Size + left + x;
                if (value <= image[at]) continue;
                image[at] = value;
                label[at] = value >= StrokeLevel ? 1 + digitClass : Background;
            }
        }
    }
}
