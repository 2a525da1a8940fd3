using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Generation;

/// <summary>
/// <c>dotnet_diagnostic.NGxxxx.severity</c> from <c>.editorconfig</c> and <c>.globalconfig</c>,
/// parsed by Roslyn's own <see cref="AnalyzerConfigSet"/> and handed to the compilation the way
/// csc does (a <see cref="SyntaxTreeOptionsProvider"/>), and <c>NoWarn</c> / <c>WarningsAsErrors</c>
/// as specific options: the severity the generator's diagnostics come out with, for both front
/// ends, and the errors that cannot be configured.
/// </summary>
public class SeverityConfigTests
{
    private const string ProjectDir = "/proj/";

    // 54,170 parameters over a budget of 100 (NG0201), and a dense on a 4-D tensor (NG0104).
    private const string AttributeNet = """
        using NetGen;
        namespace App;
        [Network(1, 28, 28, MaxParams = 100)]
        [Conv2D(8, 3)]
        [Flatten]
        [Dense(10)]
        public partial class OverBudget;

        [Network(1, 8, 8)]
        [Conv2D(4, 3)]
        [Dense(10)]
        public partial class NoFlatten;
        """;

    private const string CnnNet = """
        namespace App
        network CnnOverBudget {
            input 1x28x28
            budget params 100
            conv1 = conv2d(8, 3)
            flatten
            fc = dense(10)
        }
        """;

    private static ImmutableArray<Diagnostic> Run(string? editorConfig = null, string? globalConfig = null,
        IEnumerable<KeyValuePair<string, ReportDiagnostic>>? specific = null)
    {
        var configs = new List<AnalyzerConfig>();
        if (editorConfig is not null) configs.Add(AnalyzerConfig.Parse(editorConfig, ProjectDir + ".editorconfig"));
        if (globalConfig is not null) configs.Add(AnalyzerConfig.Parse(globalConfig, ProjectDir + ".globalconfig"));
        var set = AnalyzerConfigSet.Create(configs);

        var tree = CSharpSyntaxTree.ParseText(AttributeNet, GeneratorTestHelper.ParseOptions, path: ProjectDir + "Nets.cs");
        var options = ((CSharpCompilationOptions)GeneratorTestHelper.Compilation().Options)
            .WithSyntaxTreeOptionsProvider(new ConfigTreeOptions(set, new[] { tree }))
            .WithSpecificDiagnosticOptions(specific ?? Array.Empty<KeyValuePair<string, ReportDiagnostic>>());
        var compilation = GeneratorTestHelper.Compilation().AddSyntaxTrees(tree).WithOptions(options);
        var cnn = new InMemoryAdditionalText(ProjectDir + "Nets.cnn", CnnNet);
        return GeneratorTestHelper.Run(GeneratorTestHelper.CreateDriver(new[] { cnn }), compilation).GeneratorDiagnostics;
    }

    private static string[] Seen(ImmutableArray<Diagnostic> diagnostics) => diagnostics
        .Select(d => $"{d.Id} {Path.GetFileName(d.Location.GetLineSpan().Path)} {d.Severity}")
        .Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public void Without_configuration_budgets_and_shape_errors_are_errors()
    {
        Assert.Equal(new[] { "NG0104 Nets.cs Error", "NG0201 Nets.cnn Error", "NG0201 Nets.cs Error" }, Seen(Run()));
    }

    [Fact]
    public void An_editorconfig_cs_section_makes_the_attribute_budget_error_a_warning()
    {
        var seen = Seen(Run(editorConfig: "root = true\n[*.cs]\ndotnet_diagnostic.NG0201.severity = warning\n"));
        Assert.Equal(new[] { "NG0104 Nets.cs Error", "NG0201 Nets.cnn Error", "NG0201 Nets.cs Warning" }, seen);
    }

    [Fact]
    public void An_editorconfig_none_removes_the_attribute_budget_diagnostic()
    {
        var seen = Seen(Run(editorConfig: "root = true\n[*.cs]\ndotnet_diagnostic.NG0201.severity = none\n"));
        Assert.Equal(new[] { "NG0104 Nets.cs Error", "NG0201 Nets.cnn Error" }, seen);
    }

    [Fact]
    public void The_diagnostic_lies_in_the_compilations_tree_so_path_sections_can_reach_it()
    {
        var budget = Run().Single(d => d.Id == "NG0201" && d.Location.GetLineSpan().Path.EndsWith(".cs", StringComparison.Ordinal));
        Assert.NotNull(budget.Location.SourceTree);
        Assert.Equal("MaxParams = 100", budget.Location.SourceTree!.GetText().ToString(budget.Location.SourceSpan));
    }

