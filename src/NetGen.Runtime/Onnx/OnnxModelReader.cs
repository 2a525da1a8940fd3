using System.Collections.Generic;
using static NetGen.Onnx.OnnxSchema;

namespace NetGen.Onnx;

/// <summary>
/// Reads ModelProto, GraphProto, NodeProto and ValueInfoProto. Nesting is fixed by the
/// schema (model > graph > node > attribute > tensor; value info > type > shape > dim) and
/// subgraphs are never descended into, so recursion depth is bounded by construction.
/// </summary>
internal static class OnnxModelReader
{
    public static OnnxModel ReadModel(ProtoReader r)
    {
        long irVersion = 0;
        string producerName = "", producerVersion = "";
        var opsets = new List<OnnxOpset>();
        OnnxGraph? graph = null;
        while (r.TryReadTag())
        {
            switch (r.FieldNumber)
            {
                case ModelIrVersion: irVersion = r.ReadInt64(); break;
                case ModelProducerName: producerName = r.ReadString(); break;
                case ModelProducerVersion: producerVersion = r.ReadString(); break;
                case ModelOpsetImport: opsets.Add(ReadOpset(r.ReadMessage("OperatorSetIdProto"))); break;
                case ModelGraph:
                    if (graph is not null) throw r.FieldError("the model has a second graph");
                    graph = ReadGraph(r.ReadMessage("GraphProto"));
                    break;
                default: r.SkipField(); break;
            }
        }
        if (graph is null) throw r.Error("ModelProto.graph", r.Position, "the model has no graph (is this an ONNX file?)");
        return new OnnxModel(r.Source, irVersion, producerName, producerVersion, opsets, graph);
    }

    private static OnnxOpset ReadOpset(ProtoReader r)
    {
        string domain = "";
        long version = 0;
        while (r.TryReadTag())
        {
            switch (r.FieldNumber)
            {
                case OpsetDomain: domain = r.ReadString(); break;
                case OpsetVersion: version = r.ReadInt64(); break;
                default: r.SkipField(); break;
            }
        }
        return new OnnxOpset(domain, version);
    }

    private static OnnxGraph ReadGraph(ProtoReader r)
    {
        string name = "";
        var nodes = new List<OnnxNode>();
        var initializers = new List<OnnxTensor>();
        var names = new HashSet<string>();
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        while (r.TryReadTag())
        {
            switch (r.FieldNumber)
            {
                case GraphNode: nodes.Add(ReadNode(r.ReadMessage("NodeProto"))); break;
                case GraphName: name = r.ReadString(); break;
                case GraphInitializer:
                    int at = r.FieldOffset;
                    var tensor = OnnxTensorReader.ReadTensor(r.ReadMessage("TensorProto"));
                    if (tensor.Name.Length == 0) throw r.Error("GraphProto.initializer", at, "an initializer has no name");
                    if (!names.Add(tensor.Name)) throw r.Error("GraphProto.initializer", at, $"initializer '{tensor.Name}' is stored twice");
                    initializers.Add(tensor);
                    break;
                case GraphInput: inputs.Add(ReadValueInfo(r.ReadMessage("ValueInfoProto"))); break;
                case GraphOutput: outputs.Add(ReadValueInfo(r.ReadMessage("ValueInfoProto"))); break;
                case GraphSparseInitializer:
                    throw r.FieldError("sparse initializers are not supported; store the weights dense");
                default: r.SkipField(); break;
            }
        }
        return new OnnxGraph(name, nodes, initializers, inputs, outputs);
    }

    private static OnnxNode ReadNode(ProtoReader r)
    {
        int start = r.Position;
        string name = "", opType = "", domain = "";
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttribute>();
        while (r.TryReadTag())
        {
            switch (r.FieldNumber)
            {
                case NodeInput: inputs.Add(r.ReadString()); break;
                case NodeOutput: outputs.Add(r.ReadString()); break;
                case NodeName: name = r.ReadString(); break;
                case NodeOpType: opType = r.ReadString(); break;
                case NodeDomain: domain = r.ReadString(); break;
                case NodeAttribute:
                    int at = r.FieldOffset;
                    var attribute = OnnxTensorReader.ReadAttribute(r.ReadMessage("AttributeProto"));
                    if (!attributes.TryAdd(attribute.Name, attribute))
                        throw r.Error("NodeProto.attribute", at, $"node '{name}' has attribute '{attribute.Name}' twice");
                    break;
                default: r.SkipField(); break;
            }
        }
        if (opType.Length == 0) throw r.Error("NodeProto.op_type", start, $"node '{name}' has no op_type");
        return new OnnxNode(name, opType, domain, inputs, outputs, attributes);
    }

    private static OnnxValueInfo ReadValueInfo(ProtoReader r)
    {
        string name = "";
        int elementType = 0;
        IReadOnlyList<OnnxDimension>? shape = null;
        while (r.TryReadTag())
        {
            switch (r.FieldNumber)
            {
                case ValueInfoName: name = r.ReadString(); break;
                case ValueInfoType: (elementType, shape) = ReadType(r.ReadMessage("TypeProto")); break;
                default: r.SkipField(); break;
            }
        }
        return new OnnxValueInfo(name, elementType, shape);
    }

    /// <summary>A TypeProto: only tensor types carry what import needs; others read as (0, no shape).</summary>
    private static (int ElementType, IReadOnlyList<OnnxDimension>? Shape) ReadType(ProtoReader r)
    {
        (int, IReadOnlyList<OnnxDimension>?) result = (0, null);
        while (r.TryReadTag())
        {
            if (r.FieldNumber == TypeTensorType) result = ReadTensorType(r.ReadMessage("TypeProto.Tensor"));
            else r.SkipField();
        }
        return result;
    }

    private static (int, IReadOnlyList<OnnxDimension>?) ReadTensorType(ProtoReader r)
    {
        int elementType = 0;
        List<OnnxDimension>? shape = null;
        while (r.TryReadTag())
        {
            switch (r.FieldNumber)
            {
                case TensorTypeElemType: elementType = r.ReadInt32(); break;
                case TensorTypeShape:
                    shape = new List<OnnxDimension>();
                    var s = r.ReadMessage("TensorShapeProto");
                    while (s.TryReadTag())
                    {
                        if (s.FieldNumber == ShapeDim) shape.Add(ReadDimension(s.ReadMessage("TensorShapeProto.Dimension")));
                        else s.SkipField();
                    }
                    break;
                default: r.SkipField(); break;
            }
        }
        return (elementType, shape);
    }

    private static OnnxDimension ReadDimension(ProtoReader r)
    {
        long? value = null;
        string? param = null;
        while (r.TryReadTag())
        {
            switch (r.FieldNumber)
            {
                case DimValue: value = r.ReadInt64(); break;
                case DimParam: param = r.ReadString(); break;
                default: r.SkipField(); break;
            }
        }
        return new OnnxDimension(value, param);
    }
}
