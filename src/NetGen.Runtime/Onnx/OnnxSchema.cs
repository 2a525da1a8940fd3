using System.Collections.Generic;

namespace NetGen.Onnx;

/// <summary>
/// Field numbers of the ONNX messages the reader understands, from onnx/onnx.proto of
/// ONNX 1.17 (IR version 10; the numbers have not changed since IR version 3, so older
/// files such as CNTK's opset-8 exports read the same). Fields not listed are skipped by
/// wire type.
/// </summary>
internal static class OnnxSchema
{
    // ModelProto
    public const int ModelIrVersion = 1, ModelProducerName = 2, ModelProducerVersion = 3, ModelGraph = 7, ModelOpsetImport = 8;
    // OperatorSetIdProto
    public const int OpsetDomain = 1, OpsetVersion = 2;
    // GraphProto
    public const int GraphNode = 1, GraphName = 2, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12, GraphSparseInitializer = 15;
    // NodeProto
    public const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeAttribute = 5, NodeDomain = 7;
    // AttributeProto
    public const int AttrName = 1, AttrF = 2, AttrI = 3, AttrS = 4, AttrT = 5, AttrG = 6, AttrFloats = 7, AttrInts = 8,
        AttrStrings = 9, AttrTensors = 10, AttrGraphs = 11, AttrType = 20;
    // TensorProto
    public const int TensorDims = 1, TensorDataType = 2, TensorSegment = 3, TensorFloatData = 4, TensorInt32Data = 5,
        TensorInt64Data = 7, TensorName = 8, TensorRawData = 9, TensorExternalData = 13, TensorDataLocation = 14;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension
    public const int ValueInfoName = 1, ValueInfoType = 2;
    public const int TypeTensorType = 1;
    public const int TensorTypeElemType = 1, TensorTypeShape = 2;
    public const int ShapeDim = 1;
    public const int DimValue = 1, DimParam = 2;

    /// <summary>TensorProto.DataType values the reader decodes.</summary>
    public const int DataTypeFloat = 1, DataTypeInt32 = 6, DataTypeInt64 = 7;

    /// <summary>TensorProto.DataLocation.EXTERNAL.</summary>
    public const int DataLocationExternal = 1;

    private static readonly Dictionary<(string, int), string> Names = new()
    {
        [("ModelProto", ModelIrVersion)] = "ir_version",
        [("ModelProto", ModelProducerName)] = "producer_name",
        [("ModelProto", ModelProducerVersion)] = "producer_version",
        [("ModelProto", ModelGraph)] = "graph",
        [("ModelProto", ModelOpsetImport)] = "opset_import",
        [("OperatorSetIdProto", OpsetDomain)] = "domain",
        [("OperatorSetIdProto", OpsetVersion)] = "version",
        [("GraphProto", GraphNode)] = "node",
        [("GraphProto", GraphName)] = "name",
        [("GraphProto", GraphInitializer)] = "initializer",
        [("GraphProto", GraphInput)] = "input",
        [("GraphProto", GraphOutput)] = "output",
        [("GraphProto", GraphSparseInitializer)] = "sparse_initializer",
        [("NodeProto", NodeInput)] = "input",
        [("NodeProto", NodeOutput)] = "output",
        [("NodeProto", NodeName)] = "name",
        [("NodeProto", NodeOpType)] = "op_type",
        [("NodeProto", NodeAttribute)] = "attribute",
        [("NodeProto", NodeDomain)] = "domain",
        [("AttributeProto", AttrName)] = "name",
        [("AttributeProto", AttrF)] = "f",
        [("AttributeProto", AttrI)] = "i",
        [("AttributeProto", AttrS)] = "s",
        [("AttributeProto", AttrT)] = "t",
        [("AttributeProto", AttrG)] = "g",
        [("AttributeProto", AttrFloats)] = "floats",
        [("AttributeProto", AttrInts)] = "ints",
        [("AttributeProto", AttrStrings)] = "strings",
        [("AttributeProto", AttrTensors)] = "tensors",
        [("AttributeProto", AttrGraphs)] = "graphs",
        [("AttributeProto", AttrType)] = "type",
        [("TensorProto", TensorDims)] = "dims",
        [("TensorProto", TensorDataType)] = "data_type",
        [("TensorProto", TensorSegment)] = "segment",
        [("TensorProto", TensorFloatData)] = "float_data",
        [("TensorProto", TensorInt32Data)] = "int32_data",
        [("TensorProto", TensorInt64Data)] = "int64_data",
        [("TensorProto", TensorName)] = "name",
        [("TensorProto", TensorRawData)] = "raw_data",
        [("TensorProto", TensorExternalData)] = "external_data",
        [("TensorProto", TensorDataLocation)] = "data_location",
        [("ValueInfoProto", ValueInfoName)] = "name",
        [("ValueInfoProto", ValueInfoType)] = "type",
        [("TypeProto", TypeTensorType)] = "tensor_type",
        [("TypeProto.Tensor", TensorTypeElemType)] = "elem_type",
        [("TypeProto.Tensor", TensorTypeShape)] = "shape",
        [("TensorShapeProto", ShapeDim)] = "dim",
        [("TensorShapeProto.Dimension", DimValue)] = "dim_value",
        [("TensorShapeProto.Dimension", DimParam)] = "dim_param",
    };

    /// <summary>"TensorProto.raw_data", or "TensorProto field 42" for a field the reader does not know.</summary>
    public static string FieldName(string message, int number) =>
        Names.TryGetValue((message, number), out var name) ? message + "." + name : $"{message} field {number}";

    /// <summary>A TensorProto.DataType's name for messages ("INT64"), or its number.</summary>
    public static string DataTypeName(int type) => type switch
    {
        0 => "UNDEFINED", 1 => "FLOAT", 2 => "UINT8", 3 => "INT8", 4 => "UINT16", 5 => "INT16", 6 => "INT32",
        7 => "INT64", 8 => "STRING", 9 => "BOOL", 10 => "FLOAT16", 11 => "DOUBLE", 12 => "UINT32", 13 => "UINT64",
        14 => "COMPLEX64", 15 => "COMPLEX128", 16 => "BFLOAT16",
        _ => "type " + type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