    /// <summary>
    /// Roslyn applies a path section only to a location in a C# tree, never to an AdditionalFile
    /// (dotnet/roslyn#31916): a [*.cnn] section changes nothing, and the docs send .cnn users to
    /// .globalconfig. This pins that, so the docs are revisited if Roslyn changes.
    /// </summary>
    [Fact]
    public void An_editorconfig_cnn_section_does_not_reach_the_cnn_file()
    {
        var seen = Seen(Run(editorConfig: "root = true\n[*.cnn]\ndotnet_diagnostic.NG0201.severity = warning\n"));
        Assert.Contains("NG0201 Nets.cnn Error", seen);
    }

    [Fact]
    public void A_globalconfig_changes_both_front_ends()
    {
        var seen = Seen(Run(globalConfig: "is_global = true\ndotnet_diagnostic.NG0201.severity = warning\n"));
        Assert.Equal(new[] { "NG0104 Nets.cs Error", "NG0201 Nets.cnn Warning", "NG0201 Nets.cs Warning" }, seen);
    }

    [Fact]
    public void NoWarn_reaches_both_front_ends()
    {
        var suppressed = Seen(Run(specific: new[] { KeyValuePair.Create("NG0201", ReportDiagnostic.Suppress) }));
        Assert.Equal(new[] { "NG0104 Nets.cs Error" }, suppressed);
    }

    [Fact]
    public void A_shape_error_that_leaves_no_code_stays_an_error_whatever_the_configuration()
    {
        var seen = Seen(Run(
            editorConfig: "root = true\n[*.cs]\ndotnet_diagnostic.NG0104.severity = none\n",
            globalConfig: "is_global = true\ndotnet_diagnostic.NG0104.severity = warning\n",
            specific: new[] { KeyValuePair.Create("NG0104", ReportDiagnostic.Suppress) }));
        Assert.Contains("NG0104 Nets.cs Error", seen);
    }

    [Fact]
    public void Only_budgets_warnings_and_information_are_configurable()
    {
        var configurable = DiagnosticDescriptors.All.Where(DiagnosticDescriptors.IsConfigurable).Select(d => d.Id).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "NG0008", "NG0201", "NG0202", "NG0203", "NG0301", "NG0302" }, configurable);
        foreach (var d in DiagnosticDescriptors.All.Where(d => !DiagnosticDescriptors.IsConfigurable(d)))
            Assert.Equal(DiagnosticSeverity.Error, d.DefaultSeverity);
    }

    [Fact]
    public void Help_pages_and_the_index_say_which_ids_are_configurable()
    {
        string dir = Path.Combine(Samples.SampleFiles.RepositoryRoot, "docs", "diagnostics");
        string index = File.ReadAllText(Path.Combine(dir, "README.md"));
        foreach (var d in DiagnosticDescriptors.All)
        {
            bool configurable = DiagnosticDescriptors.IsConfigurable(d);
            string page = File.ReadAllText(Path.Combine(dir, d.Id + ".md"));
            Assert.Contains(configurable ? "| Configurable | Yes: `dotnet_diagnostic." + d.Id + ".severity`" : "| Configurable | No: ", page);
            string row = index.Split('\n').Single(l => l.StartsWith($"| [{d.Id}]({d.Id}.md) |", StringComparison.Ordinal));
            Assert.Contains($"| {d.DefaultSeverity} | {d.Category} | {(configurable ? "yes" : "no")} |", row);
        }
    }

    /// <summary>What csc builds from the analyzer config files: per-tree severities and the global ones.</summary>
    private sealed class ConfigTreeOptions(AnalyzerConfigSet set, IEnumerable<SyntaxTree> trees) : SyntaxTreeOptionsProvider
    {
        private readonly Dictionary<SyntaxTree, ImmutableDictionary<string, ReportDiagnostic>> _trees =
            trees.ToDictionary(t => t, t => set.GetOptionsForSourcePath(t.FilePath).TreeOptions);

        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            return _trees.TryGetValue(tree, out var options) && options.TryGetValue(diagnosticId, out severity);
        }

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity) =>
            set.GlobalConfigOptions.TreeOptions.TryGetValue(diagnosticId, out severity);
    }
}
