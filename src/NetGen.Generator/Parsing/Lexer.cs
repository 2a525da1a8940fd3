using System.Collections.Generic;
using System.Globalization;

namespace NetGen.Generator.Parsing;

/// <summary>
/// Splits a .cnn file into tokens. Line ends are tokens (statements end there) except inside
/// parentheses or after a trailing <c>-&gt;</c> or <c>,</c>, where the statement continues.
/// A character that starts no token is reported (NG0001) and skipped.
/// </summary>
internal sealed class Lexer
{
    private readonly string _text;
    private readonly SourceMap _map;
    private readonly DiagnosticBag _diagnostics;
    private readonly List<Token> _tokens = new();
    private int _pos;
    private int _parenDepth;

    private Lexer(string text, SourceMap map, DiagnosticBag diagnostics)
    {
        _text = text;
        _map = map;
        _diagnostics = diagnostics;
    }

    /// <summary>All tokens of the file; the last is always <see cref="TokenKind.EndOfFile"/>.</summary>
    public static List<Token> Tokenize(string text, SourceMap map, DiagnosticBag diagnostics)
    {
        var lexer = new Lexer(text, map, diagnostics);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\uFEFF') { _pos++; continue; }
            if (c == '#' || (c == '/' && Peek(1) == '/')) { SkipComment(); continue; }
            if (c == '\n') { LineEnd(); _pos++; continue; }
            if (IsIdentStart(c)) { Identifier(); continue; }
            if (IsDigit(c)) { Number(); continue; }
            if (!Punctuation(c))
            {
                string shown = c < ' ' || c > '~' ? "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture) : c.ToString();
                _diagnostics.Add(DiagnosticIds.SyntaxError, _map.Span(_pos, 1), "a name, number or symbol", "'" + shown + "'");
                _pos++;
            }
        }
        LineEnd();
        _tokens.Add(new Token(TokenKind.EndOfFile, _text.Length, 0, ""));
    }

    private char Peek(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private void SkipComment()
    {
        while (_pos < _text.Length && _text[_pos] != '\n') _pos++;
    }

    private void LineEnd()
    {
        if (_parenDepth > 0 || _tokens.Count == 0) return;
        var last = _tokens[_tokens.Count - 1].Kind;
        if (last is TokenKind.EndOfLine or TokenKind.Arrow or TokenKind.Comma or TokenKind.LeftBrace) return;
        _tokens.Add(new Token(TokenKind.EndOfLine, _pos, 0, ""));
    }

    private void Identifier()
    {
        int start = _pos;
        while (_pos < _text.Length && IsIdentPart(_text[_pos])) _pos++;
        Add(TokenKind.Identifier, start);
    }

    /// <summary>
    /// <c>64</c>, <c>0.5</c>, <c>1e-3</c>, <c>3x224x224</c>; any letters glued on make a
    /// <see cref="TokenKind.Sized"/> token (<c>10M</c>, <c>2GiB</c>) whose suffix the budget checks.
    /// </summary>
    private void Number()
    {
        int start = _pos;
        SkipDigits();
        var kind = TokenKind.Integer;
        if (Peek(0) == '.' && IsDigit(Peek(1)))
        {
            _pos++;
            SkipDigits();
            kind = TokenKind.Real;
        }
        if ((Peek(0) == 'e' || Peek(0) == 'E') &&
            (IsDigit(Peek(1)) || ((Peek(1) == '-' || Peek(1) == '+') && IsDigit(Peek(2)))))
        {
            _pos += 2;
            SkipDigits();
            kind = TokenKind.Real;
        }
        if (kind == TokenKind.Integer)
        {
            while (Peek(0) == 'x' && IsDigit(Peek(1)))
            {
                _pos++;
                SkipDigits();
                kind = TokenKind.Dims;
            }
        }
        if (_pos < _text.Length && IsIdentPart(_text[_pos]))
        {
            while (_pos < _text.Length && IsIdentPart(_text[_pos])) _pos++;
            kind = TokenKind.Sized;
        }
        Add(kind, start);
    }

    private void SkipDigits()
    {
        while (_pos < _text.Length && IsDigit(_text[_pos])) _pos++;
    }

    private bool Punctuation(char c)
    {
        int start = _pos;
        TokenKind kind;
        switch (c)
        {
            case '{': kind = TokenKind.LeftBrace; _parenDepth = 0; break;
            case '}': kind = TokenKind.RightBrace; _parenDepth = 0; break;
            case '(': kind = TokenKind.LeftParen; _parenDepth++; break;
            case ')': kind = TokenKind.RightParen; if (_parenDepth > 0) _parenDepth--; break;
            case ',': kind = TokenKind.Comma; break;
            case ':': kind = TokenKind.Colon; break;
            case '=': kind = TokenKind.Equals; break;
            case '*': kind = TokenKind.Star; break;
            case '/': kind = TokenKind.Slash; break;
            case '+': kind = TokenKind.Plus; break;
            case '.': kind = TokenKind.Dot; break;
            case '-':
                if (Peek(1) == '>') { _pos += 2; Add(TokenKind.Arrow, start); return true; }
                kind = TokenKind.Minus;
                break;
            default: return false;
        }
        _pos++;
        Add(kind, start);
        return true;
    }

    private void Add(TokenKind kind, int start) =>
        _tokens.Add(new Token(kind, start, _pos - start, _text.Substring(start, _pos - start)));

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private static bool IsIdentStart(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';

    private static bool IsIdentPart(char c) => IsIdentStart(c) || IsDigit(c);
}
