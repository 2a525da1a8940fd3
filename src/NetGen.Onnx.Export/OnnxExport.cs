using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using NetGen.Execution;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Onnx.Export;
using NetGen.Weights;

namespace NetGen.Onnx;

/// <summary>
/// NetGen networks as ONNX models (opset 13) that ONNX Runtime runs with the same outputs: the
/// exporter behind <c>netgen export</c> (docs/onnx.md lists what each layer is written as). The
/// network is a <c>.cnn</c> file; its weights a safetensors file (as <c>Save</c> writes them) or a
/// live instance of the class generated from that file (a network just trained). The model's input
/// is "input", (N, C, H, W) or (N, F) with a symbolic batch N; values are named after the nodes.
/// </summary>
public static class OnnxExport
{
    /// <summary>The ONNX operator set the models are written in.</summary>
    public const long Opset = OnnxExporter.Opset;

    /// <summary>Writes the network of <paramref name="cnnPath"/> with the weights of <paramref name="weightsPath"/> to <paramref name="onnxPath"/>.</summary>
    /// <param name="cnnPath">The <c>.cnn</c> file.</param>
    /// <param name="weightsPath">Its weights (safetensors, PyTorch layouts, every parameter of the network and nothing else).</param>
    /// <param name="onnxPath">The file to write (its folder created if missing, an existing file replaced).</param>
    /// <param name="networkName">The network, when the file declares several.</param>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="OnnxExportException">The network cannot be read or written (every error in the message).</exception>
    /// <exception cref="WeightMismatchException">The weights are not the network's (every missing, extra or misshapen tensor listed).</exception>
    public static void ToOnnx(string cnnPath, string weightsPath, string onnxPath, string? networkName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(weightsPath);
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        var analysis = Analyze(cnnPath, networkName);
        if (!File.Exists(weightsPath)) throw new FileNotFoundException($"{weightsPath}: file not found", weightsPath);
        var expected = analysis.Schedule.Parameters.ToDictionary(p => p.Name, p => p.Shape.ToArray(), StringComparer.Ordinal);
        var weights = Safetensors.Load(weightsPath, expected);
        Write(onnxPath, OnnxExporter.Export(analysis, name => weights[name], Path.GetFullPath(cnnPath)));
    }

    /// <summary>Writes the network of <paramref name="cnnPath"/> with the parameters <paramref name="network"/> holds now to <paramref name="onnxPath"/>.</summary>
    /// <param name="cnnPath">The <c>.cnn</c> file the network's class was generated from.</param>
    /// <param name="network">An instance of that class (any mode: inference or training).</param>
    /// <param name="onnxPath">The file to write (its folder created if missing, an existing file replaced).</param>
    /// <param name="networkName">The network, when the file declares several.</param>
    /// <exception cref="FileNotFoundException">The <c>.cnn</c> file is missing.</exception>
    /// <exception cref="OnnxExportException">The network cannot be read or written, or <paramref name="network"/>'s parameters are not the file's network's.</exception>
    public static void ToOnnx(string cnnPath, INetwork network, string onnxPath, string? networkName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(onnxPath);
        Write(onnxPath, ToBytes(cnnPath, network, networkName));
    }

    /// <summary>As <see cref="ToOnnx(string, INetwork, string, string?)"/>, the model's bytes instead of a file (for an <c>InferenceSession</c> in memory).</summary>
    /// <exception cref="FileNotFoundException">The <c>.cnn</c> file is missing.</exception>
    /// <exception cref="OnnxExportException">The network cannot be read or written, or <paramref name="network"/>'s parameters are not the file's network's.</exception>
    public static byte[] ToBytes(string cnnPath, INetwork network, string? networkName = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        return ToBytes(Analyze(cnnPath, networkName), network, Path.GetFullPath(cnnPath));
    }

    /// <summary>The model of an analysed network (a build's, or the CLI's of a .cs file) with <paramref name="network"/>'s parameters.</summary>
    internal static byte[] ToBytes(NetworkAnalysis analysis, INetwork network, string source)
    {
        var table = network.ParameterTable.ToArray().ToDictionary(p => p.Name, p => p.Length, StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var p in analysis.Schedule.Parameters)
        {
            if (!table.TryGetValue(p.Name, out int length)) differences.Add($"the instance has no parameter '{p.Name}'");
            else if (length != p.Length) differences.Add($"'{p.Name}' has {length} elements in the instance, {p.Length} in the network");
        }
        foreach (var name in table.Keys.Except(analysis.Schedule.Parameters.Select(p => p.Name)))
            differences.Add($"the instance's parameter '{name}' is not the network's");
        if (differences.Count > 0)
            throw new OnnxExportException($"{source}: error: the network instance ({network.GetType().Name}) is not network {analysis.Network.Name}: {string.Join("; ", differences)}");
        return OnnxExporter.Export(analysis, name =>
        {
            var data = new float[table[name]];
            network.CopyParameter(name, data);
            return data;
        }, source);
    }

    /// <summary>Parses and analyses the network as a build does; any error diagnostic is an <see cref="OnnxExportException"/>.</summary>
    private static NetworkAnalysis Analyze(string cnnPath, string? networkName)
    {
        ArgumentException.ThrowIfNullOrEmpty(cnnPath);
        if (!File.Exists(cnnPath)) throw new FileNotFoundException($"{cnnPath}: file not found", cnnPath);
        string path = Path.GetFullPath(cnnPath);
        var file = CnnParser.Parse(path, File.ReadAllText(path));
        var errors = Errors(file.Diagnostics, path);
        var networks = file.Networks.ToList();
        NetworkIR? ir = networkName is null
            ? networks.Count == 1 ? networks[0] : null
            : networks.FirstOrDefault(n => n.Name == networkName || n.Target.ClassName == networkName || n.Target.FullName == networkName);
        if (errors.Count > 0) throw new OnnxExportException(string.Join(Environment.NewLine, errors));
        if (ir is null)
        {
            string names = string.Join(", ", networks.Select(n => n.Name));
            throw new OnnxExportException(networkName is not null ? $"{path}: error: no network named '{networkName}' (the file has: {names})"
                : networks.Count == 0 ? $"{path}: error: no network found"
                : $"{path}: error: the file declares {networks.Count} networks ({names}); name one");
        }
        var build = NetworkBuild.Analyze(new[] { ir }, Array.Empty<DiagnosticInfo>());
        errors = Errors(build.Diagnostics, path);
        if (errors.Count > 0 || build.Networks.Count == 0) throw new OnnxExportException(string.Join(Environment.NewLine, errors));
        return build.Networks[0];
    }

    /// <summary>The error diagnostics as "file(line,col): error NGxxxx: message" (warnings do not stop an export).</summary>
    private static List<string> Errors(IEnumerable<DiagnosticInfo> diagnostics, string path) => diagnostics
        .Where(d => DiagnosticDescriptors.Get(d.Id).DefaultSeverity == DiagnosticSeverity.Error)
        .Select(d => $"{d.Location?.ToDisplayString() ?? path}: error {d.Id}: {DiagnosticDescriptors.Format(d)}")
        .ToList();

    private static void Write(string onnxPath, byte[] bytes)
    {
        string full = Path.GetFullPath(onnxPath);
        if (Path.GetDirectoryName(full) is { } dir) Directory.CreateDirectory(dir);
        File.WriteAllBytes(full, bytes);
    }
}
