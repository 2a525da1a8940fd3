using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.CodeFixes;

/// <summary>
/// NG0101 on an <c>add</c> in a .cnn file whose branches differ because one convolution's
/// 'valid' padding shrank its branch: sets that convolution's padding to what the generator
/// computed (<c>same</c>), writing <c>padding: same</c> into its argument list or replacing the
/// padding it has. Everything the fix needs is in the diagnostic's properties: the
/// convolution's name, the padding, and where the convolution is declared. An add exists only
/// in .cnn files (the attribute front end is a chain), which are AdditionalFiles: this provider
/// is registered for additional documents ending in .cnn.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SetPaddingCodeFix),
    DocumentKinds = new[] { nameof(TextDocumentKind.AdditionalDocument) }, DocumentExtensions = new[] { ".cnn" })]
public sealed class SetPaddingCodeFix : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.ElementwiseShapeMismatch);

    // Each add names its own convolution; one fix at a time.
    public override FixAllProvider? GetFixAllProvider() => null;

    public static string Title(string node, string padding) => $"Set padding: {padding} on '{node}'";

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Id != DiagnosticIds.ElementwiseShapeMismatch || Suggestion.From(diagnostic) is not Suggestion s) continue;
            var target = Find(context.TextDocument.Project, s.File, context.TextDocument);
            if (target is null) continue;
            string title = Title(s.Node, s.Padding);
            context.RegisterCodeFix(CodeAction.Create(title, ct => ApplyAsync(target, s, ct), equivalenceKey: title), diagnostic);
        }
        return Task.CompletedTask;
    }

    /// <summary>The document the convolution is in: the diagnostic's own, or another .cnn file of the project.</summary>
    private static TextDocument? Find(Project project, string path, TextDocument current)
    {
        if (string.Equals(current.FilePath, path, StringComparison.Ordinal)) return current;
        return project.AdditionalDocuments.FirstOrDefault(d => string.Equals(d.FilePath, path, StringComparison.Ordinal));
    }

    private static async Task<Solution> ApplyAsync(TextDocument document, Suggestion s, CancellationToken ct)
    {
        var text = await document.GetTextAsync(ct).ConfigureAwait(false);
        var change = CnnCall.SetArgument(text, s.Start, "padding", s.Padding);
        var solution = document.Project.Solution;
        return change is TextChange c ? solution.WithAdditionalDocumentText(document.Id, text.WithChanges(c)) : solution;
    }

    private readonly record struct Suggestion(string Node, string Padding, string File, int Start)
    {
        public static Suggestion? From(Diagnostic d)
        {
            var p = d.Properties;
            if (!p.TryGetValue(DiagnosticIds.PaddingNodeProperty, out var node) || node is null
                || !p.TryGetValue(DiagnosticIds.PaddingValueProperty, out var padding) || padding is null
                || !p.TryGetValue(DiagnosticIds.PaddingFileProperty, out var file) || file is null
                || !p.TryGetValue(DiagnosticIds.PaddingStartProperty, out var start)
                || !int.TryParse(start, NumberStyles.None, CultureInfo.InvariantCulture, out int offset))
                return null;
            return new Suggestion(node, padding, file, offset);
        }
    }
}
