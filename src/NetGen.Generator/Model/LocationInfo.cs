using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace NetGen.Generator.Model;

/// <summary>
/// A source location as plain data (file path, character span, zero-based line/column span),
/// so pipeline values never hold a Roslyn <see cref="Location"/>.
/// </summary>
public sealed record LocationInfo(string FilePath, int Start, int Length, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null && !location.IsInSource && location.Kind != LocationKind.ExternalFile)
            return null;
        var span = location.GetLineSpan();
        return new LocationInfo(span.Path ?? "", location.SourceSpan.Start, location.SourceSpan.Length,
            span.StartLinePosition.Line, span.StartLinePosition.Character,
            span.EndLinePosition.Line, span.EndLinePosition.Character);
    }

    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

    public Location ToLocation() => Location.Create(FilePath, new TextSpan(Start, Length),
        new LinePositionSpan(new LinePosition(StartLine, StartColumn), new LinePosition(EndLine, EndColumn)));

    /// <summary>Compiler-style position: <c>file(line,col)</c>, one-based.</summary>
    public string ToDisplayString() => $"{FilePath}({StartLine + 1},{StartColumn + 1})";
}
