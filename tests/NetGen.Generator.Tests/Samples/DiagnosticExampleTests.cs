using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Samples;

/// <summary>
/// The examples on the help pages (docs/diagnostics/NGxxxx.md) run through the real generator:
/// each code block followed by a block of compiler lines must produce those diagnostics, with
/// the same severity, id, position and message, so the pages cannot drift from the code.
/// </summary>
public class DiagnosticExampleTests
{
    /// <summary>"model.cnn(4,1): error NG0001: Syntax error: ...", the way the pages show them.</summary>
    private static readonly Regex CompilerLine = new(@"^\S+\((\d+),(\d+)\): (error|warning) (NG\d{4}): (.*)$");

    private static readonly Regex Fence = new(@"```(\w*)\n(.*?)```", RegexOptions.Singleline);

    /// <summary>Examples that need more than their own block to run, and why.</summary>
    private static readonly Dictionary<string, string> NotRunnable = new()
    {
        ["NG0014"] = "needs a second file declaring two networks, described in prose",
        ["NG0015"] = "needs two .cnn files; covered by CnnGenerationTests.Two_files_declaring_the_same_class_report_NG0015_and_emit_neither",
        ["NG1001"] = "an MSBuild warning of an AOT publish, not a generator diagnostic; covered by NetGen.Package.Tests",
        ["NG0302"] = "information, which the example runner does not read; covered by ExecutionEmitTests.Single_channel_image_output_gets_predict_and_an_info_instead_of_train_step",
    };

    public static TheoryData<string, int> Examples()
    {
        var data = new TheoryData<string, int>();
        foreach (var (id, examples) in AllExamples())
        {
            for (int i = 0; i < examples.Count; i++) data.Add(id, i);
        }
        return data;
    }

    [Fact]
    public void Most_pages_have_a_runnable_example()
    {
        var runnable = AllExamples().Where(p => p.Examples.Count > 0).Select(p => p.Id).ToHashSet();
        var pages = Directory.GetFiles(PagesFolder, "NG*.md").Select(Path.GetFileNameWithoutExtension).ToList();
        var missing = pages.Where(id => !runnable.Contains(id!) && !NotRunnable.ContainsKey(id!)).ToList();
        Assert.True(missing.Count == 0, "pages without a runnable example: " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_produces_the_diagnostics_its_page_shows(string id, int index)
    {
        Example example = AllExamples().Single(p => p.Id == id).Examples[index];

        GeneratorRun run = example.Language == "csharp"
            ? GeneratorTestHelper.Run(new[] { example.Code, "global using NetGen;" })
            : GeneratorTestHelper.Run(new[] { "global using NetGen;" }, new[] { ("model.cnn", example.Code) });
        var actual = run.GeneratorDiagnostics.Select(Describe).ToList();

        foreach (string expected in example.Expected)
            Assert.True(actual.Contains(expected),
                $"{id} example {index}: expected{System.Environment.NewLine}  {expected}{System.Environment.NewLine}got{System.Environment.NewLine}  "
                + string.Join(System.Environment.NewLine + "  ", actual));
    }

    private sealed record Example(string Language, string Code, IReadOnlyList<string> Expected);

    private static string PagesFolder => Path.Combine(SampleFiles.RepositoryRoot, "docs", "diagnostics");

    /// <summary>"error NG0001 (4,1): message": what a compiler line says, without the file name.</summary>
    private static string Describe(Diagnostic d)
    {
        var start = d.Location.GetLineSpan().StartLinePosition;
        string severity = d.Severity == DiagnosticSeverity.Warning ? "warning" : "error";
        return $"{severity} {d.Id} ({start.Line + 1},{start.Character + 1}): {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// Each page's code blocks (.cnn or C#) that are followed by a block of compiler lines; a
    /// block with an elision ("...") is an excerpt and is not run.
    /// </summary>
    private static IEnumerable<(string Id, List<Example> Examples)> AllExamples()
    {
        foreach (string page in Directory.GetFiles(PagesFolder, "NG*.md").OrderBy(p => p, System.StringComparer.Ordinal))
        {
            string id = Path.GetFileNameWithoutExtension(page);
            var examples = new List<Example>();
            if (!NotRunnable.ContainsKey(id))
            {
                string text = File.ReadAllText(page).Replace("\r\n", "\n");
                int start = text.IndexOf("## Example", System.StringComparison.Ordinal);
                int end = text.IndexOf("## Fix", System.StringComparison.Ordinal);
                var blocks = Fence.Matches(text.Substring(start, end - start)).Cast<Match>().ToList();
                for (int i = 0; i + 1 < blocks.Count; i++)
                {
                    string language = blocks[i].Groups[1].Value;
                    string code = blocks[i].Groups[2].Value;
                    var expected = CompilerLines(blocks[i + 1].Groups[2].Value);
                    if (language is not ("" or "csharp") || expected is null || CompilerLines(code) is not null || code.Contains("...")) continue;
                    examples.Add(new Example(language, code, expected));
                }
            }
            yield return (id, examples);
        }
    }

    /// <summary>The block's lines as <see cref="Describe"/> writes them, or null when it is not all compiler lines.</summary>
    private static List<string>? CompilerLines(string block)
    {
        var lines = new List<string>();
        foreach (string line in block.Split('\n').Where(l => l.Trim().Length > 0))
        {
            var m = CompilerLine.Match(line);
            if (!m.Success) return null;
            lines.Add($"{m.Groups[3].Value} {m.Groups[4].Value} ({m.Groups[1].Value},{m.Groups[2].Value}): {m.Groups[5].Value}");
        }
        return lines.Count > 0 ? lines : null;
    }
}
