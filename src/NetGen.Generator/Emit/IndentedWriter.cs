using System.Text;

namespace NetGen.Generator.Emit;

/// <summary>
/// Builds generated source line by line with four-space indentation and '\n' line ends on
/// every platform, so the output is byte-for-byte deterministic.
/// </summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _text = new();
    private int _depth;

    /// <summary>Writes one line at the current indentation (an empty line stays empty).</summary>
    public IndentedWriter Line(string line = "")
    {
        if (line.Length > 0) _text.Append(' ', _depth * 4).Append(line);
        _text.Append('\n');
        return this;
    }

    /// <summary>Writes a multi-line template (a raw string), each line indented to the current depth.</summary>
    public IndentedWriter Lines(string template)
    {
        foreach (var line in template.Replace("\r\n", "\n").Split('\n')) Line(line);
        return this;
    }

    /// <summary>Writes <paramref name="header"/> and an opening brace, and indents what follows.</summary>
    public IndentedWriter Open(string header)
    {
        Line(header);
        Line("{");
        _depth++;
        return this;
    }

    /// <summary>Closes the innermost <see cref="Open"/>.</summary>
    public IndentedWriter Close()
    {
        _depth--;
        Line("}");
        return this;
    }

    public override string ToString() => _text.ToString();
}
