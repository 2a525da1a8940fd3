namespace NetGen.Generator.Tests.Infrastructure;

/// <summary>Expected diagnostic positions, found from a marker in the source rather than counted by hand.</summary>
public static class SourcePosition
{
    /// <summary>"path(line,col)", one-based, of the first occurrence of <paramref name="marker"/> (its <paramref name="occurrence"/>-th, from 1).</summary>
    public static string Of(string source, string marker, string path = "Source0.cs", int occurrence = 1)
    {
        int index = -1;
        for (int i = 0; i < occurrence; i++)
        {
            index = source.IndexOf(marker, index + 1, StringComparison.Ordinal);
            if (index < 0) throw new ArgumentException($"'{marker}' occurs fewer than {occurrence} times in the source.");
        }
        string before = source.Substring(0, index).Replace("\r\n", "\n");
        int line = before.Count(c => c == '\n') + 1;
        int column = before.Length - (before.LastIndexOf('\n') + 1) + 1;
        return $"{path}({line},{column})";
    }
}
