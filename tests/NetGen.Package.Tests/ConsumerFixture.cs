using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;

namespace NetGen.Package.Tests;

/// <summary>
/// Once for the tests: packs NetGen (the build this test project was built with) into a
/// folder feed, then does what getting-started says: `dotnet new console`, `dotnet add
/// package NetGen`, the networks' files, `dotnet build` with warnings as errors.
///
/// Each run packs a version of its own (0.1.0-test.{time}.{pid}): the global packages
/// folder is keyed by version, so a version never restored before cannot be served from a
/// stale copy, and two runs side by side (other worktrees share the cache) never touch
/// each other's. The cache itself is shared rather than isolated, so nuget.org's packages
/// are not downloaded again; the run deletes its own version's folder afterwards.
/// </summary>
public sealed class ConsumerFixture : IDisposable
{
    public const string AppName = "PkgApp";

    public ConsumerFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "netgen-package-tests", Guid.NewGuid().ToString("N"));
        Feed = Path.Combine(Root, "feed");
        App = Path.Combine(Root, AppName);
        Directory.CreateDirectory(Feed);

        Version = Pack();
        File.WriteAllText(Path.Combine(Root, "nuget.config"), NuGetConfig);
        DotNetCli.Succeed(Root, "new", "console", "--name", AppName, "--output", App, "--no-restore");
        DotNetCli.Succeed(App, "add", "package", "NetGen", "--version", Version);
        CopyConsumerFiles(App);
        // One .cnn file listed by hand, spelt differently from the package's glob: it must still be passed once.
        var project = XDocument.Load(ProjectFile);
        project.Root!.Add(new XElement("ItemGroup", new XElement("AdditionalFiles", new XAttribute("Include", "./Named.cnn"))));
        project.Save(ProjectFile);
        Build = DotNetCli.Run(App, "build", "--no-restore", "-warnaserror", "-nodeReuse:false");
    }

    /// <summary>The temporary folder: nuget.config, feed/, the consumer project.</summary>
    public string Root { get; }

    public string Feed { get; }

    /// <summary>The consumer project's folder.</summary>
    public string App { get; }

    public string ProjectFile => Path.Combine(App, AppName + ".csproj");

    /// <summary>The package version this run packed and added.</summary>
    public string Version { get; }

    /// <summary>The consumer's first build.</summary>
    public DotNetRun Build { get; }

    /// <summary>The package folder only: NetGen from the local feed, everything else from nuget.org.</summary>
    private const string NuGetConfig = """
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="netgen-local" value="feed" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="netgen-local"><package pattern="NetGen" /></packageSource>
            <packageSource key="nuget.org"><package pattern="*" /></packageSource>
          </packageSourceMapping>
        </configuration>
        """;

    /// <summary>The configuration (Debug, Release) this test project, and so the runtime it packs, was built in.</summary>
    public static string Configuration { get; } = typeof(ConsumerFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "NetGenConfiguration").Value!;

    /// <summary>Packs src/NetGen.Runtime as built for this test project; returns the version of the package it wrote.</summary>
    private string Pack()
    {
        string suffix = FormattableString.Invariant($"test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}");
        DotNetCli.Succeed(RepoRoot, "pack", "src/NetGen.Runtime/NetGen.Runtime.csproj", "--no-build",
            "--configuration", Configuration, "--output", Feed, "--version-suffix", suffix,
            // The nuspec goes with the feed, not into the repository's obj folder.
            "-p:NuspecOutputPath=" + Path.Combine(Root, "nuspec") + Path.DirectorySeparatorChar, "-nodeReuse:false");
        string package = Path.GetFileName(Directory.GetFiles(Feed, "NetGen.*.nupkg").Single());
        return package["NetGen.".Length..^".nupkg".Length];
    }

    /// <summary>Program.cs, the attribute network and the two good .cnn files (Bad.cnn stays out).</summary>
    public static void CopyConsumerFiles(string destination)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "Consumer");
        foreach (string name in new[] { "Program.cs", "AttributeNet.cs", "Named.cnn", "Default.cnn" })
        {
            File.Copy(Path.Combine(source, name), Path.Combine(destination, name), overwrite: true);
        }
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetGen.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("NetGen.sln not found above " + AppContext.BaseDirectory);
    }

    public void Dispose()
    {
        // This run's version in the global packages folder, which the consumer's restore names.
        string assets = Path.Combine(App, "obj", "project.assets.json");
        if (File.Exists(assets))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(assets));
            foreach (var folder in json.RootElement.GetProperty("packageFolders").EnumerateObject())
            {
                string cached = Path.Combine(folder.Name, "netgen", Version.ToLowerInvariant());
                if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
            }
        }
        Directory.Delete(Root, recursive: true);
    }
}
