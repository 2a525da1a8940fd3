using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

/// <summary>
/// A crop's window: explicit (top, left, height, width), or centred on the input with a target
/// node's height and width (<c>crop(like: u)</c>). Centring puts the odd row or column, when
/// the sizes differ by an odd number, at the bottom or right, as 'same' padding puts its extra.
/// </summary>
internal static class CropWindow
{
    /// <summary>The centred window of <paramref name="height"/> x <paramref name="width"/> in <paramref name="input"/>; null when it is larger.</summary>
    public static LayerArgs? Centred(LayerArgs args, Shape input, int height, int width)
    {
        if (height > input.H || width > input.W) return null;
        return args with
        {
            CropTop = (input.H - height) / 2,
            CropLeft = (input.W - width) / 2,
            CropHeight = height,
            CropWidth = width,
        };
    }

    /// <summary>"the 56x56 window at top 4, left 4", for messages.</summary>
    public static string Describe(LayerArgs a) =>
        "the " + ShapeText.HxW(a.CropHeight, a.CropWidth) + " window at top " + a.CropTop + ", left " + a.CropLeft;
}
