using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NetGen.Bench.Infrastructure;
using NetGen.Generator;

namespace NetGen.Bench.Generator;

/// <summary>
/// Compile-time cost of the .cnn front end on ResNet-50 (samples/Architectures/ResNet50.cnn,
/// 53 convolutions, 16 bottleneck blocks): a first run, and the two re-runs an IDE does on
/// every keystroke, one in unrelated C# and one in the .cnn file.
/// </summary>
[MemoryDiagnoser]
public class CnnGeneratorBenchmarks
{
    private const string CnnPath = "samples/Architectures/ResNet50.cnn";
    private const string GeneratedHintName = "Samples.Architectures.ResNet50.Network.g.cs";

    // The steps that turn a network into C#, and the diagnostics beside them.
    private static readonly string[] EmitSteps =
    {
        TrackingNames.AttributeEmit, TrackingNames.AttributeDiagnostics,
        TrackingNames.CnnEmit, TrackingNames.CnnDiagnostics,
    };

    private const string AppSource = """
        namespace App;

        public static class Entry
        {
            public static int Answer() => Settings.Default.Retries * 2;
        }
        """;

    private const string SettingsSource = """
        namespace App;

        public sealed class Settings
        {
            public static readonly Settings Default = new();
            public int Retries { get; init; } = 3;
        }
        """;

    private InMemoryAdditionalText _cnn = null!;
    private InMemoryAdditionalText _cnnWithComment = null!;
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _editedCompilation = null!;
    private GeneratorDriver _warmDriver = null!;

    [GlobalSetup]
    public void Setup()
    {
        string path = RepoPaths.File(CnnPath);
        string text = File.ReadAllText(path);
        _cnn = new InMemoryAdditionalText(path, text);
        // A comment on the first line moves every token of the file one line down.
        _cnnWithComment = new InMemoryAdditionalText(path, "# edited: a comment added at the top\n" + text);

        _compilation = GeneratorHarness.Compilation(("App/Entry.cs", AppSource), ("App/Settings.cs", SettingsSource));
        var settings = _compilation.SyntaxTrees.Single(t => t.FilePath == "App/Settings.cs");
        var editedSettings = settings.WithChangedText(SourceText.From(
            SettingsSource.Replace("= 3;", "= 5;", StringComparison.Ordinal)));
        _editedCompilation = _compilation.ReplaceSyntaxTree(settings, editedSettings);

        _warmDriver = GeneratorHarness.CreateDriver(new[] { _cnn }, trackSteps: false).RunGenerators(_compilation.Clone());
        GeneratorHarness.RequireGenerated(_warmDriver, GeneratedHintName);

        VerifyUnrelatedEditReusesEverything();
        VerifyCnnCommentReparsesWithoutEmitting();
    }

    /// <summary>A driver that has never run: parse, analyse and emit ResNet-50.</summary>
    [Benchmark(Baseline = true)]
    public GeneratorDriver Cold() =>
        GeneratorHarness.CreateDriver(new[] { _cnn }, trackSteps: false).RunGenerators(_compilation.Clone());

    /// <summary>A C# file without networks was edited: every step is reused, nothing is emitted.</summary>
    [Benchmark]
    public GeneratorDriver UnrelatedCSharpEdit() => _warmDriver.RunGenerators(_editedCompilation.Clone());

    /// <summary>
    /// A comment was added to the .cnn file: that file is parsed and analysed again (its
    /// locations moved), and its emit step finds the same network, so no C# is regenerated.
    /// </summary>
    [Benchmark]
    public GeneratorDriver CnnCommentEdit() =>
        _warmDriver.ReplaceAdditionalText(_cnn, _cnnWithComment).RunGenerators(_compilation.Clone());

    private void VerifyUnrelatedEditReusesEverything()
    {
        var result = TrackedRerun(driver => driver.RunGenerators(_editedCompilation.Clone()));
        const string scenario = "Unrelated C# edit";
        // Stricter than the emit steps alone: no step at all may see a change.
        StepCheck.RequireNone(StepCheck.Recomputed(result, StepCheck.AllTrackingNames), scenario);
        StepCheck.RequireNone(StepCheck.RecomputedOutputs(result), scenario);
    }

    private void VerifyCnnCommentReparsesWithoutEmitting()
    {
        var result = TrackedRerun(driver => driver.ReplaceAdditionalText(_cnn, _cnnWithComment).RunGenerators(_compilation.Clone()));
        const string scenario = "Comment added to the .cnn file";
        if (StepCheck.Count(result, TrackingNames.CnnFiles, IncrementalStepRunReason.Modified) != 1)
        {
            throw new InvalidOperationException($"{scenario}: the edited .cnn file was not parsed again, so the benchmark would not measure a re-parse.");
        }
        StepCheck.RequireNone(StepCheck.Recomputed(result, EmitSteps), scenario);
        StepCheck.RequireNone(StepCheck.RecomputedOutputs(result), scenario);
    }

    /// <summary>A tracked driver's first run over the original inputs, then <paramref name="rerun"/>; the re-run's result.</summary>
    private GeneratorRunResult TrackedRerun(Func<GeneratorDriver, GeneratorDriver> rerun)
    {
        var first = GeneratorHarness.CreateDriver(new[] { _cnn }, trackSteps: true).RunGenerators(_compilation.Clone());
        GeneratorHarness.RequireGenerated(first, GeneratedHintName);
        return GeneratorHarness.Result(rerun(first));
    }
}
