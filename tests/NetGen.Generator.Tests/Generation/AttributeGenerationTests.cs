using NetGen.Generator.Tests.Infrastructure;
using NetGen.Generator.Tests.Pipeline;
using Xunit;

namespace NetGen.Generator.Tests.Generation;

/// <summary>[Network] classes through the whole generator: front end, analysis, emit, compiled with the user's code.</summary>
public class AttributeGenerationTests
{
    [Fact]
    public void Attribute_chain_snapshot_compiles_without_diagnostics()
    {
        var run = GeneratorTestHelper.Run(PipelineSources.AttributeNetwork);

        Assert.Empty(GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        var source = Assert.Single(run.Sources);
        Assert.Equal("App.Mnist.Network.g.cs", source.Key);
        Snapshot.Verify("Generator.App.Mnist", source.Value);
        CompiledCode.AssertClean(run.Output);
    }

    [Fact]
    public void Generated_constants_hold_independently_computed_counts()
    {
        // conv1: 8 x (1 x 3 x 3) + 8 = 80 -> (8, 26, 26); maxpool -> (8, 13, 13); flatten -> 1,352;
        // dense: 1,352 x 10 + 10 = 13,530. Total 13,610, all trainable.
        var run = GeneratorTestHelper.Run(PipelineSources.AttributeNetwork);
        var assembly = CompiledCode.Load(run.Output);

        Assert.Equal(13_610L, CompiledCode.Static(assembly, "App.Mnist", "ParameterCount"));
        Assert.Equal(13_610L, CompiledCode.Static(assembly, "App.Mnist", "TrainableParameterCount"));
        Assert.Equal(0L, CompiledCode.Static(assembly, "App.Mnist", "NonTrainableParameterCount"));
        Assert.Equal(1, CompiledCode.Static(assembly, "App.Mnist", "InputChannels"));
        Assert.Equal(28, CompiledCode.Static(assembly, "App.Mnist", "InputHeight"));
        Assert.Equal(10, CompiledCode.Static(assembly, "App.Mnist", "OutputFeatures"));
        Assert.Equal(64, CompiledCode.Static(assembly, "App.Mnist", "TrainingBatch"));
        Assert.Equal(13_610L * 4 + (long)CompiledCode.Static(assembly, "App.Mnist+Plan", "InferenceArenaBytes")!,
            CompiledCode.Static(assembly, "App.Mnist", "InferenceBytes"));
    }

    [Fact]
    public void A_budget_error_from_analysis_points_at_the_budget_argument_and_code_is_still_generated()
    {
        const string source = """
            [NetGen.Network(1, 28, 28, MaxParams = 1000)]
            [NetGen.Flatten]
            [NetGen.Dense(10)]
            public partial class OverBudget { }
            """;
        var run = GeneratorTestHelper.Run(source);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("NG0201", diagnostic.Id);
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal(SourcePosition.Of(source, "MaxParams"), $"{span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})");
        Assert.Contains("7,850", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Single(run.Sources);
    }

    [Fact]
    public void A_shape_error_from_analysis_generates_no_code()
    {
        var run = GeneratorTestHelper.Run("""
            [NetGen.Network(1, 4, 4)]
            [NetGen.Conv2D(8, 5)]
            public partial class TooSmall { }
            """);

        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "NG0103");
        Assert.Empty(run.Sources);
    }
}
