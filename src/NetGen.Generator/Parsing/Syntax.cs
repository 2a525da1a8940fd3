using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

// The syntax tree of a .cnn file: what was written, with locations, before blocks are
// expanded and names resolved (BlockExpander) and the graph is assembled (GraphBuilder).

/// <summary>A name as written, with the location of its token.</summary>
internal sealed record Name(string Text, LocationInfo Location);

/// <summary>An argument value: a number, a name or word, dimensions, or integer arithmetic.</summary>
internal abstract record Expr(LocationInfo Location);

/// <summary>A literal token: <see cref="TokenKind.Integer"/>, Real, Dims or Sized.</summary>
internal sealed record LiteralExpr(LocationInfo Location, TokenKind Kind, string Text) : Expr(Location);

/// <summary>A word (<c>same</c>, <c>true</c>), a node name, or a block parameter.</summary>
internal sealed record NameExpr(LocationInfo Location, string Text) : Expr(Location);

/// <summary><c>channels(x)</c>: the channel count of node <paramref name="Node"/> (its features for a vector).</summary>
internal sealed record ChannelsExpr(LocationInfo Location, Name Node) : Expr(Location);

internal sealed record NegateExpr(LocationInfo Location, Expr Operand) : Expr(Location);

/// <summary><paramref name="Op"/> is one of + - * /; <paramref name="Text"/> is the source, for messages.</summary>
internal sealed record BinaryExpr(LocationInfo Location, string Text, char Op, Expr Left, Expr Right) : Expr(Location);

/// <summary><c>name: value</c>, or a positional <c>value</c> (Name null).</summary>
internal sealed record Arg(Name? Name, Expr Value);

/// <summary>
/// <c>[label:] callee [(args)] [* repeat]</c>. A bare first element of a chain that names no
/// layer or block is the chain's source node.
/// </summary>
internal sealed record Element(Name? Label, Name Callee, bool HasParens, List<Arg> Args, Expr? Repeat)
{
    public bool IsBare => Label is null && !HasParens && Repeat is null;
}

/// <summary><c>[target =] element { -> element }</c>.</summary>
/// <param name="Broken">A syntax error cut the statement short (reported): its names exist, its nodes do not.</param>
internal sealed record Statement(Name? Target, List<Element> Elements, LocationInfo Location, bool Broken = false);

internal sealed record Param(Name Name, Expr? Default);

/// <param name="Extent">From <c>block</c> to the closing brace: a syntax error here spoils every network using the block.</param>
internal sealed record BlockDecl(Name Name, List<Param> Params, List<Statement> Body, LocationInfo Extent);

/// <summary>A network setting: <c>input</c>, <c>batch</c>, <c>optimizer</c>, <c>budget</c>, <c>output</c>.</summary>
/// <param name="Keyword">The setting's keyword token.</param>
/// <param name="Sub">For <c>budget</c>: <c>params</c>, <c>inference</c> or <c>training</c>.</param>
/// <param name="Value">The value (a word for optimizer and output).</param>
/// <param name="Location">The whole statement.</param>
internal sealed record Setting(Name Keyword, Name? Sub, Expr Value, LocationInfo Location);

/// <param name="Extent">From <c>network</c> to the closing brace: syntax errors here belong to this network.</param>
internal sealed record NetworkDecl(Name Name, List<BlockDecl> Blocks, List<Setting> Settings, List<Statement> Statements, LocationInfo Extent);

/// <param name="NamespaceFailed">The namespace line has an error: no network can know its namespace.</param>
internal sealed record FileSyntax(string? Namespace, bool NamespaceFailed, List<BlockDecl> Blocks, List<NetworkDecl> Networks);
