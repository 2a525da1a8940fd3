using Xunit;
using Xunit.Abstractions;

namespace NetGen.Cli.Tests.Import;

/// <summary>Every mapped ONNX operator and attribute: imported, compiled, and compared with ONNX Runtime on the same input.</summary>
public class ImportOpTests(ITestOutputHelper log)
{
    // float32 on both sides; sums of at most a few hundred products of values below 1 in
    // different orders differ by a few ulps of the result, far below 1e-5 of max |y|.
    private const double Tolerance = 1e-5;

    [Theory]
    [MemberData(nameof(ImportCases.Names), MemberType = typeof(ImportCases))]
    public void Imported_graph_predicts_like_onnx_runtime(string name)
    {
        var (build, expect) = ImportCases.All[name];
        var builder = build();
        var model = builder.Build();
        var run = ImportKit.Import(model, name + ".onnx");
        Assert.True(run.ExitCode == 0, run.Errors);
        log.WriteLine(run.Cnn);
        Assert.Contains(expect, run.Cnn);
        ImportKit.AssertPredictsLikeOnnxRuntime(builder, model, run, name, Tolerance, log);
    }

    [Fact]
    public void Written_cnn_passes_summary()
    {
        var run = ImportKit.Import(ImportCases.All["squeeze_excitation"].Build().Build(), "se.onnx");
        var output = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(0, Cli.Run(new[] { "summary", run.CnnPath }, output, errors));
        Assert.Equal("", errors.ToString());
        Assert.Contains("excite", output.ToString());
    }

    [Fact]
    public void Names_are_sanitised_and_unique_and_the_dynamic_input_is_fixed_by_the_option()
    {
        var b = new OnnxBuilder().Input("x", 2, "H", "W");
        var c = b.Node("Conv", "/layer1/conv/Conv", new[] { "x", b.Random("w", new long[] { 3, 2, 3, 3 }) });
        c = b.Node("Relu", "relu", new[] { c });
        c = b.Node("Relu", "relu.", new[] { c });
        b.Output(b.Node("Conv", "1x1", new[] { c, b.Random("w2", new long[] { 2, 3, 1, 1 }) }));
        var run = ImportKit.Import(b.Build(), "dyn.onnx", "--input", "2x6x7", "--name", "Dyn");
        Assert.True(run.ExitCode == 0, run.Errors);
        Assert.Contains("input 2x6x7", run.Cnn);
        Assert.Contains("network Dyn {", run.Cnn);
        Assert.Contains("layer1_conv_Conv = conv2d(3, 3, bias: false)", run.Cnn);
        Assert.Contains("relu_ = relu", run.Cnn);
        Assert.Contains("relu_2 = relu", run.Cnn);
        Assert.Contains("n1x1 = conv2d(2, 1, bias: false)", run.Cnn);
        Assert.Contains("n1x1.weight", NetGen.Weights.SafetensorsFile.Open(run.WeightsPath).Tensors.Select(t => t.Name));
    }
}
