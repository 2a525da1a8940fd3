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
    public static LoadedNetworks Load(string path)
    {
        string text = File.ReadAllText(path);
        if (path.EndsWith(".cs", StringComparison.OrdinalIgnoreCase))
            return CSharpNetworkLoader.Load(path, text);
        var file = CnnParser.Parse(path, text);
        return new LoadedNetworks(path, file.Networks, file.Diagnostics);
    }
}
