using System.Globalization;

namespace NetGen.Generator.Model;

/// <summary>
/// How sizes read everywhere (summary, diagnostics, CLI): fp32 bytes, MB = 10^6 bytes as
/// Keras and torchinfo print, counts with thousands separators, invariant culture.
/// </summary>
public static class Units
{
    /// <summary>903400 -> "903,400".</summary>
    public static string FormatCount(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Bytes in decimal units, one decimal: "526.0 MB", "12.3 KB", "1.2 GB", "512 B".</summary>
    public static string FormatBytes(long bytes)
    {
        double b = bytes;
        if (bytes < 1_000) return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        if (bytes < 1_000_000) return (b / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + " KB";
        if (bytes < 1_000_000_000) return (b / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
        return (b / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " GB";
    }

    /// <summary>Multiply-accumulates: "1.23 GMACs", "45.6 MMACs", "789 MACs".</summary>
    public static string FormatMacs(long macs)
    {
        double m = macs;
        if (macs < 1_000_000) return FormatCount(macs);
        if (macs < 1_000_000_000) return (m / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + " M";
        return (m / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " G";
    }
}
