using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator.Parsing;
using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Pipeline;

/// <summary>What re-runs after an edit: nothing after an unrelated one; only the edited .cnn file's steps after editing it.</summary>
public class IncrementalCachingTests
{
    private static readonly InMemoryAdditionalText Tiny = new("/src/nets/tiny.cnn", PipelineSources.TinyCnn);
    private static readonly InMemoryAdditionalText Other = new("/src/nets/other.cnn", PipelineSources.OtherCnn);

    private static GeneratorRun FirstRun(out CSharpCompilation compilation)
    {
        compilation = GeneratorTestHelper.Compilation(PipelineSources.AttributeNetwork, PipelineSources.Binding);
        var run = GeneratorTestHelper.Run(GeneratorTestHelper.CreateDriver(new AdditionalText[] { Tiny, Other }), compilation);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Equal(3, run.Sources.Count);
        return run;
    }

    private static IEnumerable<(string Step, IncrementalStepRunReason Reason, object Value)> Outputs(GeneratorRunResult result, string step) =>
        result.TrackedSteps.TryGetValue(step, out var runs)
            ? runs.SelectMany(r => r.Outputs.Select(o => (step, o.Reason, o.Value)))
            : Enumerable.Empty<(string, IncrementalStepRunReason, object)>();

    private static void AssertNothingRan(GeneratorRunResult result, IEnumerable<string> steps)
    {
        var ran = steps.SelectMany(s => Outputs(result, s))
            .Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
            .Select(o => $"{o.Step}: {o.Reason}")
            .ToList();
        Assert.Empty(ran);
    }

    private static void AssertNoSourceOutputRan(GeneratorRunResult result)
    {
        var ran = result.TrackedOutputSteps
            .SelectMany(s => s.Value.SelectMany(r => r.Outputs.Select(o => (s.Key, o.Reason))))
            .Where(o => o.Reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
            .Select(o => $"{o.Key}: {o.Reason}")
            .ToList();
        Assert.Empty(ran);
    }

    [Fact]
    public void Adding_an_unrelated_class_reruns_nothing()
    {
        var first = FirstRun(out var compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace App { public class Unrelated { public int X; } }", GeneratorTestHelper.ParseOptions, path: "Unrelated.cs"));

        var second = GeneratorTestHelper.Run(first.Driver, edited);

        AssertNothingRan(second.Result, TrackingNameList.All);
        AssertNoSourceOutputRan(second.Result);
        Assert.Equal(first.Sources, second.Sources);
    }

    [Fact]
    public void A_comment_after_the_network_class_reruns_nothing()
    {
        var first = FirstRun(out var compilation);
        var tree = compilation.SyntaxTrees.First();
        var edited = compilation.ReplaceSyntaxTree(tree,
            tree.WithChangedText(tree.GetText().WithChanges(new TextChange(new TextSpan(tree.Length, 0), "\n// a comment at the end\n"))));

        var second = GeneratorTestHelper.Run(first.Driver, edited);

        AssertNothingRan(second.Result, TrackingNameList.All);
        AssertNoSourceOutputRan(second.Result);
    }

    [Fact]
    public void Moving_the_network_class_down_changes_diagnostic_locations_but_regenerates_no_code()
    {
        var first = FirstRun(out var compilation);
        var tree = compilation.SyntaxTrees.First();
        var edited = compilation.ReplaceSyntaxTree(tree,
            tree.WithChangedText(tree.GetText().WithChanges(new TextChange(new TextSpan(0, 0), "// moved\n// down\n"))));

        var second = GeneratorTestHelper.Run(first.Driver, edited);

        // The front end's value holds locations, so it changes; the location-free emit value does not.
        Assert.Contains(Outputs(second.Result, TrackingNames.AttributeNetworks), o => o.Reason == IncrementalStepRunReason.Modified);
        AssertNothingRan(second.Result, new[] { TrackingNames.AttributeEmit, TrackingNames.AttributeDiagnostics });
        AssertNoSourceOutputRan(second.Result);
        Assert.Equal(first.Sources, second.Sources);
    }

    [Fact]
    public void A_comment_added_to_a_cnn_file_regenerates_no_code()
    {
        var first = FirstRun(out var compilation);
        var edited = new InMemoryAdditionalText(Other.Path, "# a comment that moves every line down\n" + PipelineSources.OtherCnn);

        var second = GeneratorTestHelper.Run(first.Driver.ReplaceAdditionalText(Other, edited), compilation);

        Assert.Contains(Outputs(second.Result, TrackingNames.CnnFiles), o => o.Reason == IncrementalStepRunReason.Modified);
        AssertNothingRan(second.Result, new[] { TrackingNames.CnnEmit, TrackingNames.CnnDiagnostics });
        AssertNoSourceOutputRan(second.Result);
        Assert.Equal(first.Sources, second.Sources);
    }

    [Fact]
    public void Editing_one_cnn_file_reruns_only_that_files_steps()
    {
        var first = FirstRun(out var compilation);
        var edited = new InMemoryAdditionalText(Other.Path, PipelineSources.OtherCnn.Replace("dense(8)", "dense(9)"));

        var second = GeneratorTestHelper.Run(first.Driver.ReplaceAdditionalText(Other, edited), compilation);

        var perFile = new[] { TrackingNames.CnnSources, TrackingNames.CnnFiles, TrackingNames.CnnBuilds, TrackingNames.CnnEmit };
        foreach (var step in perFile)
        {
            var outputs = Outputs(second.Result, step).ToList();
            Assert.Equal(2, outputs.Count);
            Assert.Single(outputs, o => o.Reason == IncrementalStepRunReason.Modified);
            Assert.Single(outputs, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        }
        var parsed = Outputs(second.Result, TrackingNames.CnnFiles).Single(o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(Other.Path, ((CnnFile)parsed.Value).Path);

        AssertNothingRan(second.Result, new[]
        {
            TrackingNames.AttributeNetworks, TrackingNames.AttributeBuilds, TrackingNames.AttributeEmit, TrackingNames.AttributeDiagnostics,
            TrackingNames.BindingSites, TrackingNames.Bindings, TrackingNames.BindingContext, TrackingNames.BindingDiagnostics,
            TrackingNames.RootNamespace, TrackingNames.CnnPaths,
        });
        Assert.Equal(first.Sources["App.BoundTiny.Network.g.cs"], second.Sources["App.BoundTiny.Network.g.cs"]);
        Assert.Equal(first.Sources["App.Mnist.Network.g.cs"], second.Sources["App.Mnist.Network.g.cs"]);
        Assert.NotEqual(first.Sources["NetGen.Networks.Other.Network.g.cs"], second.Sources["NetGen.Networks.Other.Network.g.cs"]);
    }
}
