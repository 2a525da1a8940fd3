using NetGen.Generator.Model;
using NetGen.Generator.Tests.Analysis;
using NetGen.Generator.Tests.Attributes;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary><c>scale(factor)</c> and <c>shift(offset)</c>: bound, checked, their shape and counts, and their attributes.</summary>
public class ScalarLayerTests
{
    [Fact]
    public void Scale_and_shift_bind_their_constant_keep_the_shape_and_have_no_parameters()
    {
        var net = Cnn.Network("network N {\n input 3x4x4\n c = conv2d(4, 1) -> scale(0.25)\n s = shift(offset: -3)\n}");
        var scale = net.Nodes[net.Nodes[net.Output].Inputs[0]];
        var shift = net.Nodes[net.Output];
        Assert.Equal((OpKind.Scale, 0.25), (scale.Op, scale.Args.Constant));
        Assert.Equal((OpKind.Shift, -3.0), (shift.Op, shift.Args.Constant));
        var a = TestIr.Analyze(net);
        Assert.Equal(Shape.Chw(4, 4, 4), a.OutputShape);
        Assert.Equal(4 * 3 + 4, a.TotalParams);
    }

    [Theory]
    [InlineData("scale()", "(3,2) NG0004: Argument 'factor' of 'scale' is missing; it must be a finite number")]
    [InlineData("shift()", "(3,2) NG0004: Argument 'offset' of 'shift' is missing; it must be a finite number")]
    [InlineData("scale(1e300)", "(3,8) NG0004: Argument 'factor' of 'scale' is 1E+300; it must be a finite number")]
    [InlineData("shift(same)", "(3,8) NG0004: Argument 'offset' of 'shift' is 'same'; it must be a finite number")]
    public void A_missing_or_non_finite_constant_is_an_error_naming_the_argument(string layer, string expected)
    {
        Cnn.Diagnostics("network N {\n input 4\n " + layer + "\n}", expected);
    }

    [Fact]
    public void The_attributes_declare_the_same_layers()
    {
        var net = AttributeFrontEndProbe.Network("""
            [NetGen.Network(4)]
            [NetGen.Dense(4)]
            [NetGen.Scale(0.5, Name = "half")]
            [NetGen.Shift(-1)]
            public partial class Net { }
            """);
        Assert.Equal(("half", OpKind.Scale, 0.5), (net.Nodes[2].Name, net.Nodes[2].Op, net.Nodes[2].Args.Constant));
        Assert.Equal((OpKind.Shift, -1.0), (net.Nodes[3].Op, net.Nodes[3].Args.Constant));
        var bad = AttributeFrontEndProbe.Parse("""
            [NetGen.Network(4)]
            [NetGen.Scale(double.NaN)]
            public partial class Net { }
            """);
        var d = Assert.Single(bad.Diagnostics);
        Assert.Equal("NG0004: Argument 'factor' of 'scale_1' is NaN; it must be a finite number", d.Id + ": " + Diagnostics.DiagnosticDescriptors.Format(d));
    }
}
