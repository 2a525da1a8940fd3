using Xunit;
using Xunit.Abstractions;

namespace NetGen.Cli.Tests.Import;

/// <summary>Activations written as several ONNX nodes, and Clip's ranges: imported as one layer (cases named *_node_by_node: as one layer per node), compiled, and compared with ONNX Runtime.</summary>
public class ImportPatternTests(ITestOutputHelper log)
{
    // float32 on both sides; NetGen's erf, tanh and exp differ from ONNX Runtime's by a few ulps.
    private const double Tolerance = 1e-4;

    [Theory]
    [MemberData(nameof(ImportPatternCases.Names), MemberType = typeof(ImportPatternCases))]
    public void Pattern_imports_as_one_layer_and_predicts_like_onnx_runtime(string name)
    {
        var (build, expect) = ImportPatternCases.All[name];
        var builder = build();
        var model = builder.Build();
        var run = ImportKit.Import(model, name + ".onnx");
        Assert.True(run.ExitCode == 0, run.Errors);
        log.WriteLine(run.Cnn);
        Assert.Contains(expect, run.Cnn);
        var statements = run.Cnn.Split('\n').Select(l => l.Split('#')[0].Trim()).Where(l => l.Contains(" = ", StringComparison.Ordinal)).ToList();
        if (!name.EndsWith("_node_by_node", StringComparison.Ordinal))
            Assert.True(statements.Count == 2, $"expected the convolution and one layer, got: {string.Join(" | ", statements)}");
        ImportKit.AssertPredictsLikeOnnxRuntime(builder, model, run, name, Tolerance, log);
    }
}
