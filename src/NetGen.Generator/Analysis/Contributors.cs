using System.Collections.Generic;
using System.Text;

namespace NetGen.Generator.Analysis;

/// <summary>One part of a budgeted figure: "conv1 output" and its size, already formatted.</summary>
internal readonly record struct Contributor(string Label, long Size, string Text);

/// <summary>The largest parts of a figure, as a budget diagnostic lists them.</summary>
internal static class Contributors
{
    public const int Count = 3;

    /// <summary>"conv1 output 6.0 MB, conv2 output 3.0 MB, conv3 weights 2.9 MB": largest first, ties in the order given.</summary>
    public static string Largest(List<Contributor> items)
    {
        var order = new List<int>(items.Count);
        for (int i = 0; i < items.Count; i++) order.Add(i);
        order.Sort((a, b) =>
        {
            int c = items[b].Size.CompareTo(items[a].Size);
            return c != 0 ? c : a.CompareTo(b);
        });
        var text = new StringBuilder();
        for (int i = 0; i < order.Count && i < Count; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(items[order[i]].Label).Append(' ').Append(items[order[i]].Text);
        }
        return text.Length > 0 ? text.ToString() : "nothing";
    }
}
