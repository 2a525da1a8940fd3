using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Parsing;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

public class LexerTests
{
    private static List<Token> Lex(string text, out DiagnosticBag diagnostics)
    {
        diagnostics = new DiagnosticBag();
        return Lexer.Tokenize(text, new SourceMap("t.cnn", text), diagnostics);
    }

    private static string Kinds(string text) =>
        string.Join(" ", Lex(text, out _).Select(t => t.Kind switch
        {
            TokenKind.Identifier or TokenKind.Integer or TokenKind.Real or TokenKind.Dims or TokenKind.Sized => t.Kind + ":" + t.Text,
            _ => t.Kind.ToString(),
        }));

    [Fact]
    public void NumbersDimsAndSizes()
    {
        Assert.Equal("Integer:64 Real:0.5 Real:1e-3 Real:2.5E+4 Dims:3x224x224 Dims:1x7 Sized:10M Sized:1.5GiB Sized:3x EndOfLine EndOfFile",
            Kinds("64 0.5 1e-3 2.5E+4 3x224x224 1x7 10M 1.5GiB 3x"));
    }

    [Fact]
    public void PunctuationAndArrow()
    {
        Assert.Equal("Identifier:a Equals Identifier:b Arrow Identifier:c LeftParen Identifier:k Colon Integer:1 Comma Minus Integer:2 Star Integer:3 Slash Integer:4 Plus Integer:5 RightParen Dot LeftBrace RightBrace EndOfLine EndOfFile",
            Kinds("a = b -> c(k: 1, -2 * 3 / 4 + 5) . { }"));
    }

    [Fact]
    public void CommentsAreSkipped()
    {
        Assert.Equal("Identifier:relu EndOfLine Identifier:tanh EndOfLine EndOfFile", Kinds("relu # a comment\n// another\ntanh // trailing"));
    }

    [Fact]
    public void LineEndsContinueAfterArrowCommaAndInsideParentheses()
    {
        Assert.Equal("Identifier:a Arrow Identifier:b EndOfLine EndOfFile", Kinds("a ->\n   b"));
        Assert.Equal("Identifier:c LeftParen Integer:1 Comma Integer:2 RightParen EndOfLine EndOfFile", Kinds("c(1,\n 2\n)"));
        Assert.Equal("Identifier:a EndOfLine Identifier:b EndOfLine EndOfFile", Kinds("a\n\n\nb"));
    }

    [Fact]
    public void UnknownCharacterIsReportedAndSkipped()
    {
        var tokens = Lex("relu @ tanh\u00e9", out var diagnostics);
        Assert.Equal(new[] { "relu", "tanh" }, tokens.Where(t => t.Kind == TokenKind.Identifier).Select(t => t.Text));
        Assert.Equal(2, diagnostics.Items.Count);
        Assert.Equal("Syntax error: expected a name, number or symbol but found '@'", Cnn.Message(diagnostics.Items[0]));
        Assert.Equal(5, diagnostics.Items[0].Location!.StartColumn);
        Assert.Equal("Syntax error: expected a name, number or symbol but found 'U+00E9'", Cnn.Message(diagnostics.Items[1]));
    }

    [Fact]
    public void LocationsAreZeroBasedLineAndColumn()
    {
        var tokens = Lex("network N {\r\n  input 3x4x4\n}", out _);
        var dims = tokens.Single(t => t.Kind == TokenKind.Dims);
        var location = new SourceMap("t.cnn", "network N {\r\n  input 3x4x4\n}").Span(dims.Start, dims.Length);
        Assert.Equal((1, 8, 1, 13), (location.StartLine, location.StartColumn, location.EndLine, location.EndColumn));
    }
}
