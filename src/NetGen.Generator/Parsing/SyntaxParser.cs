using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>
/// Recursive descent from tokens to a <see cref="FileSyntax"/>. On a syntax error it reports
/// NG0001 at the offending token and skips to the end of the statement (or, between
/// networks, to the next <c>network</c> or <c>block</c>), so one pass reports every error.
/// </summary>
internal sealed partial class SyntaxParser
{
    /// <summary>Parentheses and unary minus nest at most this deep; deeper is an error, not a stack overflow.</summary>
    private const int MaxExpressionDepth = 64;

    /// <summary>Binary operators in one statement at most: an expression tree is evaluated recursively.</summary>
    private const int MaxOperators = 1000;

    private static readonly HashSet<string> Keywords = new()
    {
        "namespace", "network", "block", "input", "batch", "optimizer", "budget", "output", "in",
    };

    private static readonly HashSet<string> SettingKeywords = new() { "input", "batch", "optimizer", "budget", "output" };

    private readonly List<Token> _tokens;
    private readonly SourceMap _map;
    private readonly DiagnosticBag _diagnostics;
    private int _index;
    private int _operators;
    /// <summary>The label of an element whose parse failed after it, so the broken statement still declares it.</summary>
    private Name? _failedLabel;

    private SyntaxParser(List<Token> tokens, SourceMap map, DiagnosticBag diagnostics)
    {
        _tokens = tokens;
        _map = map;
        _diagnostics = diagnostics;
    }

    public static FileSyntax Parse(List<Token> tokens, SourceMap map, DiagnosticBag diagnostics) =>
        new SyntaxParser(tokens, map, diagnostics).ParseFile();

    private Token Current => _tokens[_index];

    private Token Peek(int ahead) => _tokens[System.Math.Max(0, System.Math.Min(_index + ahead, _tokens.Count - 1))];

    private bool At(TokenKind kind) => Current.Kind == kind;

    private bool AtWord(string word) => Current.Is(TokenKind.Identifier, word);

    private Token Advance()
    {
        var token = Current;
        if (_index < _tokens.Count - 1) _index++;
        return token;
    }

    private LocationInfo Loc(Token token) => _map.Span(token.Start, token.Length);

    private void Error(string expected, Token found, string? foundText = null) =>
        _diagnostics.Add(DiagnosticIds.SyntaxError, Loc(found), expected, foundText ?? found.Describe());

    private bool Expect(TokenKind kind, string expected)
    {
        if (At(kind)) { Advance(); return true; }
        Error(expected, Current);
        return false;
    }

    private void SkipEndOfLines()
    {
        while (At(TokenKind.EndOfLine)) Advance();
    }

    // ---- file level ------------------------------------------------------------------------

    private FileSyntax ParseFile()
    {
        string? ns = null;
        bool namespaceFailed = false;
        var blocks = new List<BlockDecl>();
        var networks = new List<NetworkDecl>();
        while (true)
        {
            SkipEndOfLines();
            if (At(TokenKind.EndOfFile)) break;
            bool ok;
            if (AtWord("namespace") && ns is null && blocks.Count == 0 && networks.Count == 0)
            {
                ok = ParseNamespace(out ns);
                namespaceFailed |= !ok;
            }
            else if (AtWord("network"))
                ok = ParseNetwork(networks);
            else if (AtWord("block"))
                ok = ParseBlock(blocks);
            else
            {
                Error(ns is null && blocks.Count == 0 && networks.Count == 0
                    ? "'namespace', 'network' or 'block'" : "'network' or 'block'", Current);
                ok = false;
            }
            if (!ok) SkipToDeclaration();
        }
        return new FileSyntax(ns, namespaceFailed, blocks, networks);
    }

    /// <summary>Recovery between declarations: skip, balancing braces, to the next <c>network</c> or <c>block</c> at top level.</summary>
    private void SkipToDeclaration()
    {
        int depth = 0;
        Advance();
        while (!At(TokenKind.EndOfFile))
        {
            if (At(TokenKind.LeftBrace)) depth++;
            else if (At(TokenKind.RightBrace)) depth = System.Math.Max(0, depth - 1);
            else if (depth == 0 && (AtWord("network") || AtWord("block")) && Peek(-1).Kind is TokenKind.EndOfLine or TokenKind.RightBrace)
                return;
            Advance();
        }
    }

