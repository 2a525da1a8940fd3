using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>How shapes and sizes read in analysis diagnostics, and the largest tensor NetGen supports.</summary>
internal static class ShapeText
{
    /// <summary>One sample's tensor is addressed by a <c>Span&lt;float&gt;</c>, so it holds at most int.MaxValue elements.</summary>
    public const long MaxElements = int.MaxValue;

    public static readonly string MaxElementsText = Units.FormatCount(MaxElements) + " elements per tensor";

    /// <summary>"'b' (64, 56, 56)": a node named together with its output shape.</summary>
    public static string Named(string name, Shape shape) => "'" + name + "' " + shape;

    /// <summary>Dimensions that may not form a valid <see cref="Shape"/> (zero, negative or too large), as (C, H, W) or (C).</summary>
    public static string Dims(int rank, long c, long h, long w) => rank == 1 ? $"({c})" : $"({c}, {h}, {w})";

    /// <summary>"output (3, 70000, 70000) of 14,700,000,000 elements".</summary>
    public static string TooLarge(int rank, long c, long h, long w)
    {
        double elements = (double)c * h * w;
        string count = elements < long.MaxValue ? Units.FormatCount((long)elements) : elements.ToString("0.##E+0", System.Globalization.CultureInfo.InvariantCulture);
        return "output " + Dims(rank, c, h, w) + " of " + count + " elements";
    }

    /// <summary>"3x3": a kernel or padded input, height x width.</summary>
    public static string HxW(long h, long w) => h + "x" + w;
}
