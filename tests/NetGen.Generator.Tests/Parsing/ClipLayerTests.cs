using NetGen.Generator.Model;
using NetGen.Generator.Tests.Analysis;
using NetGen.Generator.Tests.Attributes;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary><c>clip(min, max)</c>: bound, checked, its shape and counts, and its attribute.</summary>
public class ClipLayerTests
{
    [Fact]
    public void Clip_binds_its_bounds_keeps_the_shape_and_has_no_parameters()
    {
        var net = Cnn.Network("network N {\n input 3x4x4\n c = conv2d(4, 1) -> clip(-0.5, max: 2)\n}");
        var clip = net.Nodes[net.Output];
        Assert.Equal((OpKind.Clip, -0.5, 2.0), (clip.Op, clip.Args.ClipMin, clip.Args.ClipMax));
        // Not a function a fused layer can train with from its output alone here: it stays a node.
        Assert.Equal(new[] { "input", "conv2d_1", "c" }, Cnn.Names(net));
        var a = TestIr.Analyze(net);
        Assert.Equal(Shape.Chw(4, 4, 4), a.OutputShape);
        Assert.Equal(4 * 3 + 4, a.TotalParams);
    }

    [Theory]
    [InlineData("clip(1, 0)", "(3,10) NG0004: Argument 'max' of 'clip' is 0; it must be a number above min (1)")]
    [InlineData("clip(0.5, 0.5)", "(3,12) NG0004: Argument 'max' of 'clip' is 0.5; it must be a number above min (0.5)")]
    [InlineData("clip(0)", "(3,2) NG0004: Argument 'max' of 'clip' is missing; it must be a finite number")]
    [InlineData("clip(same, 1)", "(3,7) NG0004: Argument 'min' of 'clip' is 'same'; it must be a finite number")]
    public void Bad_bounds_are_errors_at_the_value(string layer, string expected)
    {
        Cnn.Diagnostics("network N {\n input 4\n " + layer + "\n}", expected);
    }

    [Fact]
    public void The_attribute_declares_the_same_layer()
    {
        var net = AttributeFrontEndProbe.Network("""
            [NetGen.Network(4)]
            [NetGen.Dense(4)]
            [NetGen.Clip(0, 6, Name = "six")]
            public partial class Net { }
            """);
        var clip = net.Nodes[2];
        Assert.Equal(("six", OpKind.Clip, 0.0, 6.0), (clip.Name, clip.Op, clip.Args.ClipMin, clip.Args.ClipMax));
        var bad = AttributeFrontEndProbe.Parse("""
            [NetGen.Network(4)]
            [NetGen.Clip(2, 1)]
            public partial class Net { }
            """);
        var d = Assert.Single(bad.Diagnostics);
        Assert.Equal("NG0004: Argument 'max' of 'clip_1' is 1; it must be a number above min (2)", d.Id + ": " + Diagnostics.DiagnosticDescriptors.Format(d));
    }
}
