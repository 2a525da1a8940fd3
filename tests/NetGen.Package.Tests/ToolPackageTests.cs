using System.IO.Compression;
using System.Text.RegularExpressions;
using Xunit;

namespace NetGen.Package.Tests;

/// <summary>`netgen` as a user installs it (see <see cref="ToolFixture"/>): the package, the install, and the installed command running.</summary>
public sealed class ToolPackageTests(ToolFixture tool) : IClassFixture<ToolFixture>
{
    [Fact]
    public void Tool_package_is_a_dotnet_tool_named_netgen_with_no_dependencies()
    {
        using var package = ZipFile.OpenRead(Path.Combine(tool.Feed, $"{ToolFixture.PackageId}.{tool.Version}.nupkg"));
        var names = package.Entries.Select(e => e.FullName).ToArray();
        using var settings = new StreamReader(package.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open());
        Assert.Matches("<Command Name=\"netgen\" EntryPoint=\"netgen.dll\"", settings.ReadToEnd());
        using var nuspec = new StreamReader(package.GetEntry(ToolFixture.PackageId + ".nuspec")!.Open());
        string metadata = nuspec.ReadToEnd();
        Assert.Contains("<packageType name=\"DotnetTool\" />", metadata);
        Assert.Contains("<license type=\"expression\">MIT</license>", metadata);
        Assert.Contains("<readme>README.md</readme>", metadata);
        Assert.DoesNotContain("<dependency ", metadata);
        // Everything the CLI loads, and SkiaSharp's natives for the listed platforms only, without native PDBs.
        foreach (string file in new[] { "netgen.dll", "NetGen.Generator.dll", "NetGen.Runtime.dll", "NetGen.Imaging.dll", "NetGen.Onnx.Export.dll", "Microsoft.CodeAnalysis.CSharp.dll",
            "NetGen.Runtime.Gpu.dll", "ILGPU.dll", "ILGPU.Algorithms.dll" })
            Assert.Contains("tools/net10.0/any/" + file, names);
        Assert.Contains("tools/net10.0/any/runtimes/linux-x64/native/libSkiaSharp.so", names);
        Assert.Contains("tools/net10.0/any/runtimes/win-x64/native/libSkiaSharp.dll", names);
        Assert.DoesNotContain(names, n => n.StartsWith("tools/net10.0/any/runtimes/", StringComparison.Ordinal) && n.EndsWith(".pdb", StringComparison.Ordinal));
        Assert.DoesNotContain(names, n => n.StartsWith("tools/net10.0/any/runtimes/win-x86/", StringComparison.Ordinal));
    }

    [Fact]
    public void Installed_netgen_prints_its_help_and_version()
    {
        Assert.True(tool.Install.ExitCode == 0, tool.Install.ToString());
        Assert.Contains("Tool 'netgen.cli' (version '" + tool.Version + "') was successfully installed.", tool.Install.Output, StringComparison.OrdinalIgnoreCase);

        var help = DotNetCli.RunProgram(tool.Netgen, tool.Root, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("Usage:", help.Output);
        foreach (string command in new[] { "summary <file>", "train <file>", "eval <file>", "predict <file>", "import <model>", "export <file>" })
            Assert.Contains(command, help.Output);

        var version = DotNetCli.RunProgram(tool.Netgen, tool.Root, "--version");
        Assert.True(version.ExitCode == 0, version.ToString());
        // The build's version (the pack adds its suffix to the package only): the prefix both share.
        Assert.StartsWith(tool.Version.Split('-')[0] + "+", version.Output.Trim());
    }

    [Fact]
    public void Installed_netgen_summarises_a_cnn_file_and_reports_its_errors()
    {
        Assert.True(tool.Install.ExitCode == 0, tool.Install.ToString());
        string work = Path.Combine(tool.Root, "work");
        Directory.CreateDirectory(work);
        foreach (string name in new[] { "Default.cnn", "Bad.cnn" })
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Consumer", name), Path.Combine(work, name));

        var summary = DotNetCli.RunProgram(tool.Netgen, work, "summary", "Default.cnn");
        Assert.True(summary.ExitCode == 0, summary.ToString());
        Assert.Contains("Network: DefaultNet", summary.Output);
        Assert.Matches(@"conv\s+Conv2D \+ ReLU\s+\(4, 6, 6\)\s+40\s+1,296", summary.Output);
        Assert.Contains("Total params: 151", summary.Output);

        var bad = DotNetCli.RunProgram(tool.Netgen, work, "summary", "Bad.cnn");
        Assert.True(bad.ExitCode == 1, bad.ToString());
        Assert.True(Regex.IsMatch(bad.Output, @"Bad\.cnn\(6,9\): error NG0101: "), bad.ToString());
    }
}
