using System.IO;
using System.Text.RegularExpressions;
using Xunit;

namespace NetGen.Generator.Tests.Parsing;

/// <summary>The examples in docs/cnn-language.md parse as the page says.</summary>
public class DocsExamplesTests
{
    private static string Page()
    {
        var dir = new DirectoryInfo(System.AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetGen.sln"))) dir = dir.Parent;
        Assert.NotNull(dir);
        return File.ReadAllText(Path.Combine(dir!.FullName, "docs", "cnn-language.md"));
    }

    [Fact]
    public void EveryNetworkExampleParsesWithoutDiagnostics()
    {
        var blocks = Regex.Matches(Page(), "```\n(.*?)```", RegexOptions.Singleline);
        string allBlocks = "";
        int networks = 0;
        foreach (Match block in blocks)
        {
            string code = block.Groups[1].Value;
            if (code.StartsWith("file ", System.StringComparison.Ordinal)) continue; // the grammar
            if (code.Contains("network "))
            {
                // Examples may use blocks shown earlier on the page.
                var file = Cnn.Parse(allBlocks + code);
                Assert.True(file.Diagnostics.Count == 0, code + "\n" + Cnn.Describe(file));
                networks += file.Networks.Count;
            }
            else allBlocks += code + "\n";
        }
        Assert.Equal(4, networks);
    }

    [Fact]
    public void TinyHasTheNodesThePageLists()
    {
        var match = Regex.Match(Page(), "```\n(block basic\\(filters\\).*?network Tiny.*?)```", RegexOptions.Singleline);
        var net = Cnn.Network(match.Groups[1].Value);
        Assert.Equal(new[]
        {
            "input", "stem", "layer1.0.conv1", "layer1.0.bn1", "layer1.0.a", "layer1.0.conv2", "layer1.0.bn2",
            "layer1.0.add_1", "layer1.0.out", "layer1.1.conv1", "layer1.1.bn1", "layer1.1.a", "layer1.1.conv2", "layer1.1.bn2",
            "layer1.1.add_1", "layer1.1.out", "global_avgpool_1", "head",
        }, Cnn.Names(net));
    }
}
