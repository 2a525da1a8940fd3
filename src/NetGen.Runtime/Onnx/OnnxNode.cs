using System.Collections.Generic;

namespace NetGen.Onnx;

/// <summary>What an attribute holds (AttributeProto.AttributeType's values).</summary>
public enum OnnxAttributeType
{
    /// <summary>Not given (IR version 1 files) and no value field present.</summary>
    Undefined = 0,
    /// <summary><see cref="OnnxAttribute.Float"/>.</summary>
    Float = 1,
    /// <summary><see cref="OnnxAttribute.Int"/>.</summary>
    Int = 2,
    /// <summary><see cref="OnnxAttribute.String"/>.</summary>
    String = 3,
    /// <summary><see cref="OnnxAttribute.Tensor"/>.</summary>
    Tensor = 4,
    /// <summary>A subgraph: recorded, its content not read.</summary>
    Graph = 5,
    /// <summary><see cref="OnnxAttribute.Floats"/>.</summary>
    Floats = 6,
    /// <summary><see cref="OnnxAttribute.Ints"/>.</summary>
    Ints = 7,
    /// <summary><see cref="OnnxAttribute.Strings"/>.</summary>
    Strings = 8,
    /// <summary>A list of tensors: recorded, content not read.</summary>
    Tensors = 9,
    /// <summary>A list of subgraphs: recorded, content not read.</summary>
    Graphs = 10,
    /// <summary>A sparse tensor: recorded, content not read.</summary>
    SparseTensor = 11,
    /// <summary>A list of sparse tensors: recorded, content not read.</summary>
    SparseTensors = 12,
    /// <summary>A type: recorded, content not read.</summary>
    TypeProto = 13,
    /// <summary>A list of types: recorded, content not read.</summary>
    TypeProtos = 14,
}

/// <summary>One attribute of a node: its name, its type and the value of that type.</summary>
public sealed record OnnxAttribute(
    string Name,
    OnnxAttributeType Type,
    float Float,
    long Int,
    string String,
    OnnxTensor? Tensor,
    IReadOnlyList<float> Floats,
    IReadOnlyList<long> Ints,
    IReadOnlyList<string> Strings);

/// <summary>One operator of the graph: inputs and outputs are value names (an empty name is an omitted optional input).</summary>
public sealed class OnnxNode
{
    internal OnnxNode(string name, string opType, string domain, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        IReadOnlyDictionary<string, OnnxAttribute> attributes)
    {
        Name = name;
        OpType = opType;
        Domain = domain;
        Inputs = inputs;
        Outputs = outputs;
        Attributes = attributes;
    }

    /// <summary>The node's name; may be empty (ONNX does not require one).</summary>
    public string Name { get; }

    /// <summary>"Conv", "BatchNormalization", ...</summary>
    public string OpType { get; }

    /// <summary>The operator set domain; empty for the default ONNX domain.</summary>
    public string Domain { get; }

    /// <summary>Names of the values the node reads, in the operator's input order.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>Names of the values the node writes.</summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Attributes by name.</summary>
    public IReadOnlyDictionary<string, OnnxAttribute> Attributes { get; }

    /// <summary>An INT attribute, or <paramref name="fallback"/> when the node does not have it.</summary>
    public long GetInt(string name, long fallback) =>
        Attributes.TryGetValue(name, out var a) && a.Type == OnnxAttributeType.Int ? a.Int : fallback;

    /// <summary>A FLOAT attribute, or <paramref name="fallback"/>.</summary>
    public float GetFloat(string name, float fallback) =>
        Attributes.TryGetValue(name, out var a) && a.Type == OnnxAttributeType.Float ? a.Float : fallback;

    /// <summary>A STRING attribute, or <paramref name="fallback"/>.</summary>
    public string GetString(string name, string fallback) =>
        Attributes.TryGetValue(name, out var a) && a.Type == OnnxAttributeType.String ? a.String : fallback;

    /// <summary>An INTS attribute, or an empty list.</summary>
    public IReadOnlyList<long> GetInts(string name) =>
        Attributes.TryGetValue(name, out var a) && a.Type == OnnxAttributeType.Ints ? a.Ints : System.Array.Empty<long>();

    /// <summary>"Conv(name: x, W -> y)".</summary>
    public override string ToString() => $"{OpType}({Name}: {string.Join(", ", Inputs)} -> {string.Join(", ", Outputs)})";
}
