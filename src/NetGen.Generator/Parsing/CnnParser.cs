using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>Everything one .cnn file holds: its networks (those free of errors) and its diagnostics.</summary>
public sealed record CnnFile(string Path, EquatableArray<NetworkIR> Networks, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>The .cnn front end: text to IR. Grammar in docs/cnn-language.md.</summary>
public static class CnnParser
{
    /// <summary>Parses a file; never throws: every problem is a diagnostic at its token.</summary>
    /// <param name="defaultNamespace">Namespace of generated classes when the file declares none.</param>
    public static CnnFile Parse(string path, string text, string defaultNamespace = "NetGen.Networks") =>
        throw new System.NotImplementedException("parser under construction");
}
