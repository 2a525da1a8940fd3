using System;
using NetGen.Data;
using NetGen.Training;

namespace Samples.Segmentation;

/// <summary>
/// Scenes of real digits: each <see cref="Size"/> x <see cref="Size"/> canvas holds 2 to 4
/// digits of a <see cref="MnistDataset"/> at random places (they may overlap; the brighter
/// stroke wins a pixel). Every pixel is labelled <see cref="Background"/> or 1 + the class of
/// the digit whose stroke covers it (grey level at least <see cref="StrokeLevel"/>); where
/// two digits are equally bright, the one placed first keeps the pixel.
/// </summary>
internal sealed class Scenes
{
    public const int Size = 64;
    public const int Classes = 11;
    public const int Background = 0;
    public const float StrokeLevel = 0.25f;

    private readonly DigitPlacement[][] _placements;

    private Scenes(int count)
    {
        Count = count;
        Images = new float[count * Size * Size];
        Labels = new int[count * Size * Size];
        _placements = new DigitPlacement[count][];
    }

    public int Count { get; }

    /// <summary>Count x 64 x 64 grey levels in [0, 1].</summary>
    public float[] Images { get; }

    /// <summary>Count x 64 x 64 pixel classes in [0, 10].</summary>
    public int[] Labels { get; }

    public Span<float> Image(int scene) => Images.AsSpan(scene * Size * Size, Size * Size);

    public Span<int> Label(int scene) => Labels.AsSpan(scene * Size * Size, Size * Size);

    /// <summary>The digits of scene <paramref name="scene"/>, in the order they were pasted.</summary>
    public ReadOnlySpan<DigitPlacement> Placements(int scene) => _placements[scene];

    /// <summary>Builds <paramref name="count"/> scenes from <paramref name="digits"/>; the same seed gives the same scenes.</summary>
    public static Scenes Generate(MnistDataset digits, int count, ulong seed)
    {
        var scenes = new Scenes(count);
        var random = new SeededRandom(seed);
        for (int s = 0; s < count; s++)
        {
            var placed = new DigitPlacement[2 + random.NextInt32(3)];
            for (int d = 0; d < placed.Length; d++)
            {
                int index = random.NextInt32(digits.Count);
                int top = random.NextInt32(Size - digits.Rows + 1);
                int left = random.NextInt32(Size - digits.Columns + 1);
                placed[d] = new DigitPlacement(index, top, left);
            }
            scenes._placements[s] = placed;
            Compose(digits, placed, scenes.Image(s), scenes.Label(s));
        }
        return scenes;
    }

    /// <summary>
    /// Pastes the digits <paramref name="placed"/> (indices into <paramref name="digits"/>, in
    /// order) onto an empty <paramref name="image"/> and its <paramref name="label"/> mask, both 64 x 64.
    /// </summary>
    public static void Compose(MnistDataset digits, ReadOnlySpan<DigitPlacement> placed, Span<float> image, Span<int> label)
    {
        image.Clear();
        label.Fill(Background);
        foreach (var p in placed)
        {
            if (p.Top < 0 || p.Left < 0 || p.Top + digits.Rows > Size || p.Left + digits.Columns > Size)
                throw new ArgumentOutOfRangeException(nameof(placed), $"digit {p.Digit} at ({p.Top}, {p.Left}) does not fit a {Size}x{Size} scene");
            Paste(image, label, digits.GetImage(p.Digit), digits.Labels[p.Digit], digits.Rows, digits.Columns, p.Top, p.Left);
        }
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

/// <summary>A digit of a scene: its index in the digit set and its top-left corner, in pixels.</summary>
internal readonly record struct DigitPlacement(int Digit, int Top, int Left);
