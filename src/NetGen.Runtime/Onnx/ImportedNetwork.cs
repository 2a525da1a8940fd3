using System;
using System.Collections.Generic;
using System.IO;
using NetGen.Weights;

namespace NetGen.Onnx;

/// <summary>
/// What <see cref="OnnxImport.ToCnn(OnnxModel, OnnxImportOptions?)"/> makes of an ONNX model: the
/// text of a <c>.cnn</c> network and its weights under the <c>.cnn</c>'s parameter names, in
/// PyTorch layouts, as the generated class's <c>Load</c> reads them from a safetensors file.
/// </summary>
/// <param name="Name">The network's name (<c>network NAME { ... }</c>).</param>
/// <param name="Cnn">The <c>.cnn</c> file's text.</param>
/// <param name="Tensors">Every parameter (<c>conv1.weight</c> (64, 3, 7, 7), ...), in the order the network declares them.</param>
/// <param name="SourceName">The model it came from (a path, or the name given with a stream).</param>
public sealed record ImportedNetwork(string Name, string Cnn, IReadOnlyList<NamedTensor> Tensors, string SourceName)
{
    /// <summary>Values over all <see cref="Tensors"/> (batch-norm statistics included).</summary>
    public long ParameterCount
    {
        get
        {
            long sum = 0;
            foreach (var t in Tensors) sum += t.Data.Length;
            return sum;
        }
    }

    /// <summary>
    /// Writes <c>{directory}/{Name}.cnn</c> and <c>{directory}/{Name}.safetensors</c> (the folder
    /// created if missing; existing files replaced), and returns both paths.
    /// </summary>
    public ImportedFiles WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        string cnn = Path.GetFullPath(Path.Combine(directory, Name + ".cnn"));
        string weights = Path.GetFullPath(Path.Combine(directory, Name + ".safetensors"));
        var metadata = new Dictionary<string, string> { ["source"] = Path.GetFileName(SourceName), ["format"] = "pt" };
        Safetensors.Write(weights, Tensors, metadata);
        File.WriteAllText(cnn, Cnn);
        return new ImportedFiles(cnn, weights);
    }
}

/// <summary>The two files <see cref="ImportedNetwork.WriteTo"/> wrote.</summary>
/// <param name="CnnPath">The <c>.cnn</c> network (add it to a project as an AdditionalFile, or give it to <c>netgen</c>).</param>
/// <param name="WeightsPath">Its weights: <c>net.Load(WeightsPath)</c>.</param>
public readonly record struct ImportedFiles(string CnnPath, string WeightsPath);
