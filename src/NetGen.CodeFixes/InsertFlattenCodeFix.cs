using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.CodeFixes;

/// <summary>
/// NG0104 on a <c>[Network]</c> class: a <c>[Dense]</c> attribute after a spatial layer gets a
/// <c>[Flatten]</c> attribute inserted before it, on its own line (or before it inside a shared
/// attribute list). The generator reports NG0104 at the dense attribute. In a .cnn file the
/// diagnostic is in an AdditionalFile and this fix does not apply (see docs/diagnostics/NG0104.md).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(InsertFlattenCodeFix)), Shared]
public sealed class InsertFlattenCodeFix : CodeFixProvider
{
    public const string Title = "Insert [Flatten]";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.DenseOn4D);

    // Every dense attribute of a file gets its flatten in one edit: the insertions do not overlap.
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (diagnostic.Id != DiagnosticIds.DenseOn4D || !diagnostic.Location.IsInSource) continue;
            var attribute = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .FirstAncestorOrSelf<AttributeSyntax>();
            if (attribute?.Parent is not AttributeListSyntax) continue;
            var document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(Title, ct => InsertAsync(document, attribute.Span, ct), equivalenceKey: Title),
                diagnostic);
        }
    }

    private static async Task<Document> InsertAsync(Document document, TextSpan attributeSpan, CancellationToken ct)
    {
        var root = await document.GetSyntaxRootAsync(ct).ConfigureAwait(false);
        var text = await document.GetTextAsync(ct).ConfigureAwait(false);
        if (root?.FindNode(attributeSpan) is not SyntaxNode found || found.FirstAncestorOrSelf<AttributeSyntax>() is not { Parent: AttributeListSyntax list } attribute)
            return document;

        string name = Qualifier(attribute.Name) + "Flatten";
        TextChange change;
        if (list.Attributes.Count == 1)
        {
            // "[Dense(10)]" -> "[Flatten]" newline, same indentation, "[Dense(10)]".
            var line = text.Lines.GetLineFromPosition(list.SpanStart);
            var indent = text.ToString(TextSpan.FromBounds(line.Start, list.SpanStart));
            if (indent.Trim().Length != 0) indent = " ";
            else indent = NewLine(text) + indent;
            change = new TextChange(new TextSpan(list.SpanStart, 0), "[" + name + "]" + indent);
        }
        else
        {
            // "[Conv2D(8, 3), Dense(10)]" -> "[Conv2D(8, 3), Flatten, Dense(10)]".
            change = new TextChange(new TextSpan(attribute.SpanStart, 0), name + ", ");
        }
        return document.WithText(text.WithChanges(change));
    }

    /// <summary>"NetGen." for <c>NetGen.Dense</c>, "global::NetGen." for <c>global::NetGen.DenseAttribute</c>, "" for <c>Dense</c>.</summary>
    private static string Qualifier(NameSyntax name) => name switch
    {
        QualifiedNameSyntax q => q.Left.ToString() + ".",
        AliasQualifiedNameSyntax a => a.Alias.ToString() + "::",
        _ => "",
    };

    private static string NewLine(SourceText text)
    {
        foreach (var line in text.Lines)
        {
            int breakLength = line.EndIncludingLineBreak - line.End;
            if (breakLength > 0) return text.ToString(new TextSpan(line.End, breakLength));
        }
        return "\n";
    }
}
