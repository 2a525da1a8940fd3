using NetGen.Generator.Diagnostics;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary>Helpers for the .cnn parser tests: parse, pick a network, assert diagnostics.</summary>
internal static class Cnn
{
    public const string Path = "test.cnn";

    public static CnnFile Parse(string text) => CnnParser.Parse(Path, text);

    /// <summary>The file's only network; fails with the diagnostics when there is none.</summary>
    public static NetworkIR Network(string text)
    {
        var file = Parse(text);
        Assert.True(file.Networks.Count == 1, "expected one network; diagnostics:\n" + Describe(file));
        return file.Networks[0];
    }

    public static string[] Names(NetworkIR network)
    {
        var names = new string[network.Nodes.Count];
        for (int i = 0; i < names.Length; i++) names[i] = network.Nodes[i].Name;
        return names;
    }

    public static Node Node(NetworkIR network, string name)
    {
        foreach (var node in network.Nodes)
        {
            if (node.Name == name) return node;
        }
        throw new Xunit.Sdk.XunitException("no node '" + name + "' in " + string.Join(", ", Names(network)));
    }

    /// <summary>Names of a node's inputs.</summary>
    public static string[] Inputs(NetworkIR network, string name)
    {
        var node = Node(network, name);
        var names = new string[node.Inputs.Count];
        for (int i = 0; i < names.Length; i++) names[i] = network.Nodes[node.Inputs[i]].Name;
        return names;
    }

    public static string Describe(CnnFile file)
    {
        var lines = new System.Collections.Generic.List<string>();
        foreach (var d in file.Diagnostics) lines.Add(Format(d));
        return string.Join("\n", lines);
    }

    /// <summary>"test.cnn(3,5): NG0001: message", lines and columns one-based as a compiler prints them.</summary>
    public static string Format(DiagnosticInfo d) =>
        (d.Location is null ? "" : d.Location.ToDisplayString() + ": ") + d.Id + ": " + DiagnosticDescriptors.Format(d);

    /// <summary>Asserts the file's diagnostics are exactly these, in order, as "(line,col) ID: message".</summary>
    public static void Diagnostics(string text, params string[] expected)
    {
        var file = Parse(text);
        var actual = new string[file.Diagnostics.Count];
        for (int i = 0; i < actual.Length; i++)
        {
            var d = file.Diagnostics[i];
            var at = d.Location is null ? "" : "(" + (d.Location.StartLine + 1) + "," + (d.Location.StartColumn + 1) + ") ";
            actual[i] = at + d.Id + ": " + DiagnosticDescriptors.Format(d);
        }
        Assert.Equal(expected, actual);
    }

    /// <summary>The one diagnostic the file raises, checked for id, position (one-based) and exact span text.</summary>
    public static DiagnosticInfo Single(string text, string id, int line, int column, string spanText)
    {
        var file = Parse(text);
        Assert.True(file.Diagnostics.Count == 1, "expected one diagnostic, got:\n" + Describe(file));
        var d = file.Diagnostics[0];
        Assert.Equal(id, d.Id);
        Assert.NotNull(d.Location);
        Assert.Equal((line, column), (d.Location!.StartLine + 1, d.Location.StartColumn + 1));
        Assert.Equal(spanText, text.Substring(d.Location.Start, d.Location.Length));
        return d;
    }

    public static string Message(DiagnosticInfo d) => DiagnosticDescriptors.Format(d);
}
