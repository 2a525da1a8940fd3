using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace NetGen.Onnx;

/// <summary>One dimension of a value's shape: a number, a symbolic name (the batch, often), or unknown.</summary>
public readonly record struct OnnxDimension(long? Value, string? Param)
{
    /// <summary>"224", "N", or "?".</summary>
    public override string ToString() => Value?.ToString(CultureInfo.InvariantCulture) ?? Param ?? "?";
}

/// <summary>A graph input or output: its name, element type and shape (when the file gives one).</summary>
/// <param name="Name">The value's name, as nodes refer to it.</param>
/// <param name="ElementType">TensorProto.DataType of the elements (1 = FLOAT); 0 when not given.</param>
/// <param name="Shape">The dimensions; null when the file gives no shape.</param>
public sealed record OnnxValueInfo(string Name, int ElementType, IReadOnlyList<OnnxDimension>? Shape)
{
    /// <summary>"Input247: FLOAT 1x3x224x224".</summary>
    public override string ToString() =>
        $"{Name}: {OnnxSchema.DataTypeName(ElementType)} {(Shape is null ? "(no shape)" : string.Join("x", Shape))}";
}

/// <summary>The main graph of a model: nodes in the file's (topological) order, initializers, inputs and outputs.</summary>
public sealed class OnnxGraph
{
    internal OnnxGraph(string name, IReadOnlyList<OnnxNode> nodes, IReadOnlyList<OnnxTensor> initializers,
        IReadOnlyList<OnnxValueInfo> inputs, IReadOnlyList<OnnxValueInfo> outputs)
    {
        Name = name;
        Nodes = nodes;
        InitializerList = initializers;
        Initializers = initializers.ToDictionary(t => t.Name);
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>The graph's name.</summary>
    public string Name { get; }

    /// <summary>The operators, in the file's order (ONNX requires it to be topological).</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    /// <summary>Stored tensors (weights, constants) by name.</summary>
    public IReadOnlyDictionary<string, OnnxTensor> Initializers { get; }

    /// <summary>Stored tensors in the file's order.</summary>
    public IReadOnlyList<OnnxTensor> InitializerList { get; }

    /// <summary>
    /// Graph inputs as the file lists them. Files before IR version 4 list every initializer
    /// as an input too; <see cref="RuntimeInputs"/> leaves those out.
    /// </summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; }

    /// <summary>The inputs a caller must feed: <see cref="Inputs"/> that no initializer provides.</summary>
    public IReadOnlyList<OnnxValueInfo> RuntimeInputs => Inputs.Where(i => !Initializers.ContainsKey(i.Name)).ToList();

    /// <summary>Graph outputs.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; }
}
