using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace NetGen.Package.Tests;

/// <summary>
/// The NetGen package as a user meets it (see <see cref="ConsumerFixture"/>): what it holds,
/// that a fresh console project builds and runs both front ends from it, which .cnn files the
/// compiler sees, and that a .cnn mistake fails the build at its file, line and column.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PackageConsumerTests(ConsumerFixture consumer)
{
    [Fact]
    public void Package_holds_the_library_its_docs_the_generator_and_the_build_file()
    {
        Assert.Equal(
            ["NetGen.nuspec", "README.md", "analyzers/dotnet/cs/NetGen.CodeFixes.dll", "analyzers/dotnet/cs/NetGen.Generator.dll", "buildTransitive/NetGen.targets",
             "lib/net10.0/NetGen.Runtime.dll", "lib/net10.0/NetGen.Runtime.xml"],
            consumer.PackageFiles("NetGen"));
        string metadata = consumer.Nuspec("NetGen");
        Assert.Contains("<license type=\"expression\">MIT</license>", metadata);
        Assert.Contains("<readme>README.md</readme>", metadata);
        // Nothing to restore beside the package: the generator needs only the compiler's Roslyn.
        Assert.DoesNotContain("<dependency ", metadata);
    }

    [Fact]
    public void Repository_url_comes_from_NetGenRepositoryUrl_and_packing_without_it_warns_nothing()
    {
        string Nuspec(string name, params string[] properties)
        {
            string output = Path.Combine(consumer.Root, name);
            var run = DotNetCli.Succeed(ConsumerFixture.RepoRoot, ["pack", "src/NetGen.Runtime/NetGen.Runtime.csproj", "--no-build",
                "--configuration", ConsumerFixture.Configuration, "--output", output, "--version-suffix", name,
                "-p:NuspecOutputPath=" + Path.Combine(output, "nuspec") + Path.DirectorySeparatorChar, "-nodeReuse:false", .. properties]);
            Assert.DoesNotMatch(new Regex("warning", RegexOptions.IgnoreCase), run.Output);
            using var package = ZipFile.OpenRead(Directory.GetFiles(output, "NetGen.*.nupkg").Single());
            using var nuspec = new StreamReader(package.GetEntry("NetGen.nuspec")!.Open());
            return nuspec.ReadToEnd();
        }

        string without = Nuspec("nourl");
        string with = Nuspec("url", "-p:NetGenRepositoryUrl=https://example.org/netgen/netgen.git");

        Assert.Matches("<repository type=\"git\" branch=\"[^\"]+\" commit=\"[0-9a-f]{40}\" />", without);
        Assert.DoesNotContain("<projectUrl>", without);
        Assert.Matches("<repository type=\"git\" url=\"https://example.org/netgen/netgen.git\" branch=\"[^\"]+\" commit=\"[0-9a-f]{40}\" />", with);
        Assert.Contains("<projectUrl>https://example.org/netgen/netgen</projectUrl>", with);
    }

    [Fact]
    public void Fresh_console_project_builds_and_trains_both_front_ends()
    {
        Assert.True(consumer.Build.ExitCode == 0, consumer.Build.ToString());
        var run = DotNetCli.Run(consumer.App, "run", "--no-build");
        Assert.True(run.ExitCode == 0, run.ToString());

        // Class (namespace from attributes, from the namespace line, from RootNamespace), then its figures.
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 3, run.ToString());
        string[] classes = ["PkgApp.AttributeNet", "PkgApp.Files.NamedNet", "PkgApp.DefaultNet"];
        for (int i = 0; i < classes.Length; i++)
        {
            var match = Regex.Match(lines[i], @"^(\S+) params (\d+) sum (\S+) loss (\S+) (\S+)$");
            Assert.True(match.Success, $"line {i}: '{lines[i]}'{Environment.NewLine}{run}");
            Assert.Equal(classes[i], match.Groups[1].Value);
            Assert.Equal("151", match.Groups[2].Value);
            double sum = double.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture);
            double first = double.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture);
            double last = double.Parse(match.Groups[5].Value, CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(sum - 1) < 1e-3, $"softmax output sums to {sum}: {lines[i]}");
            Assert.True(last < first, $"five steps on one batch did not lower the loss: {lines[i]}");
        }
    }

    [Fact]
    public void Cpu_only_consumer_carries_no_ILGPU()
    {
        Assert.True(consumer.Build.ExitCode == 0, consumer.Build.ToString());
        var files = ConsumerFixture.OutputAssemblies(consumer.App);
        Assert.Contains("NetGen.Runtime.dll", files);
        Assert.DoesNotContain(files, f => f.StartsWith("ILGPU", StringComparison.OrdinalIgnoreCase) || f == "NetGen.Runtime.Gpu.dll");
    }

    [Fact]
    public void Every_cnn_file_reaches_the_compiler_once_unless_opted_out()
    {
        Assert.Equal(["Default.cnn", "Named.cnn"], AdditionalFiles());
        // Opted out, only the file the project lists itself is left.
        Assert.Equal(["Named.cnn"], AdditionalFiles("-p:NetGenIncludeCnnFiles=false"));
    }

    [Fact]
    public void Shape_mismatch_in_a_cnn_file_fails_the_build_at_its_line_and_column()
    {
        // A second project: the first one's files plus Bad.cnn, restored from the same feed.
        string bad = Path.Combine(consumer.Root, "Bad");
        Directory.CreateDirectory(bad);
        File.Copy(consumer.ProjectFile, Path.Combine(bad, Path.GetFileName(consumer.ProjectFile)));
        ConsumerFixture.CopyConsumerFiles(bad);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Consumer", "Bad.cnn"), Path.Combine(bad, "Bad.cnn"));

        var build = DotNetCli.Run(bad, "build", "-nodeReuse:false");
        Assert.True(build.ExitCode != 0, build.ToString());
        // Line 6, column 9: the `add` of `c = add(a, b)`.
        Assert.True(Regex.IsMatch(build.Output, @"Bad\.cnn\(6,9\): error NG0101: .*'a' \(4, 6, 6\) and 'b' \(8, 6, 6\)"), build.ToString());
    }

    [Theory]
    [InlineData("linux-x64", new string[0], "x86-64-v3", false)]
    [InlineData("win-x64", new[] { "-p:NetGenAotInstructionSet=x86-64-v4" }, "x86-64-v4", false)]
    [InlineData("linux-x64", new[] { "-p:IlcInstructionSet=native" }, "native", false)]
    [InlineData("linux-x64", new[] { "-p:IlcInstructionSet=x86-64-v2" }, "x86-64-v2", true)]
    [InlineData("linux-x64", new[] { "-p:NetGenAotInstructionSet=false" }, "none, the x86-64 baseline", true)]
    [InlineData("linux-arm64", new string[0], null, false)]
    public void NativeAot_on_x64_gets_an_instruction_set_with_avx2_or_warning_NG1001(string rid, string[] properties, string? chosen, bool warns)
    {
        // Only the package's target, as a publish runs it just before ILC's arguments are written.
        var run = DotNetCli.Run(consumer.App, ["msbuild", "-t:NetGenAotInstructionSet", "-p:PublishAot=true", "-p:RuntimeIdentifier=" + rid, "-v:n", "-nodeReuse:false", .. properties]);
        Assert.True(run.ExitCode == 0, run.ToString());
        if (chosen is null) Assert.DoesNotContain("NetGen: NativeAOT instruction set", run.Output);
        else Assert.Contains("NetGen: NativeAOT instruction set for x64: " + chosen + Environment.NewLine, run.Output);
        Assert.True(run.Output.Contains("warning NG1001: ") == warns, run.ToString());
    }

    /// <summary>The AdditionalFiles items the consumer's evaluation gives the compiler, as file names.</summary>
    private string[] AdditionalFiles(params string[] properties)
    {
        var run = DotNetCli.Run(consumer.App, ["msbuild", "-getItem:AdditionalFiles", .. properties]);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        return json.RootElement.GetProperty("Items").GetProperty("AdditionalFiles").EnumerateArray()
            .Select(item => Path.GetFileName(item.GetProperty("FullPath").GetString()!))
            .Order(StringComparer.Ordinal).ToArray();
    }
}
