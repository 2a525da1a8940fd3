using NetGen.Onnx;
using Xunit;

namespace NetGen.Runtime.Tests.Onnx;

public class OnnxWeightMapTests
{
    [Fact]
    public void Parses_entries_comments_and_skips()
    {
        var map = OnnxWeightMap.Parse("# header\n\nW -> conv.weight   # trailing\r\n  shape -> -\nscale->bn.weight\n", "m.txt");
        Assert.Equal("m.txt", map.SourceName);
        Assert.Equal(new[]
        {
            new OnnxWeightMapEntry("W", "conv.weight", 3),
            new OnnxWeightMapEntry("shape", null, 4),
            new OnnxWeightMapEntry("scale", "bn.weight", 5),
        }, map.Entries);
    }

    [Theory]
    [InlineData("a -> x\nb y", "m.txt(2): expected 'onnx_name -> parameter_name' but found 'b y'")]
    [InlineData("\n -> x", "m.txt(2): the ONNX initializer name is missing")]
    [InlineData("a ->", "m.txt(1): the parameter name is missing")]
    [InlineData("a b -> x", "m.txt(1): the ONNX initializer name 'a b' contains whitespace (one entry a line: 'onnx_name -> parameter_name')")]
    [InlineData("a -> x -> y", "m.txt(1): the parameter name 'x -> y' contains whitespace (one entry a line: 'onnx_name -> parameter_name')")]
    [InlineData("a -> x\n# c\na -> y", "m.txt(3): ONNX initializer 'a' is already mapped on line 1")]
    [InlineData("a -> x\nb -> x", "m.txt(2): parameter 'x' is already filled by line 1")]
    public void Errors_name_the_file_and_line(string text, string message)
    {
        var ex = Assert.Throws<OnnxWeightMapException>(() => OnnxWeightMap.Parse(text, "m.txt"));
        Assert.Equal(message, ex.Message);
    }
}
