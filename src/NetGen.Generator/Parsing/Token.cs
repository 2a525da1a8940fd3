namespace NetGen.Generator.Parsing;

internal enum TokenKind
{
    Identifier,
    /// <summary>Digits only: <c>64</c>.</summary>
    Integer,
    /// <summary>With a fraction or exponent: <c>0.5</c>, <c>1e-3</c>.</summary>
    Real,
    /// <summary>Integers joined by <c>x</c>: <c>3x224x224</c>, <c>1x7</c>.</summary>
    Dims,
    /// <summary>A number with a letter suffix: <c>10M</c>, <c>512MiB</c> (valid only in budgets).</summary>
    Sized,
    LeftBrace,
    RightBrace,
    LeftParen,
    RightParen,
    Comma,
    Colon,
    Equals,
    Arrow,
    Star,
    Slash,
    Plus,
    Minus,
    Dot,
    EndOfLine,
    EndOfFile,
}

/// <summary>One token: its kind, its span in the file, and its text.</summary>
internal readonly record struct Token(TokenKind Kind, int Start, int Length, string Text)
{
    /// <summary>How a diagnostic names the token: <c>'relu'</c>, <c>end of line</c>.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.EndOfLine => "end of line",
        TokenKind.EndOfFile => "end of file",
        _ => "'" + Text + "'",
    };

    public bool Is(TokenKind kind, string text) => Kind == kind && Text == text;
}
