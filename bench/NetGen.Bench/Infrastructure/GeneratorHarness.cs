using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator;

namespace NetGen.Bench.Infrastructure;

/// <summary>
/// Drives <see cref="NetGenGenerator"/> the way the compiler does: a compilation that
/// references .NET 10 and NetGen.Runtime, .cnn files as AdditionalFiles.
/// </summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    // Metadata is decoded once per reference set; every compilation here shares it, as the
    // compiler server and the IDE share it between builds.
    private static readonly ImmutableArray<MetadataReference> References = Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(NetworkAttribute).Assembly.Location))
        .ToImmutableArray();

    /// <summary>A library compilation of <paramref name="sources"/> (path, text).</summary>
    public static CSharpCompilation Compilation(params (string Path, string Text)[] sources) => CSharpCompilation.Create(
        "BenchAssembly",
        sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, ParseOptions, path: s.Path)),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    /// <summary>
    /// A driver that has not run yet. Step tracking costs time and memory, so the timed
    /// drivers leave it off; the checks done before timing turn it on.
    /// </summary>
    public static GeneratorDriver CreateDriver(IEnumerable<AdditionalText> additionalTexts, bool trackSteps) =>
        CSharpGeneratorDriver.Create(
            ImmutableArray.Create(new NetGenGenerator().AsSourceGenerator()),
            additionalTexts.ToImmutableArray(),
            ParseOptions,
            optionsProvider: null,
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>The single generator's result of the driver's last run; throws when the generator threw.</summary>
    public static GeneratorRunResult Result(GeneratorDriver driver)
    {
        var result = driver.GetRunResult().Results.Single();
        if (result.Exception is not null) throw new InvalidOperationException("The NetGen generator threw.", result.Exception);
        return result;
    }

    /// <summary>
    /// Throws unless the run generated exactly <paramref name="hintNames"/> and reported no error,
    /// so a benchmark never times a generator that fails on its input.
    /// </summary>
    public static void RequireGenerated(GeneratorDriver driver, params string[] hintNames)
    {
        var result = Result(driver);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        if (errors.Count > 0) throw new InvalidOperationException("The generator reported errors on the benchmark input:\n" + string.Join("\n", errors));
        var generated = result.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        var expected = hintNames.OrderBy(n => n, StringComparer.Ordinal).ToArray();
        if (!generated.SequenceEqual(expected))
        {
            throw new InvalidOperationException(
                $"The generator produced [{string.Join(", ", generated)}], the benchmark expects [{string.Join(", ", expected)}].");
        }
    }
}
