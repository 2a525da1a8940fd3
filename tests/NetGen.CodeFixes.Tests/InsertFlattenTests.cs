using Microsoft.CodeAnalysis;
using Xunit;
using static NetGen.CodeFixes.Tests.FixHarness;

namespace NetGen.CodeFixes.Tests;

/// <summary>NG0104 on a [Network] class: "Insert [Flatten]" before the dense attribute, after which the generator is satisfied.</summary>
public class InsertFlattenTests
{
    private static async Task<string> FixOnce(string source, int expectedDiagnostics = 1)
    {
        var project = Project(new[] { ("Nets.cs", source) });
        var found = (await GeneratorDiagnostics(project)).Where(d => d.Id == "NG0104").ToArray();
        Assert.Equal(expectedDiagnostics, found.Length);
        var actions = await Actions(project, new InsertFlattenCodeFix(), found[0]);
        var action = Assert.Single(actions);
        Assert.Equal("Insert [Flatten]", action.Title);
        var fixedProject = await Apply(project, action);
        return await Text(fixedProject, "Nets.cs");
    }

    private static async Task AssertGeneratorIsSatisfied(string source)
    {
        var diagnostics = await GeneratorDiagnostics(Project(new[] { ("Nets.cs", source) }));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public async Task Inserts_a_flatten_line_before_the_dense_attribute_and_the_error_goes()
    {
        const string before = """
            using NetGen;
            namespace App;

            [Network(1, 8, 8)]
            [Conv2D(4, 3, Activation = Activation.ReLU)]
            [MaxPool2D(2)]
                [Dense(10)]
            public partial class Digits;
            """;
        const string after = """
            using NetGen;
            namespace App;

            [Network(1, 8, 8)]
            [Conv2D(4, 3, Activation = Activation.ReLU)]
            [MaxPool2D(2)]
                [Flatten]
                [Dense(10)]
            public partial class Digits;
            """;
        var fixedText = await FixOnce(before);
        Assert.Equal(after, fixedText);
        await AssertGeneratorIsSatisfied(fixedText);
    }

    [Fact]
    public async Task Keeps_the_dense_attributes_qualifier_and_the_files_line_endings()
    {
        const string before = "namespace App;\r\n[NetGen.Network(1, 8, 8)]\r\n[NetGen.Conv2D(4, 3)]\r\n[NetGen.Dense(10)]\r\npublic partial class Digits;\r\n";
        const string after = "namespace App;\r\n[NetGen.Network(1, 8, 8)]\r\n[NetGen.Conv2D(4, 3)]\r\n[NetGen.Flatten]\r\n[NetGen.Dense(10)]\r\npublic partial class Digits;\r\n";
        var fixedText = await FixOnce(before);
        Assert.Equal(after, fixedText);
        await AssertGeneratorIsSatisfied(fixedText);
    }

    [Fact]
    public async Task Inside_a_shared_attribute_list_inserts_before_the_dense_attribute()
    {
        const string before = """
            using NetGen;
            namespace App;
            [Network(1, 8, 8), Conv2D(4, 3), Dense(16, Activation = Activation.ReLU), Dense(10)]
            public partial class Digits;
            """;
        const string after = """
            using NetGen;
            namespace App;
            [Network(1, 8, 8), Conv2D(4, 3), Flatten, Dense(16, Activation = Activation.ReLU), Dense(10)]
            public partial class Digits;
            """;
        var fixedText = await FixOnce(before);
        Assert.Equal(after, fixedText);
        await AssertGeneratorIsSatisfied(fixedText);
    }

    [Fact]
    public async Task The_diagnostic_points_at_the_dense_attribute_in_the_documents_own_tree()
    {
        const string source = """
            using NetGen;
            namespace App;
            [Network(1, 8, 8)]
            [Conv2D(4, 3)]
            [Dense(10)]
            public partial class Digits;
            """;
        var project = Project(new[] { ("Nets.cs", source) });
        var diagnostic = (await GeneratorDiagnostics(project)).Single(d => d.Id == "NG0104");
        var tree = await project.Documents.Single().GetSyntaxTreeAsync();
        Assert.Same(tree, diagnostic.Location.SourceTree);
        Assert.Equal("Dense(10)", tree!.GetText().ToString(diagnostic.Location.SourceSpan));
        Assert.Equal("144", diagnostic.Properties[NetGen.Generator.Diagnostics.DiagnosticDescriptors.FlattenFeaturesProperty]);
    }

    [Fact]
    public async Task Fix_all_inserts_a_flatten_in_every_network_of_the_document()
    {
        const string before = """
            using NetGen;
            namespace App;

            [Network(1, 8, 8)]
            [Conv2D(4, 3)]
            [Dense(10)]
            public partial class First;

            [Network(3, 16, 16)]
            [Conv2D(8, 3)]
            [MaxPool2D(2)]
            [Dense(5)]
            public partial class Second;
            """;
        const string after = """
            using NetGen;
            namespace App;

            [Network(1, 8, 8)]
            [Conv2D(4, 3)]
            [Flatten]
            [Dense(10)]
            public partial class First;

            [Network(3, 16, 16)]
            [Conv2D(8, 3)]
            [MaxPool2D(2)]
            [Flatten]
            [Dense(5)]
            public partial class Second;
            """;
        var project = Project(new[] { ("Nets.cs", before) });
        var diagnostics = (await GeneratorDiagnostics(project)).Where(d => d.Id == "NG0104").ToArray();
        Assert.Equal(2, diagnostics.Length);
        var fix = new InsertFlattenCodeFix();
        var document = project.Documents.Single();
        var context = new Microsoft.CodeAnalysis.CodeFixes.FixAllContext(document, fix, Microsoft.CodeAnalysis.CodeFixes.FixAllScope.Document,
            InsertFlattenCodeFix.Title, new[] { "NG0104" }, new Diagnostics(diagnostics), CancellationToken.None);
        var action = await fix.GetFixAllProvider().GetFixAsync(context);
        Assert.NotNull(action);
        var fixedText = await Text(await Apply(project, action!), "Nets.cs");
        Assert.Equal(after, fixedText);
        await AssertGeneratorIsSatisfied(fixedText);
    }

    private sealed class Diagnostics(IEnumerable<Diagnostic> all) : Microsoft.CodeAnalysis.CodeFixes.FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult(all.Where(d => d.Location.SourceTree?.FilePath == document.FilePath));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(all);
    }
}
