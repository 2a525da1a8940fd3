using System.Reflection;

namespace NetGen.Package.Tests;

/// <summary>
/// Once for the tool tests: packs src/NetGen.Cli (as built for this test project) as the .NET
/// tool NetGen.Cli into a folder feed, and installs it as docs/cli.md says, with
/// `dotnet tool install --tool-path`, from a nuget.config that lists that feed and nothing
/// else (the tool package must need nothing from nuget.org).
///
/// A version of its own per run (0.1.0-test.{time}.{pid}), as <see cref="ConsumerFixture"/>
/// does; a --tool-path install keeps the package under the tool folder (its .store), which
/// the run deletes with everything else.
/// </summary>
public sealed class ToolFixture : IDisposable
{
    public const string PackageId = "NetGen.Cli";

    public ToolFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "netgen-tool-tests", Guid.NewGuid().ToString("N"));
        Feed = Path.Combine(Root, "feed");
        ToolPath = Path.Combine(Root, "tools");
        Directory.CreateDirectory(Feed);

        string configuration = typeof(ToolFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NetGenConfiguration").Value!;
        string suffix = FormattableString.Invariant($"test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}");
        DotNetCli.Succeed(ConsumerFixture.RepoRoot, "pack", "src/NetGen.Cli/NetGen.Cli.csproj", "--no-build",
            "--configuration", configuration, "--output", Feed, "--version-suffix", suffix,
            "-p:NuspecOutputPath=" + Path.Combine(Root, "nuspec") + Path.DirectorySeparatorChar, "-nodeReuse:false");
        string package = Path.GetFileName(Directory.GetFiles(Feed, PackageId + ".*.nupkg").Single());
        Version = package[(PackageId.Length + 1)..^".nupkg".Length];

        File.WriteAllText(Path.Combine(Root, "nuget.config"), NuGetConfig);
        Install = DotNetCli.Run(Root, "tool", "install", PackageId, "--version", Version, "--tool-path", ToolPath,
            "--configfile", Path.Combine(Root, "nuget.config"));
    }

    /// <summary>The temporary folder: nuget.config, feed/, tools/.</summary>
    public string Root { get; }

    public string Feed { get; }

    /// <summary>The --tool-path the tool was installed into.</summary>
    public string ToolPath { get; }

    /// <summary>The package version this run packed and installed.</summary>
    public string Version { get; }

    /// <summary>`dotnet tool install`'s run.</summary>
    public DotNetRun Install { get; }

    /// <summary>The launcher the install wrote: `netgen` (netgen.exe on Windows).</summary>
    public string Netgen => Path.Combine(ToolPath, OperatingSystem.IsWindows() ? "netgen.exe" : "netgen");

    /// <summary>The local feed alone.</summary>
    private const string NuGetConfig = """
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="netgen-local" value="feed" />
          </packageSources>
        </configuration>
        """;

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
