using System;
using System.IO;
using NetGen.Onnx.Import;

namespace NetGen.Onnx;

/// <summary>
/// ONNX CNNs as <c>.cnn</c> networks: the converter behind <c>netgen import</c> (docs/onnx.md lists
/// the operators, the patterns recognised and the errors).
/// </summary>
public static partial class OnnxImport
{
    /// <summary>
    /// Reads the ONNX file at <paramref name="path"/> and converts it: a <c>.cnn</c> network named
    /// after the file (or <see cref="OnnxImportOptions.NetworkName"/>) and its weights.
    /// <see cref="ImportedNetwork.WriteTo"/> writes both files.
    /// </summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="OnnxFormatException">The file is not a readable ONNX model (the field and byte offset named).</exception>
    /// <exception cref="OnnxImportException">Nodes or the graph cannot be converted: every error at once.</exception>
    /// <exception cref="ArgumentException">An option is invalid (the name not an identifier, the shape not CxHxW or F).</exception>
    public static ImportedNetwork ToCnn(string path, OnnxImportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: file not found", path);
        CheckOptions(options);
        return ToCnn(OnnxModel.Load(path), options);
    }

    /// <summary>
    /// Reads an ONNX model from <paramref name="stream"/> (to its end) and converts it;
    /// <paramref name="sourceName"/> ("model.onnx") names it in errors and, by default, names the network.
    /// </summary>
    /// <exception cref="OnnxFormatException">The bytes are not a readable ONNX model.</exception>
    /// <exception cref="OnnxImportException">Nodes or the graph cannot be converted: every error at once.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static ImportedNetwork ToCnn(Stream stream, string sourceName, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        CheckOptions(options);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return ToCnn(OnnxModel.Parse(buffer.ToArray(), sourceName), options);
    }

    /// <summary>Converts a model already read (<see cref="OnnxModel.Load"/>).</summary>
    /// <exception cref="OnnxImportException">Nodes or the graph cannot be converted: every error at once.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static ImportedNetwork ToCnn(OnnxModel model, OnnxImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var input = CheckOptions(options);
        string name = options?.NetworkName ?? DefaultNetworkName(model.SourceName);
        return OnnxToCnn.Convert(model, name, input);
    }

    /// <summary>
    /// The network name a model file gets when none is given: its name without the extension as a
    /// <c>.cnn</c> identifier ("resnet-18.onnx" is "resnet_18"; one starting with a digit gets "Net").
    /// </summary>
    public static string DefaultNetworkName(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        string s = CnnNames.Sanitize(Path.GetFileNameWithoutExtension(fileName));
        return s == "node" ? "Net" : s[0] == 'n' && s.Length > 1 && char.IsDigit(s[1]) ? "Net" + s[1..] : s;
    }

    /// <summary>True when <paramref name="name"/> can name a network: letters, digits and '_', not starting with a digit, not a keyword or layer kind.</summary>
    public static bool IsNetworkName(string name) => !string.IsNullOrEmpty(name) && CnnNames.Sanitize(name) == name;

    private static Shape? CheckOptions(OnnxImportOptions? options)
    {
        if (options is null) return null;
        if (options.NetworkName is { } name && !IsNetworkName(name))
            throw new ArgumentException($"'{name}' is not a .cnn identifier (letters, digits and '_', not a keyword)", nameof(options));
        if (options.InputShape is not { } dims) return null;
        foreach (int d in dims)
            if (d < 1) throw new ArgumentException($"input shape [{string.Join(", ", dims)}]: every dimension must be positive", nameof(options));
        return dims.Count switch
        {
            1 => Shape.Vector(dims[0]),
            3 => Shape.Chw(dims[0], dims[1], dims[2]),
            _ => throw new ArgumentException($"input shape [{string.Join(", ", dims)}] is not (C, H, W) or (F)", nameof(options)),
        };
    }
}
