using System.Collections.Generic;

namespace NetGen.Onnx;

/// <summary>How <see cref="OnnxImport.ToCnn(OnnxModel, OnnxImportOptions?)"/> names the network and fixes its input.</summary>
public sealed record OnnxImportOptions
{
    /// <summary>
    /// The network's name, a <c>.cnn</c> identifier (letters, digits and '_', not a keyword); by
    /// default the model file's name made one (<c>resnet-18.onnx</c> is <c>resnet_18</c>).
    /// </summary>
    public string? NetworkName { get; init; }

    /// <summary>
    /// One sample's shape, batch excluded: (C, H, W) or (F). Needed when the graph's input has
    /// dynamic dimensions after the batch; when given, it must agree with the fixed ones.
    /// </summary>
    public IReadOnlyList<int>? InputShape { get; init; }
}