    private bool ParseNamespace(out string? ns)
    {
        ns = null;
        Advance();
        if (!At(TokenKind.Identifier)) { Error("a namespace name", Current); return false; }
        string name = Advance().Text;
        while (At(TokenKind.Dot))
        {
            Advance();
            if (!At(TokenKind.Identifier)) { Error("a name after '.'", Current); return false; }
            name += "." + Advance().Text;
        }
        if (!At(TokenKind.EndOfLine) && !At(TokenKind.EndOfFile)) { Error("end of line", Current); return false; }
        ns = name;
        return true;
    }

    /// <summary>A name a user declares (network, block, parameter, node): not a keyword, not a layer kind.</summary>
    private Name? DeclaredName(string what)
    {
        var token = Current;
        if (token.Kind != TokenKind.Identifier) { Error(what, token); return null; }
        if (Keywords.Contains(token.Text)) { Error(what, token, token.Describe() + " (a keyword)"); return null; }
        if (LayerCatalog.IsLayer(token.Text)) { Error(what, token, token.Describe() + " (a layer kind)"); return null; }
        Advance();
        return new Name(token.Text, Loc(token));
    }

    private bool ParseNetwork(List<NetworkDecl> networks)
    {
        var keyword = Advance();
        var name = DeclaredName("a network name");
        if (name is null || !Expect(TokenKind.LeftBrace, "'{'")) return false;
        var blocks = new List<BlockDecl>();
        var settings = new List<Setting>();
        var statements = new List<Statement>();
        while (true)
        {
            SkipEndOfLines();
            if (At(TokenKind.RightBrace) || At(TokenKind.EndOfFile))
            {
                if (At(TokenKind.EndOfFile)) Error("'}'", Current);
                var end = Advance();
                networks.Add(new NetworkDecl(name, blocks, settings, statements, _map.Span(keyword.Start, end.Start + end.Length - keyword.Start)));
                return true;
            }
            if (AtWord("block"))
            {
                if (!ParseBlock(blocks)) SkipStatement();
            }
            else if (IsSettingStart())
                EndStatement(ParseSetting(settings));
            else
                EndStatement(ParseStatement(statements));
        }
    }

    /// <summary>A setting keyword, unless it is used as a name (<c>input -> conv2d(...)</c>, or a misplaced label or target).</summary>
    private bool IsSettingStart() =>
        At(TokenKind.Identifier) && SettingKeywords.Contains(Current.Text) &&
        Peek(1).Kind is not (TokenKind.Arrow or TokenKind.Colon or TokenKind.Equals);

    // ---- statements ------------------------------------------------------------------------

    /// <summary>After a statement: the line must end here; after an error, skip the rest of it.</summary>
    private void EndStatement(bool parsed)
    {
        _operators = 0;
        if (parsed)
        {
            if (At(TokenKind.EndOfLine)) { Advance(); return; }
            if (At(TokenKind.RightBrace) || At(TokenKind.EndOfFile)) return;
            Error("end of line", Current);
        }
        SkipStatement();
    }

    /// <summary>Skips to the end of the line, over any braced body the broken line opened.</summary>
    private void SkipStatement()
    {
        int depth = 0;
        while (!At(TokenKind.EndOfFile))
        {
            if (At(TokenKind.LeftBrace)) depth++;
            else if (At(TokenKind.RightBrace))
            {
                if (depth == 0) return;
                depth--;
            }
            else if (At(TokenKind.EndOfLine) && depth == 0) { Advance(); return; }
            Advance();
        }
    }

    private bool ParseSetting(List<Setting> settings)
    {
        var keyword = Advance();
        var keywordName = new Name(keyword.Text, Loc(keyword));
        Name? sub = null;
        Expr? value;
        switch (keyword.Text)
        {
            case "optimizer":
            case "output":
                if (!At(TokenKind.Identifier))
                {
                    Error(keyword.Text == "output" ? "a node name" : "'none', 'sgd' or 'adam'", Current);
                    return false;
                }
                var word = Advance();
                value = new NameExpr(Loc(word), word.Text);
                break;
            case "budget":
                if (!At(TokenKind.Identifier)) { Error("'params', 'inference' or 'training'", Current); return false; }
                var subToken = Advance();
                sub = new Name(subToken.Text, Loc(subToken));
                if (Current.Kind is not (TokenKind.Integer or TokenKind.Real or TokenKind.Sized))
                {
                    Error("a size such as 25M or 512MB", Current);
                    return false;
                }
                var size = Advance();
                value = new LiteralExpr(Loc(size), size.Kind, size.Text);
                break;
            default:
                value = ParseExpression(0);
                if (value is null) return false;
                break;
        }
        settings.Add(new Setting(keywordName, sub, value, _map.Join(keywordName.Location, value.Location)));
        return true;
    }

