using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace NetGen.Onnx;

/// <summary>One line of a weight map: an ONNX initializer and the network parameter it fills (null: deliberately not imported).</summary>
/// <param name="OnnxName">The initializer's name in the ONNX graph.</param>
/// <param name="ParameterName">The network parameter ("conv1.weight"), or null for an entry mapped to '-'.</param>
/// <param name="Line">One-based line in the map file.</param>
public sealed record OnnxWeightMapEntry(string OnnxName, string? ParameterName, int Line);

/// <summary>A weight map file is malformed: the message starts with <c>file(line)</c>.</summary>
public sealed class OnnxWeightMapException : FormatException
{
    internal OnnxWeightMapException(string source, int line, string message)
        : base($"{source}({line.ToString(CultureInfo.InvariantCulture)}): {message}")
    {
        SourceName = source;
        Line = line;
    }

    /// <summary>The map file's path or name.</summary>
    public string SourceName { get; }

    /// <summary>One-based line at fault.</summary>
    public int Line { get; }
}

/// <summary>
/// Which ONNX initializer fills which network parameter. The text format, one entry a line:
/// <code>
/// # comments run from '#' to the end of the line
/// Parameter91 -> conv1.weight
/// Parameter96 -> bn1.weight
/// Constant7   -> -              # in the model, deliberately not imported
/// </code>
/// Names contain no whitespace and no '#'. Each ONNX name and each parameter name appears
/// at most once. The tensor's layout must already be the parameter's (PyTorch's: conv
/// (K, C/groups, R, S), dense (out, in)); <see cref="OnnxImport.Bind"/> checks the shapes.
/// </summary>
public sealed class OnnxWeightMap
{
    private OnnxWeightMap(string sourceName, IReadOnlyList<OnnxWeightMapEntry> entries)
    {
        SourceName = sourceName;
        Entries = entries;
    }

    /// <summary>The file's path or the name given to <see cref="Parse"/>.</summary>
    public string SourceName { get; }

    /// <summary>The entries in file order.</summary>
    public IReadOnlyList<OnnxWeightMapEntry> Entries { get; }

    /// <summary>Reads a map file; errors are <see cref="OnnxWeightMapException"/> at file(line).</summary>
    public static OnnxWeightMap Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses map text; <paramref name="sourceName"/> names it in errors.</summary>
    public static OnnxWeightMap Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        var entries = new List<OnnxWeightMapEntry>();
        var onnxLines = new Dictionary<string, int>(StringComparer.Ordinal);
        var parameterLines = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i];
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line.Substring(0, hash);
            line = line.Trim();
            if (line.Length == 0) continue;

            int arrow = line.IndexOf("->", StringComparison.Ordinal);
            if (arrow < 0)
                throw new OnnxWeightMapException(sourceName, lineNumber, $"expected 'onnx_name -> parameter_name' but found '{line}'");
            string onnx = line.Substring(0, arrow).Trim();
            string parameter = line.Substring(arrow + 2).Trim();
            CheckName(sourceName, lineNumber, onnx, "ONNX initializer name");
            CheckName(sourceName, lineNumber, parameter, "parameter name");

            if (onnxLines.TryGetValue(onnx, out int first))
                throw new OnnxWeightMapException(sourceName, lineNumber, $"ONNX initializer '{onnx}' is already mapped on line {first}");
            onnxLines.Add(onnx, lineNumber);
            if (parameter == "-")
            {
                entries.Add(new OnnxWeightMapEntry(onnx, null, lineNumber));
                continue;
            }
            if (parameterLines.TryGetValue(parameter, out first))
                throw new OnnxWeightMapException(sourceName, lineNumber, $"parameter '{parameter}' is already filled by line {first}");
            parameterLines.Add(parameter, lineNumber);
            entries.Add(new OnnxWeightMapEntry(onnx, parameter, lineNumber));
        }
        return new OnnxWeightMap(sourceName, entries);
    }

    private static void CheckName(string source, int line, string name, string what)
    {
        if (name.Length == 0)
            throw new OnnxWeightMapException(source, line, $"the {what} is missing");
        foreach (char c in name)
        {
            if (char.IsWhiteSpace(c))
                throw new OnnxWeightMapException(source, line, $"the {what} '{name}' contains whitespace (one entry a line: 'onnx_name -> parameter_name')");
        }
        if (name.Contains("->", StringComparison.Ordinal))
            throw new OnnxWeightMapException(source, line, $"the {what} '{name}' contains '->' (one entry a line)");
    }
}
