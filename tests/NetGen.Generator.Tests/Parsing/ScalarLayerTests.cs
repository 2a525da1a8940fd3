using NetGen.Generator.Model;
using NetGen.Generator.Tests.Analysis;
using NetGen.Generator.Tests.Attributes;
using NetGen.Generator.Tests.Infrastructure;
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
    /// <summary>
    /// The generated CPU code end to end: Predict against float64 from the dense weights, and the
    /// dense gradients through scale and shift against finite differences of the loss.
    /// </summary>
    [Fact]
    public void A_network_with_scale_and_shift_predicts_and_trains_against_float64_and_finite_differences()
    {
        var run = GeneratorTestHelper.Run("""
            using NetGen;
            namespace App;
            [Network(4, Batch = 2)]
            [Dense(3, Name = "fc")]
            [Scale(-1.5)]
            [Shift(0.25)]
            [Softmax]
            public partial class Net;
            """);
        Assert.Empty(GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        string code = run.Sources["App.Net.Network.g.cs"];
        Assert.Contains("global::NetGen.Kernels.ScalarOps.Scale(", code);
        Assert.Contains("global::NetGen.Kernels.ScalarOps.Shift(", code);
        var assembly = CompiledCode.Load(run.Output);
        using var net = (NetGen.Execution.CompiledTrainableNetwork)System.Activator.CreateInstance(
            assembly.GetType("App.Net")!, 3UL, NetGen.Execution.ExecutionMode.Training)!;
        var w = new float[12];
        var b = new float[3];
        net.CopyParameter("fc.weight", w);
        net.CopyParameter("fc.bias", b);
        float[] x = { 0.5f, -1f, 2f, 0.25f, -0.75f, 1.5f, 0.1f, -2f };
        int[] labels = { 2, 0 };

        var y = new float[3];
        net.Predict(x.AsSpan(0, 4), y);
        var z = new double[3];
        for (int o = 0; o < 3; o++)
        {
            double dot = b[o];
            for (int i = 0; i < 4; i++) dot += (double)w[o * 4 + i] * x[i];
            z[o] = dot * -1.5 + 0.25;
        }
        double max = System.Math.Max(z[0], System.Math.Max(z[1], z[2]));
        double sum = System.Math.Exp(z[0] - max) + System.Math.Exp(z[1] - max) + System.Math.Exp(z[2] - max);
        for (int o = 0; o < 3; o++) Assert.True(System.Math.Abs(System.Math.Exp(z[o] - max) / sum - y[o]) < 1e-5, $"output {o}: {y[o]}");

        net.ComputeGradients(x, labels);
        var dW = new float[12];
        net.CopyGradient("fc.weight", dW);
        const float h = 1e-2f;
        for (int k = 0; k < 12; k++)
        {
            var probe = (float[])w.Clone();
            probe[k] = w[k] + h;
            net.SetParameter("fc.weight", probe);
            double plus = net.Evaluate(x, labels).Loss;
            probe[k] = w[k] - h;
            net.SetParameter("fc.weight", probe);
            double minus = net.Evaluate(x, labels).Loss;
            double expected = (plus - minus) / (2 * h);
            Assert.True(System.Math.Abs(expected - dW[k]) < 2e-3, $"fc.weight[{k}]: finite difference {expected}, backward {dW[k]}");
        }
        net.SetParameter("fc.weight", w);
    }
}
