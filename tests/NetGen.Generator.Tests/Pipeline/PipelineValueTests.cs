using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Pipeline;

/// <summary>Nothing a pipeline step returns may hold a Roslyn object: that would pin compilations and defeat caching.</summary>
public class PipelineValueTests
{
    [Fact]
    public void Walker_finds_a_symbol_hidden_in_a_collection()
    {
        var compilation = GeneratorTestHelper.Compilation("class C { }");
        var value = (Name: "x", Items: new object[] { 1, new List<object> { compilation.GetTypeByMetadataName("C")! } });
        Assert.Equal(new[] { "value.Item2[1][0]: " + compilation.GetTypeByMetadataName("C")!.GetType().FullName },
            RoslynObjectWalker.FindForbidden(value, "value"));
    }

    [Fact]
    public void No_step_output_reaches_a_symbol_syntax_node_location_or_compilation()
    {
        var run = GeneratorTestHelper.Run(
            new[] { PipelineSources.AttributeNetwork, PipelineSources.Binding },
            new[] { ("/src/nets/tiny.cnn", PipelineSources.TinyCnn), ("/src/nets/other.cnn", PipelineSources.OtherCnn) });

        var steps = run.Result.TrackedSteps;
        foreach (var name in TrackingNameList.All) Assert.True(steps.ContainsKey(name), $"step {name} did not run");

        var problems = new List<string>();
        foreach (var (name, runs) in steps)
        {
            if (!TrackingNameList.All.Contains(name)) continue;
            for (int r = 0; r < runs.Length; r++)
            {
                for (int o = 0; o < runs[r].Outputs.Length; o++)
                    problems.AddRange(RoslynObjectWalker.FindForbidden(runs[r].Outputs[o].Value, $"{name}[{r}].Outputs[{o}]"));
            }
        }
        Assert.Empty(problems);
    }
}
