using NetGen.Onnx;
using Xunit;

namespace NetGen.Runtime.Tests.Onnx;

public class OnnxFormatErrorTests
{
    private static OnnxFormatException Fails(ProtoWriter model) =>
        Assert.Throws<OnnxFormatException>(() => OnnxModel.Parse(model.ToArray(), "bad.onnx"));

    private static ProtoWriter ModelWithGraph(ProtoWriter graph) => new ProtoWriter().Varint(1, 8).Message(7, graph);

    private static ProtoWriter ModelWithInitializer(ProtoWriter tensor) => ModelWithGraph(new ProtoWriter().Message(5, tensor));

    [Fact]
    public void A_file_without_a_graph_says_so()
    {
        var ex = Fails(new ProtoWriter().Varint(1, 8));
        Assert.Equal("ModelProto.graph", ex.Field);
        Assert.Contains("no graph", ex.Message);
    }

    [Fact]
    public void External_data_is_rejected_by_name()
    {
        var tensor = new ProtoWriter().Varint(1, 2).Varint(2, 1).String(8, "w").Message(13, new ProtoWriter().String(1, "location").String(2, "w.bin"));
        var ex = Fails(ModelWithInitializer(tensor));
        Assert.Equal("TensorProto.external_data", ex.Field);
        Assert.Contains("tensor 'w' keeps its data in an external file", ex.Message);

        var located = new ProtoWriter().Varint(1, 2).Varint(2, 1).String(8, "w").Varint(14, 1);
        Assert.Equal("TensorProto.data_location", Fails(ModelWithInitializer(located)).Field);
    }

    [Fact]
    public void Non_float_tensors_are_rejected_with_their_type()
    {
        var tensor = new ProtoWriter().Varint(1, 1).Varint(2, 11).String(8, "d").Bytes(9, new byte[8]);
        var ex = Fails(ModelWithInitializer(tensor));
        Assert.Equal("TensorProto.data_type", ex.Field);
        Assert.Contains("tensor 'd' has element type DOUBLE", ex.Message);
    }

    [Fact]
    public void Data_that_does_not_fill_the_dims_is_rejected()
    {
        var ex = Fails(ModelWithInitializer(TinyModel.FloatTensorRaw("w", new long[] { 2, 3 }, new float[5])));
        Assert.Equal("TensorProto.raw_data", ex.Field);
        Assert.Contains("tensor 'w' [2, 3] needs 6 FLOAT elements (24 bytes); found 20 bytes of raw_data", ex.Message);

        var typed = Fails(ModelWithInitializer(TinyModel.FloatTensorTyped("t", new long[] { 4 }, new float[3])));
        Assert.Contains("needs 4 FLOAT elements (16 bytes); found 3 typed values", typed.Message);
    }

    [Fact]
    public void Huge_dims_are_rejected_before_any_allocation()
    {
        var tensor = new ProtoWriter().Varint(1, 1L << 40).Varint(1, 1L << 40).Varint(2, 1).String(8, "big");
        Assert.Contains("more than 2^31 elements", Fails(ModelWithInitializer(tensor)).Message);
        var negative = new ProtoWriter().Varint(1, -3).Varint(2, 1).String(8, "neg");
        Assert.Contains("negative dimension -3", Fails(ModelWithInitializer(negative)).Message);
    }

    [Fact]
    public void A_length_past_the_end_names_field_and_offset()
    {
        // graph (field 7), length claims 1000 bytes, 2 follow.
        var model = new ProtoWriter().Varint(1, 8).Raw(0x3A, 0xE8, 0x07, 0x0A, 0x00);
        var ex = Fails(model);
        Assert.Equal("ModelProto.graph", ex.Field);
        Assert.Equal(3, ex.Offset);
        Assert.Equal("bad.onnx: ModelProto.graph at byte 3: length 1000 runs past the end of the ModelProto (2 bytes remain)", ex.Message);
    }

