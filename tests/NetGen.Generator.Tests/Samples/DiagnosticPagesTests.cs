using System.IO;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Diagnostics;
using Xunit;

namespace NetGen.Generator.Tests.Samples;

/// <summary>Every diagnostic's help link leads to a page that describes that diagnostic.</summary>
public class DiagnosticPagesTests
{
    public static TheoryData<string> Ids()
    {
        var ids = new TheoryData<string>();
        foreach (var d in DiagnosticDescriptors.All) ids.Add(d.Id);
        return ids;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Help_page_exists_and_states_title_severity_and_message(string id)
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.Get(id);
        string page = Path.Combine(SampleFiles.RepositoryRoot, descriptor.HelpLinkUri.Replace('/', Path.DirectorySeparatorChar));
        Assert.True(File.Exists(page), $"{id}: no help page at {descriptor.HelpLinkUri}");

        string text = File.ReadAllText(page);
        Assert.StartsWith($"# {id}: {descriptor.Title}", text);
        Assert.Contains($"| Severity | {descriptor.DefaultSeverity} |", text);
        Assert.Contains($"| Message | {descriptor.MessageFormat} |", text);
        Assert.Contains($" {id}: ", text.Substring(text.IndexOf("## Example", System.StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Index_lists_the_page(string id)
    {
        string index = File.ReadAllText(Path.Combine(SampleFiles.RepositoryRoot, "docs", "diagnostics", "README.md"));
        Assert.Contains($"| [{id}]({id}.md) |", index);
    }
}
