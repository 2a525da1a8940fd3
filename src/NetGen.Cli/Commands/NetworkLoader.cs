using System;
using System.Collections.Generic;
using System.IO;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;

namespace NetGen.Cli.Commands;

/// <summary>The networks of one file and the diagnostics found while reading it.</summary>
internal sealed record LoadedNetworks(string Path, IReadOnlyList<NetworkIR> Networks, IReadOnlyList<DiagnosticInfo> Diagnostics);

/// <summary>Reads a .cnn or .cs file through the same front ends the generator uses.</summary>
internal static class NetworkLoader
{
    public static LoadedNetworks Load(string path) => Load(path, File.ReadAllText(path));

    /// <summary>Reads <paramref name="text"/> as the content of <paramref name="path"/> (its extension picks the front end).</summary>
    public static LoadedNetworks Load(string path, string text)
    {
        if (path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
            return CSharpNetworkLoader.Load(path, text);
        var file = CnnParser.Parse(path, text);
        return new LoadedNetworks(path, file.Networks, file.Diagnostics);
    }

    /// <summary>A file's bytes as text, as <see cref="File.ReadAllText(string)"/> decodes them (UTF-8, or the encoding a byte order mark names).</summary>
    public static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes, writable: false), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
