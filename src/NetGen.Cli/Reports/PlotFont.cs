using System;
using System.IO;
using System.Linq;
using ScottPlot;

namespace NetGen.Cli.Reports;

/// <summary>
/// The font plots draw text with. SkiaSharp's dependency-free native library (the one NetGen.Imaging
/// and ScottPlot use) has no fontconfig, so it finds no system font by name and text would not be
/// drawn; a TrueType file from the usual font folders is registered with ScottPlot instead.
/// </summary>
internal static class PlotFont
{
    private const string FontName = "NetGen Plot Sans";

    // Sans-serif faces found on common Linux distributions, macOS and Windows, best first.
    private static readonly string[] Candidates =
    [
        "DejaVuSans.ttf", "LiberationSans-Regular.ttf", "NotoSans-Regular.ttf", "FreeSans.ttf",
        "Arial.ttf", "arial.ttf", "Helvetica.ttc", "segoeui.ttf",
    ];

    private static readonly Lazy<string?> Registered = new(Register);

    /// <summary>The registered font's name for text that <see cref="Apply"/> does not reach (labels added to a plot); null when none was found.</summary>
    public static string? Name => Registered.Value is null ? null : FontName;

    /// <summary>Sets <paramref name="plot"/>'s text to the registered font; false when no font file was found (text is then not drawn).</summary>
    public static bool Apply(Plot plot)
    {
        if (Registered.Value is null) return false;
        plot.Font.Set(FontName);
        return true;
    }

    private static string? Register()
    {
        string? path = Find();
        if (path is null) return null;
        Fonts.AddFontFile(FontName, path);
        return path;
    }

    private static string? Find()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string[] folders =
        [
            "/usr/share/fonts", "/usr/local/share/fonts", Path.Combine(home, ".local/share/fonts"), Path.Combine(home, ".fonts"),
            "/Library/Fonts", "/System/Library/Fonts", Environment.GetFolderPath(Environment.SpecialFolder.Fonts),
        ];
        foreach (string file in Candidates)
        {
            foreach (string folder in folders.Where(f => f.Length > 0 && Directory.Exists(f)))
            {
                var found = SafeSearch(folder, file);
                if (found is not null) return found;
            }
        }
        return null;
    }

    private static string? SafeSearch(string folder, string file)
    {
        try
        {
            return Directory.EnumerateFiles(folder, file, SearchOption.AllDirectories).FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
