using System.Globalization;
using System.Text;

namespace NetGen.Generator.Emit;

/// <summary>C# spelling of values and names in generated code: invariant culture, escaped literals, valid identifiers.</summary>
internal static class CSharp
{
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A regular string literal: quotes, backslashes, control and non-ASCII characters escaped.</summary>
    public static string Literal(string value)
    {
        var s = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': s.Append("\\\""); break;
                case '\\': s.Append("\\\\"); break;
                case '\n': s.Append("\\n"); break;
                case '\r': s.Append("\\r"); break;
                case '\t': s.Append("\\t"); break;
                default:
                    if (c < ' ' || c > '~') s.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    else s.Append(c);
                    break;
            }
        }
        return s.Append('"').ToString();
    }

    /// <summary>A node name as part of an identifier: every character that is not a letter, digit or '_' becomes '_' ("layer1.0.conv1" -> "layer1_0_conv1").</summary>
    public static string IdentifierPart(string name)
    {
        var s = new StringBuilder(name.Length);
        foreach (char c in name) s.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
        return s.ToString();
    }

    /// <summary>A hint name from a full class name: characters a file name cannot hold ('&lt;', '&gt;', ',', ' ') dropped or replaced.</summary>
    public static string HintPart(string name)
    {
        var s = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            if (char.IsLetterOrDigit(c) || c == '_' || c == '.') s.Append(c);
            else if (c == '<' || c == ',') s.Append('_');
        }
        return s.ToString();
    }
}
