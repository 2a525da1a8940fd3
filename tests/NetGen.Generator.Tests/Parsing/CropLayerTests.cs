using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Backends.Gpu;
using NetGen.Generator.Model;
using NetGen.Generator.Tests.Analysis;
using NetGen.Generator.Tests.Attributes;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary>
/// <c>crop(top, left, height, width)</c> and <c>crop(like: node)</c>: bound, the centred window
/// found from both shapes, checked (NG0109 names the crop and both shapes), and its attribute.
/// </summary>
public class CropLayerTests
{
    private const string UpBlock = """
        block up(x, skip, filters) {
            u = x -> conv2d_transpose(filters, 2, stride: 2)
            c = skip -> crop(like: u)
            out = concat(u, c)
        }
        """;

    [Fact]
    public void Like_centres_the_window_with_the_odd_row_and_column_at_the_bottom_and_right()
    {
        // e: (4, 13, 12); d: (8, 4, 4) upsampled to (4, 8, 8): 5 rows and 4 columns to remove.
        var net = Cnn.Network(UpBlock + """
            network N {
                input 1x15x14
                e = conv2d(4, 3)
                d = e -> maxpool2d(3) -> conv2d(8, 1)
                up1 = up(d, e, 4)
            }
            """);
        var crop = Cnn.Node(net, "up1.c");
        Assert.Equal(new[] { "e" }, Cnn.Inputs(net, "up1.c"));
        Assert.Equal((OpKind.Crop, 2, 2, 8, 8), (crop.Op, crop.Args.CropTop, crop.Args.CropLeft, crop.Args.CropHeight, crop.Args.CropWidth));
        var a = TestIr.Analyze(net);
        Assert.Equal(Shape.Chw(8, 8, 8), a.OutputShape);
        Assert.Equal(1 * 4 * 9 + 4 + 4 * 8 + 8 + 8 * 4 * 4 + 4, a.TotalParams);
    }

    [Fact]
    public void An_explicit_window_binds_by_position_or_name()
    {
        var net = Cnn.Network("network N {\n input 3x10x9\n a = crop(1, 2, 5, 4)\n b = input -> crop(top: 0, left: 5, width: 4, height: 5)\n out = concat(a, b)\n}");
        var a = Cnn.Node(net, "a").Args;
        var b = Cnn.Node(net, "b").Args;
        Assert.Equal((1, 2, 5, 4), (a.CropTop, a.CropLeft, a.CropHeight, a.CropWidth));
        Assert.Equal((0, 5, 5, 4), (b.CropTop, b.CropLeft, b.CropHeight, b.CropWidth));
    }

    [Theory]
    // Past the bottom, then past the right edge: the input's last row or column is named.
    [InlineData("crop(2, 0, 9, 4)", "NG0109: 'c' (crop) cannot take the 9x4 window at top 2, left 0 from 'input' (3, 10, 9): its rows 2 to 10 pass the input's last row, 9")]
    [InlineData("crop(0, 6, 4, 4)", "NG0109: 'c' (crop) cannot take the 4x4 window at top 0, left 6 from 'input' (3, 10, 9): its columns 6 to 9 pass the input's last column, 8")]
    public void A_window_outside_the_input_is_a_shape_error(string layer, string expected)
    {
        var net = Cnn.Network("network N {\n input 3x10x9\n c = " + layer + "\n}");
        var error = Assert.Single(TestIr.Errors(net));
        Assert.Equal(expected, TestIr.Text(error));
        Assert.Equal(3, error.Location!.StartLine + 1);
    }

    [Theory]
    [InlineData("crop(0, 0, 0, 4)", "(3,17) NG0004: Argument 'height' of 'crop' is 0; it must be a positive integer")]
    [InlineData("crop(0, 0, 4)", "(3,6) NG0004: Argument 'width' of 'crop' is missing; it must be a positive integer")]
    [InlineData("crop(like: 3)", "(3,17) NG0004: Argument 'like' of 'crop' is not a node name; it must be a node name, as in crop(like: u)")]
    [InlineData("crop(1, like: input)", "(3,11) NG0004: Argument 'top' of 'crop' is 1; it must be left out with like: (the window is centred, of the node's size)")]
    public void Bad_windows_are_errors_that_name_the_crop_and_the_shapes(string layer, string expected)
    {
        Cnn.Diagnostics("network N {\n input 3x10x9\n c = " + layer + "\n}", expected);
    }

    [Fact]
    public void A_target_larger_than_the_input_is_an_error_at_like_with_both_shapes()
    {
        Cnn.Diagnostics("network N {\n input 3x10x9\n a = conv2d(4, 3)\n b = a -> crop(like: input)\n}",
            "(4,22) NG0109: 'b' (crop) cannot take the size of 'input' (3, 10, 9) from 'a' (4, 8, 7): it is larger than the input");
    }

    [Fact]
    public void Like_needs_a_node_declared_before_the_crop_with_a_height_and_width()
    {
        Cnn.Diagnostics("network N {\n input 3x10x9\n b = crop(like: a)\n a = b -> conv2d(4, 3)\n}",
            "(3,17) NG0004: Argument 'like' of 'b' is 'a', declared after the crop; it must be a node declared before it (the window is found from both shapes when the crop is declared)");
        Cnn.Diagnostics("network N {\n input 3x10x9\n v = flatten -> dense(4)\n b = input -> crop(like: v)\n}",
            "(4,26) NG0004: Argument 'like' of 'b' is 'v' (4); it must be a node with a height and width");
        Cnn.Diagnostics("network N {\n input 3x10x9\n v = flatten\n b = v -> crop(like: input)\n}",
            "(4,22) NG0107: 'b' (crop) needs a (C, H, W) input but receives (270)");
    }

    [Fact]
    public void The_attribute_declares_the_same_layer_and_its_window_is_checked()
    {
        var net = AttributeFrontEndProbe.Network("""
            [NetGen.Network(3, 10, 9)]
            [NetGen.Crop(1, 2, 5, 4, Name = "c")]
            public partial class Net { }
            """);
        var cnn = Cnn.Network("network N {\n input 3x10x9\n c = crop(1, 2, 5, 4)\n}");
        Assert.Equal(cnn.Nodes[1].Args, net.Nodes[1].Args);
        Assert.Equal(Shape.Chw(3, 5, 4), TestIr.Analyze(net).OutputShape);
        var bad = AttributeFrontEndProbe.Network("""
            [NetGen.Network(3, 10, 9)]
            [NetGen.Crop(8, 0, 5, 4)]
            public partial class Net { }
            """);
        var error = Assert.Single(TestIr.Errors(bad));
        Assert.Equal("NG0109: 'crop_1' (crop) cannot take the 5x4 window at top 8, left 0 from 'input' (3, 10, 9): its rows 8 to 12 pass the input's last row, 9",
            TestIr.Text(error));
    }

    [Fact]
    public void Both_backends_run_a_crop()
    {
        var net = Cnn.Network("network N {\n input 3x10x9\n c = crop(1, 2, 5, 4)\n}");
        Assert.True(CpuBackend.Instance.CanRun(net.Nodes[1]));
        Assert.True(GpuBackend.Instance.CanRun(net.Nodes[1]));
    }
}
