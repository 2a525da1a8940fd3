using System;
using System.Collections.Generic;
using System.IO;

namespace NetGen.Onnx;

/// <summary>An operator set the model uses: a domain ("" is the default ONNX domain) and its version.</summary>
public sealed record OnnxOpset(string Domain, long Version);

/// <summary>
/// An ONNX model read by NetGen's own validating reader (no protobuf or ONNX Runtime
/// dependency): the IR version, operator sets and the main graph with its weights decoded.
/// Anything malformed or unsupported (external data, sparse initializers, tensor types
/// other than FLOAT/INT32/INT64) is an <see cref="OnnxFormatException"/>.
/// </summary>
public sealed class OnnxModel
{
    internal OnnxModel(string sourceName, long irVersion, string producerName, string producerVersion,
        IReadOnlyList<OnnxOpset> opsetImports, OnnxGraph graph)
    {
        SourceName = sourceName;
        IrVersion = irVersion;
        ProducerName = producerName;
        ProducerVersion = producerVersion;
        OpsetImports = opsetImports;
        Graph = graph;
    }

    /// <summary>The file path or buffer name the model was read from.</summary>
    public string SourceName { get; }

    /// <summary>ModelProto.ir_version.</summary>
    public long IrVersion { get; }

    /// <summary>"CNTK", "pytorch", ...; empty when not given.</summary>
    public string ProducerName { get; }

    /// <summary>The producer's version; empty when not given.</summary>
    public string ProducerVersion { get; }

    /// <summary>Operator sets the model imports.</summary>
    public IReadOnlyList<OnnxOpset> OpsetImports { get; }

    /// <summary>The main graph.</summary>
    public OnnxGraph Graph { get; }

    /// <summary>The version of the default ONNX operator set, or null when the model does not import it.</summary>
    public long? DefaultOpsetVersion
    {
        get
        {
            foreach (var o in OpsetImports)
                if (o.Domain.Length == 0 || o.Domain == "ai.onnx") return o.Version;
            return null;
        }
    }

    /// <summary>Reads and validates an ONNX file. Errors name the file, field and byte offset.</summary>
    public static OnnxModel Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        long length = new FileInfo(path).Length;
        // Protobuf messages are limited to 2 GB, and so is one byte[].
        if (length > int.MaxValue)
            throw new OnnxFormatException(path, "ModelProto", 0, $"file is {length} bytes; ONNX files with weights inside are limited to 2 GB");
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads and validates an ONNX model held in memory; <paramref name="sourceName"/> names it in errors.</summary>
    public static OnnxModel Parse(byte[] data, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(sourceName);
        return OnnxModelReader.ReadModel(new ProtoReader(data, 0, data.Length, sourceName, "ModelProto"));
    }
}
