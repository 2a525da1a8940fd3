using System;

namespace NetGen.Onnx;

/// <summary>
/// A network <see cref="OnnxExport"/> cannot write: the <c>.cnn</c> has errors (each
/// <c>file(line,col): error NGxxxx: message</c>), names no network or several, a node has no ONNX
/// form (<c>file: error: node 'NAME' (Op): why</c>), or the network instance given is not the
/// file's network. Nothing is written.
/// </summary>
public sealed class OnnxExportException : Exception
{
    /// <summary>Creates the exception; <paramref name="message"/> is one or more error lines.</summary>
    public OnnxExportException(string message) : base(message)
    {
    }
}
