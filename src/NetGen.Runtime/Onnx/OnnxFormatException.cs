using System.IO;

namespace NetGen.Onnx;

/// <summary>
/// An ONNX file is malformed, truncated or uses something the reader does not support. The
/// message names the file, the protobuf message and field being read, and the byte offset
/// in the file where the problem was found.
/// </summary>
public sealed class OnnxFormatException : IOException
{
    /// <summary>Creates the exception; <paramref name="field"/> is e.g. "TensorProto.raw_data".</summary>
    public OnnxFormatException(string source, string field, long offset, string message)
        : base($"{source}: {field} at byte {offset}: {message}")
    {
        SourceName = source;
        Field = field;
        Offset = offset;
    }

    /// <summary>The file path, or the name given for an in-memory buffer.</summary>
    public string SourceName { get; }

    /// <summary>The message and field being read ("GraphProto.initializer"), or the message alone.</summary>
    public string Field { get; }

    /// <summary>Byte offset in the file (from its start) where the problem was found.</summary>
    public long Offset { get; }
}
