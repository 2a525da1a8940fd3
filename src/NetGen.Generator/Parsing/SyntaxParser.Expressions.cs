namespace NetGen.Generator.Parsing;

// Argument values: integer arithmetic over numbers, dimensions, words and block parameters.
internal sealed partial class SyntaxParser
{
    // ---- expressions: expr = term { (+|-) term }; term = unary { (*|/) unary } -------------

    private Expr? ParseExpression(int depth)
    {
        var left = ParseTerm(depth);
        while (left is not null && (At(TokenKind.Plus) || At(TokenKind.Minus)))
        {
            if (TooManyOperators()) return null;
            char op = Advance().Text[0];
            var right = ParseTerm(depth);
            left = right is null ? null : Binary(op, left, right);
        }
        return left;
    }

    private Expr? ParseTerm(int depth)
    {
        var left = ParseUnary(depth);
        while (left is not null && (At(TokenKind.Star) || At(TokenKind.Slash)))
        {
            if (TooManyOperators()) return null;
            char op = Advance().Text[0];
            var right = ParseUnary(depth);
            left = right is null ? null : Binary(op, left, right);
        }
        return left;
    }

    private BinaryExpr Binary(char op, Expr left, Expr right)
    {
        var location = _map.Join(left.Location, right.Location);
        return new BinaryExpr(location, _map.Text(location), op, left, right);
    }

    /// <summary><c>channels ( name )</c>.</summary>
    private Expr? ParseChannels()
    {
        var keyword = Advance();
        Advance();
        if (!At(TokenKind.Identifier))
        {
            Error("a node name", Current);
            return null;
        }
        var node = Advance();
        var end = Current;
        if (!Expect(TokenKind.RightParen, "')'")) return null;
        return new ChannelsExpr(_map.Join(Loc(keyword), Loc(end)), new Name(node.Text, Loc(node)));
    }

    private bool TooManyOperators()
    {
        if (++_operators <= MaxOperators) return false;
        Error("at most " + MaxOperators + " operators in a statement", Current);
        return true;
    }

    private Expr? ParseUnary(int depth)
    {
        if (depth > MaxExpressionDepth)
        {
            Error("at most " + MaxExpressionDepth + " nested parentheses or signs", Current);
            return null;
        }
        if (At(TokenKind.Minus))
        {
            var minus = Advance();
            var operand = ParseUnary(depth + 1);
            return operand is null ? null : new NegateExpr(_map.Join(Loc(minus), operand.Location), operand);
        }
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Integer:
            case TokenKind.Real:
            case TokenKind.Dims:
            case TokenKind.Sized:
                Advance();
                return new LiteralExpr(Loc(token), token.Kind, token.Text);
            case TokenKind.Identifier when token.Text == "channels" && Peek(1).Kind == TokenKind.LeftParen:
                return ParseChannels();
            case TokenKind.Identifier:
                Advance();
                return new NameExpr(Loc(token), token.Text);
            case TokenKind.LeftParen:
                Advance();
                var inner = ParseExpression(depth + 1);
                if (inner is null || !Expect(TokenKind.RightParen, "')'")) return null;
                return inner;
            default:
                Error("a value", token);
                return null;
        }
    }
}
