using System;
using System.Collections.Generic;

namespace NetGen.Onnx;

/// <summary>
/// An ONNX model that <see cref="OnnxImport.ToCnn(OnnxModel, OnnxImportOptions?)"/> cannot convert:
/// every error at once, one per failing node (nodes that only read a failed node's output add
/// none), each <c>model.onnx: error: node 'NAME' (OP [attributes at fault]): why</c>, or one line
/// about the graph itself (several inputs, a dynamic input shape). Nothing is returned or written.
/// </summary>
public sealed class OnnxImportException : Exception
{
    /// <summary>Creates the exception from its error lines.</summary>
    public OnnxImportException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors ?? throw new ArgumentNullException(nameof(errors))))
    {
        Errors = errors;
    }

    /// <summary>The error lines, in the graph's node order.</summary>
    public IReadOnlyList<string> Errors { get; }
}
