using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator;
using Xunit;

namespace NetGen.CodeFixes.Tests;

/// <summary>
/// What the IDE does with a generator diagnostic and a code fix, without the IDE:
/// the CodeFixVerifier of Microsoft.CodeAnalysis.Testing needs a DiagnosticAnalyzer, and NetGen's
/// diagnostics come from a source generator, so this drives the pieces itself. A project in an
/// <see cref="AdhocWorkspace"/> (C# documents and .cnn additional documents) is compiled, the
/// generator runs over it, and a fix's registered actions are applied to the solution.
/// </summary>
public static class FixHarness
{
    private static readonly ImmutableArray<MetadataReference> References = Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(NetGen.NetworkAttribute).Assembly.Location))
        .ToImmutableArray();

    public const string Dir = "/proj/";

    /// <summary>A project of C# files and .cnn files (name, text), placed under <see cref="Dir"/>.</summary>
    public static Project Project(IEnumerable<(string Name, string Text)> csharp, IEnumerable<(string Name, string Text)>? cnn = null)
    {
        var workspace = new AdhocWorkspace();
        var id = ProjectId.CreateNewId();
        var solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(id, VersionStamp.Default, "App", "App", LanguageNames.CSharp,
            filePath: Dir + "App.csproj",
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: References));
        foreach (var (name, text) in csharp)
            solution = solution.AddDocument(DocumentId.CreateNewId(id), name, SourceText.From(text), filePath: Dir + name);
        foreach (var (name, text) in cnn ?? Array.Empty<(string, string)>())
            solution = solution.AddAdditionalDocument(DocumentId.CreateNewId(id), name, SourceText.From(text), filePath: Dir + name);
        return solution.GetProject(id)!;
    }

    /// <summary>The generator's diagnostics for <paramref name="project"/>, as the compiler reports them.</summary>
    public static async Task<ImmutableArray<Diagnostic>> GeneratorDiagnostics(Project project)
    {
        var compilation = (await project.GetCompilationAsync())!;
        var driver = CSharpGeneratorDriver.Create(
            new[] { new NetGenGenerator().AsSourceGenerator() },
            project.AnalyzerOptions.AdditionalFiles,
            (CSharpParseOptions)project.ParseOptions!);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
        return diagnostics;
    }

    /// <summary>The actions <paramref name="fix"/> registers for <paramref name="diagnostic"/>, in the document it lies in.</summary>
    public static async Task<IReadOnlyList<CodeAction>> Actions(Project project, CodeFixProvider fix, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        void Register(CodeAction action, ImmutableArray<Diagnostic> _) => actions.Add(action);
        CodeFixContext context;
        if (diagnostic.Location.SourceTree is SyntaxTree tree)
        {
            var document = project.Documents.Single(d => d.FilePath == tree.FilePath);
            Assert.Same(tree, await document.GetSyntaxTreeAsync());
            context = new CodeFixContext(document, diagnostic, Register, CancellationToken.None);
        }
        else
        {
            var path = diagnostic.Location.GetLineSpan().Path;
            var document = project.AdditionalDocuments.Single(d => d.FilePath == path);
            context = new CodeFixContext(document, diagnostic, Register, CancellationToken.None);
        }
        await fix.RegisterCodeFixesAsync(context);
        return actions;
    }

    /// <summary>The project after <paramref name="action"/>.</summary>
    public static async Task<Project> Apply(Project project, CodeAction action)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var apply = Assert.Single(operations.OfType<ApplyChangesOperation>());
        return apply.ChangedSolution.GetProject(project.Id)!;
    }

    public static async Task<string> Text(Project project, string name)
    {
        var document = (TextDocument?)project.Documents.FirstOrDefault(d => d.Name == name)
            ?? project.AdditionalDocuments.Single(d => d.Name == name);
        return (await document.GetTextAsync()).ToString();
    }
}
