using Microsoft.CodeAnalysis.Text;

namespace NetGen.CodeFixes;

/// <summary>
/// Edits one layer call in .cnn text, <c>conv2d(16, 3, activation: relu)</c>, found from the
/// offset the generator gave (the node's declaration: its label or the layer name).
/// </summary>
internal static class CnnCall
{
    /// <summary>
    /// The change that sets <paramref name="name"/>: <paramref name="value"/> in the first call's
    /// argument list at or after <paramref name="start"/> on that line: the value replaced when the
    /// argument is there, else the argument appended. Null when no call is found.
    /// </summary>
    public static TextChange? SetArgument(SourceText text, int start, string name, string value)
    {
        if (start < 0 || start >= text.Length) return null;
        var line = text.Lines.GetLineFromPosition(start);
        string s = text.ToString(TextSpan.FromBounds(start, line.End));
        int open = s.IndexOf('(');
        if (open < 0) return null;
        int close = Matching(s, open);
        if (close < 0) return null;

        // Arguments at depth 1, split on commas; comments start with '#'.
        int argStart = open + 1;
        int depth = 0;
        for (int i = open + 1; i <= close; i++)
        {
            char c = s[i];
            if (c is '(' or '[') depth++;
            else if (c is ')' or ']') depth--;
            if (depth < 0 || c == ',' && depth == 0)
            {
                string arg = s.Substring(argStart, i - argStart);
                int colon = arg.IndexOf(':');
                if (colon > 0 && arg.Substring(0, colon).Trim() == name)
                {
                    int valueStart = argStart + colon + 1;
                    while (valueStart < i && s[valueStart] == ' ') valueStart++;
                    int valueEnd = i;
                    while (valueEnd > valueStart && s[valueEnd - 1] == ' ') valueEnd--;
                    return new TextChange(new TextSpan(start + valueStart, valueEnd - valueStart), value);
                }
                argStart = i + 1;
                if (depth < 0) break;
            }
        }
        bool empty = s.Substring(open + 1, close - open - 1).Trim().Length == 0;
        return new TextChange(new TextSpan(start + close, 0), (empty ? "" : ", ") + name + ": " + value);
    }

    private static int Matching(string s, int open)
    {
        int depth = 0;
        for (int i = open; i < s.Length; i++)
        {
            if (s[i] == '#') return -1;
            if (s[i] == '(') depth++;
            else if (s[i] == ')' && --depth == 0) return i;
        }
        return -1;
    }
}
