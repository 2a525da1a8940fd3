using System.Collections.Generic;
using System.Globalization;

namespace NetGen.Generator.Parsing;

/// <summary>The value of an argument after evaluation: a number, dimensions, or a word.</summary>
internal abstract record Value
{
    /// <summary>How a diagnostic shows the value: <c>64</c>, <c>0.5</c>, <c>1x7</c>, <c>'same'</c>.</summary>
    public abstract string Display { get; }
}

internal sealed record IntValue(long Value) : Value
{
    public override string Display => Value.ToString(CultureInfo.InvariantCulture);
}

internal sealed record RealValue(double Value) : Value
{
    public override string Display => Value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary><c>3x224x224</c>: each part a non-negative integer.</summary>
internal sealed record DimsValue(long[] Parts) : Value
{
    public override string Display => string.Join("x", Parts);
}

/// <summary>An identifier that is not a block parameter: <c>same</c>, <c>true</c>, <c>relu</c>.</summary>
internal sealed record WordValue(string Word) : Value
{
    public override string Display => "'" + Word + "'";
}

/// <summary>A number with a unit suffix (<c>10M</c>): meaningful only in a budget.</summary>
internal sealed record SizedValue(string Text) : Value
{
    public override string Display => Text;
}

/// <summary>The channel count of the node a name refers to where an expression stands, or null after reporting why it is not known.</summary>
/// <param name="argument">The argument being evaluated and its owner, for messages.</param>
internal delegate long? ChannelsOf(Name node, string argument, string owner);

/// <summary>
/// Evaluates argument expressions: integer arithmetic in 64 bits with overflow checked,
/// real arithmetic when either side is real, <c>/</c> on integers rounding down.
/// Errors are NG0004 at the expression, naming the argument and its owner.
/// </summary>
internal sealed class Evaluator
{
    private readonly IReadOnlyDictionary<string, Value> _parameters;
    private readonly string _argument;
    private readonly string _owner;
    private readonly DiagnosticBag _diagnostics;
    private readonly ChannelsOf? _channels;

    private Evaluator(IReadOnlyDictionary<string, Value> parameters, string argument, string owner, DiagnosticBag diagnostics, ChannelsOf? channels)
    {
        _parameters = parameters;
        _argument = argument;
        _owner = owner;
        _diagnostics = diagnostics;
        _channels = channels;
    }

    /// <summary>The value, or null when an error was reported.</summary>
    /// <param name="parameters">Block parameters in scope (a name that is one evaluates to its value).</param>
    /// <param name="argument">The argument's name, for messages.</param>
    /// <param name="owner">The layer, block or network the argument belongs to, for messages.</param>
    /// <param name="channels">What <c>channels(x)</c> is where the expression stands; null where no node is known.</param>
    public static Value? Evaluate(Expr expr, IReadOnlyDictionary<string, Value> parameters, string argument, string owner,
        DiagnosticBag diagnostics, ChannelsOf? channels = null) =>
        new Evaluator(parameters, argument, owner, diagnostics, channels).Eval(expr);

    private Value? Eval(Expr expr) => expr switch
    {
        LiteralExpr literal => Literal(literal),
        NameExpr name => _parameters.TryGetValue(name.Text, out var bound) ? bound : new WordValue(name.Text),
        ChannelsExpr channels => Channels(channels),
        NegateExpr negate => Negate(negate),
        BinaryExpr binary => Binary(binary),
        _ => null,
    };

    private Value? Channels(ChannelsExpr expr)
    {
        if (_channels is null)
            return Fail(expr, "channels(" + expr.Node.Text + ")",
                "a value known before the network's nodes are (channels() is known in a statement's arguments, not in a setting or a parameter's default)");
        var channels = _channels(expr.Node, _argument, _owner);
        return channels is null ? null : new IntValue(channels.Value);
    }

    private Value? Fail(Expr at, string value, string allowed)
    {
        _diagnostics.Add(DiagnosticIds.InvalidArgument, at.Location, _argument, _owner, value, allowed);
        return null;
    }

    private Value? Literal(LiteralExpr literal)
    {
        switch (literal.Kind)
        {
            case TokenKind.Integer:
                return long.TryParse(literal.Text, NumberStyles.None, CultureInfo.InvariantCulture, out long i)
                    ? new IntValue(i)
                    : Fail(literal, literal.Text, "an integer below 2^63");
            case TokenKind.Real:
                // .NET Framework's parser (Visual Studio's compiler host) fails on overflow where .NET Core gives infinity.
                return double.TryParse(literal.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && !double.IsInfinity(d)
                    ? new RealValue(d)
                    : Fail(literal, literal.Text, "a finite number");
            case TokenKind.Dims:
                var parts = literal.Text.Split('x');
                var values = new long[parts.Length];
                for (int k = 0; k < parts.Length; k++)
                {
                    if (!long.TryParse(parts[k], NumberStyles.None, CultureInfo.InvariantCulture, out values[k]))
                        return Fail(literal, literal.Text, "dimensions below 2^63");
                }
                return new DimsValue(values);
            default:
                return new SizedValue(literal.Text);
        }
    }

    private Value? Negate(NegateExpr negate)
    {
        var operand = Eval(negate.Operand);
        return operand switch
        {
            null => null,
            IntValue i when i.Value != long.MinValue => new IntValue(-i.Value),
            IntValue => Fail(negate, "too large", "an integer below 2^63"),
            RealValue r => new RealValue(-r.Value),
            _ => Fail(negate, "-" + operand.Display, "a number"),
        };
    }

    private Value? Binary(BinaryExpr binary)
    {
        var left = Eval(binary.Left);
        if (left is null) return null;
        var right = Eval(binary.Right);
        if (right is null) return null;
        if (left is not (IntValue or RealValue)) return Fail(binary.Left, left.Display, "a number to compute with");
        if (right is not (IntValue or RealValue)) return Fail(binary.Right, right.Display, "a number to compute with");
        if (left is IntValue a && right is IntValue b) return IntegerOp(binary, a.Value, b.Value);
        double x = left is IntValue li ? li.Value : ((RealValue)left).Value;
        double y = right is IntValue ri ? ri.Value : ((RealValue)right).Value;
        if (binary.Op == '/' && y == 0) return Fail(binary, Shown(binary) + ", a division by zero", "a number");
        double result = binary.Op switch { '+' => x + y, '-' => x - y, '*' => x * y, _ => x / y };
        return double.IsInfinity(result) || double.IsNaN(result) ? Fail(binary, Shown(binary) + ", past the largest number", "a finite number") : new RealValue(result);
    }

    /// <summary>The expression's source on one line, shortened past 40 characters.</summary>
    private static string Shown(BinaryExpr binary)
    {
        string text = System.Text.RegularExpressions.Regex.Replace(binary.Text, @"\s+", " ");
        return text.Length <= 40 ? text : text.Substring(0, 37) + "...";
    }

    private Value? IntegerOp(BinaryExpr binary, long a, long b)
    {
        if (binary.Op == '/')
        {
            if (b == 0) return Fail(binary, Shown(binary) + ", a division by zero", "a number");
            if (a == long.MinValue && b == -1) return Fail(binary, Shown(binary) + ", past 2^63", "an integer below 2^63");
            long q = a / b;
            if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
            return new IntValue(q);
        }
        try
        {
            return new IntValue(binary.Op switch
            {
                '+' => checked(a + b),
                '-' => checked(a - b),
                _ => checked(a * b),
            });
        }
        catch (System.OverflowException)
        {
            return Fail(binary, Shown(binary) + ", past 2^63", "an integer below 2^63");
        }
    }
}