    [Fact]
    public void Groups_and_invalid_wire_types_are_rejected()
    {
        var group = new ProtoWriter().Varint(1, 8);
        group.Tag(50, 3);
        Assert.Contains("groups", Fails(group).Message);

        var wire7 = new ProtoWriter().Varint(1, 8);
        wire7.Tag(50, 7);
        Assert.Contains("invalid wire type 7", Fails(wire7).Message);

        Assert.Contains("invalid field number 0", Fails(new ProtoWriter().Raw(0x00)).Message);
    }

    [Fact]
    public void A_known_field_with_the_wrong_wire_type_is_rejected()
    {
        var ex = Fails(new ProtoWriter().String(1, "not a number"));
        Assert.Equal("ModelProto.ir_version", ex.Field);
        Assert.Contains("wire type 2 where 0 (Varint) was expected", ex.Message);
    }

    [Fact]
    public void Overlong_varints_are_rejected()
    {
        var model = new ProtoWriter().Raw(0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F);
        Assert.Contains("varint overflows 64 bits", Fails(model).Message);
    }

    [Fact]
    public void Invalid_utf8_is_rejected()
    {
        var model = ModelWithGraph(new ProtoWriter().Bytes(2, new byte[] { 0x41, 0xC3, 0x28 }));
        var ex = Fails(model);
        Assert.Equal("GraphProto.name", ex.Field);
        Assert.Contains("not valid UTF-8", ex.Message);
    }

    [Fact]
    public void Duplicates_and_missing_names_are_rejected()
    {
        var twice = ModelWithGraph(new ProtoWriter()
            .Message(5, TinyModel.FloatTensorTyped("w", new long[] { 1 }, new[] { 1f }))
            .Message(5, TinyModel.FloatTensorTyped("w", new long[] { 1 }, new[] { 2f })));
        Assert.Contains("initializer 'w' is stored twice", Fails(twice).Message);

        var anonymous = ModelWithInitializer(TinyModel.FloatTensorTyped("", new long[] { 1 }, new[] { 1f }));
        Assert.Contains("an initializer has no name", Fails(anonymous).Message);

        var noOp = ModelWithGraph(new ProtoWriter().Message(1, new ProtoWriter().String(3, "n1")));
        Assert.Contains("node 'n1' has no op_type", Fails(noOp).Message);

        var sameAttribute = ModelWithGraph(new ProtoWriter().Message(1, new ProtoWriter().String(3, "n").String(4, "Relu")
            .Message(5, TinyModel.IntsAttribute("a", 1)).Message(5, TinyModel.IntsAttribute("a", 2))));
        Assert.Contains("node 'n' has attribute 'a' twice", Fails(sameAttribute).Message);

        var twoGraphs = new ProtoWriter().Message(7, new ProtoWriter()).Message(7, new ProtoWriter());
        Assert.Contains("second graph", Fails(twoGraphs).Message);
    }

    [Fact]
    public void An_attribute_whose_value_contradicts_its_type_is_rejected()
    {
        var node = new ProtoWriter().String(3, "n").String(4, "Conv")
            .Message(5, new ProtoWriter().String(1, "group").Varint(20, 2).Fixed32(2, 1f));
        var ex = Fails(ModelWithGraph(new ProtoWriter().Message(1, node)));
        Assert.Equal("AttributeProto.type", ex.Field);
        Assert.Contains("attribute 'group' declares type Int but holds a Float value", ex.Message);
    }

    [Fact]
    public void Sparse_initializers_and_segments_are_rejected()
    {
        Assert.Contains("sparse initializers are not supported", Fails(ModelWithGraph(new ProtoWriter().Message(15, new ProtoWriter()))).Message);
        var segmented = new ProtoWriter().String(8, "s").Message(3, new ProtoWriter().Varint(1, 0));
        Assert.Contains("segmented", Fails(ModelWithInitializer(segmented)).Message);
    }
}
