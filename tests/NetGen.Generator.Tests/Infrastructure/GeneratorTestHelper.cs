using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator;

namespace NetGen.Generator.Tests.Infrastructure;

/// <summary>A .cnn file handed to the generator as an AdditionalFiles item.</summary>
public sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    public override string Path { get; } = path;

    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}

/// <summary>Global analyzer-config options (the <c>build_property.*</c> values MSBuild passes).</summary>
public sealed class TestOptionsProvider(IReadOnlyDictionary<string, string> globals) : AnalyzerConfigOptionsProvider
{
    public override AnalyzerConfigOptions GlobalOptions { get; } = new Options(globals);

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

    private sealed class Options(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly Options Empty = new(new Dictionary<string, string>());

        public override bool TryGetValue(string key, out string value)
        {
            if (values.TryGetValue(key, out var v))
            {
                value = v;
                return true;
            }
            value = "";
            return false;
        }
    }
}

/// <summary>What one generator run produced.</summary>
public sealed record GeneratorRun(
    GeneratorDriver Driver,
    Compilation Input,
    Compilation Output,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    GeneratorRunResult Result)
{
    /// <summary>Generated files by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources =>
        Result.GeneratedSources.ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    /// <summary>Every diagnostic of compiling the user code plus the generated code (warnings included).</summary>
    public ImmutableArray<Diagnostic> CompilationDiagnostics => Output.GetDiagnostics();
}

/// <summary>
/// Runs <see cref="NetGenGenerator"/> the way the compiler does: over a compilation that
/// references .NET 10 and NetGen.Runtime, with .cnn AdditionalFiles, step tracking on.
/// </summary>
public static class GeneratorTestHelper
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> References = Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(NetGen.NetworkAttribute).Assembly.Location))
        .ToImmutableArray();

    public static CSharpCompilation Compilation(params string[] sources) => CSharpCompilation.Create(
        "TestAssembly",
        sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Source{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText>? additionalTexts = null,
        IReadOnlyDictionary<string, string>? globalOptions = null) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetGenGenerator().AsSourceGenerator() },
            additionalTexts ?? Array.Empty<AdditionalText>(),
            ParseOptions,
            new TestOptionsProvider(globalOptions ?? new Dictionary<string, string>()),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over <paramref name="sources"/> and <paramref name="cnnFiles"/> (path, text).</summary>
    public static GeneratorRun Run(string[] sources, (string Path, string Text)[]? cnnFiles = null,
        IReadOnlyDictionary<string, string>? globalOptions = null)
    {
        var texts = (cnnFiles ?? Array.Empty<(string, string)>()).Select(f => (AdditionalText)new InMemoryAdditionalText(f.Path, f.Text));
        return Run(CreateDriver(texts, globalOptions), Compilation(sources));
    }

    public static GeneratorRun Run(params string[] sources) => Run(sources, null);

    /// <summary>Runs (or re-runs, keeping the driver's cache) over <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null) throw new InvalidOperationException("The generator threw.", result.Exception);
        return new GeneratorRun(driver, compilation, output, diagnostics, result);
    }

    /// <summary>Diagnostics as "ID (line,col): message" with one-based positions, sorted, for readable assertions.</summary>
    public static string[] Describe(IEnumerable<Diagnostic> diagnostics) => diagnostics
        .Select(d =>
        {
            var span = d.Location.GetLineSpan();
            string where = d.Location == Location.None ? "" : $" {span.Path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1})";
            return $"{d.Id}{where}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
        })
        .OrderBy(s => s, StringComparer.Ordinal)
        .ToArray();
}