    private bool ParseStatement(List<Statement> statements)
    {
        var first = Current;
        Name? target = null;
        if (At(TokenKind.Identifier) && Peek(1).Kind == TokenKind.Equals)
        {
            target = DeclaredName("a node name");
            if (target is null) return false;
            Advance();
        }
        var elements = new List<Element>();
        var element = ParseElement();
        while (element is not null)
        {
            elements.Add(element);
            if (!At(TokenKind.Arrow))
            {
                var last = Peek(-1);
                statements.Add(new Statement(target, elements, _map.Span(first.Start, last.Start + last.Length - first.Start)));
                return true;
            }
            Advance();
            element = ParseElement();
        }
        // Keep what the broken statement names, so later references to it do not add errors of their own
        // (a failed element keeps only its label; a broken statement is never expanded).
        if (_failedLabel is not null) elements.Add(new Element(_failedLabel, _failedLabel, false, new List<Arg>(), null));
        _failedLabel = null;
        if (target is not null || elements.Count > 0)
            statements.Add(new Statement(target, elements, _map.Span(first.Start, System.Math.Max(0, Current.Start - first.Start)), Broken: true));
        return false;
    }

    private Element? ParseElement()
    {
        Name? label = null;
        if (At(TokenKind.Identifier) && Peek(1).Kind == TokenKind.Colon)
        {
            label = DeclaredName("a node name");
            if (label is null) return null;
            Advance();
        }
        _failedLabel = label;
        if (!At(TokenKind.Identifier)) { Error(label is null ? "a layer, block or node name" : "a layer or block name", Current); return null; }
        var calleeToken = Advance();
        var callee = new Name(calleeToken.Text, Loc(calleeToken));
        var args = new List<Arg>();
        bool hasParens = false;
        if (At(TokenKind.LeftParen))
        {
            hasParens = true;
            Advance();
            if (At(TokenKind.RightParen)) Advance();
            else
            {
                while (true)
                {
                    var arg = ParseArg();
                    if (arg is null) return null;
                    args.Add(arg);
                    if (At(TokenKind.Comma)) { Advance(); continue; }
                    if (!Expect(TokenKind.RightParen, "',' or ')'")) return null;
                    break;
                }
            }
        }
        Expr? repeat = null;
        if (At(TokenKind.Star))
        {
            Advance();
            repeat = ParseUnary(0);
            if (repeat is null) return null;
        }
        _failedLabel = null;
        return new Element(label, callee, hasParens, args, repeat);
    }

    private Arg? ParseArg()
    {
        Name? name = null;
        if (At(TokenKind.Identifier) && Peek(1).Kind == TokenKind.Colon)
        {
            var token = Advance();
            name = new Name(token.Text, Loc(token));
            Advance();
        }
        var value = ParseExpression(0);
        return value is null ? null : new Arg(name, value);
    }

    // ---- blocks ----------------------------------------------------------------------------

    private bool ParseBlock(List<BlockDecl> blocks)
    {
        var keyword = Advance();
        var name = DeclaredName("a block name");
        if (name is null || !Expect(TokenKind.LeftParen, "'('")) return false;
        var parameters = new List<Param>();
        if (At(TokenKind.RightParen)) Advance();
        else
        {
            while (true)
            {
                var paramName = DeclaredName("a parameter name");
                if (paramName is null) return false;
                Expr? defaultValue = null;
                if (At(TokenKind.Equals))
                {
                    Advance();
                    defaultValue = ParseExpression(0);
                    if (defaultValue is null) return false;
                }
                parameters.Add(new Param(paramName, defaultValue));
                if (At(TokenKind.Comma)) { Advance(); continue; }
                if (!Expect(TokenKind.RightParen, "',' or ')'")) return false;
                break;
            }
        }
        if (!Expect(TokenKind.LeftBrace, "'{'")) return false;
        var body = new List<Statement>();
        while (true)
        {
            SkipEndOfLines();
            if (At(TokenKind.RightBrace) || At(TokenKind.EndOfFile))
            {
                if (At(TokenKind.EndOfFile)) Error("'}'", Current);
                var end = Advance();
                blocks.Add(new BlockDecl(name, parameters, body, _map.Span(keyword.Start, end.Start + end.Length - keyword.Start)));
                return true;
            }
            if (AtWord("block") || IsSettingStart())
            {
                Error("a statement (blocks do not nest; settings belong to a network)", Current);
                SkipStatement();
                continue;
            }
            EndStatement(ParseStatement(body));
        }
    }
}
