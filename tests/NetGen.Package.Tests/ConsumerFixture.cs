using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using System.Xml.Linq;
using Xunit;

namespace NetGen.Package.Tests;

/// <summary>
/// Once for the tests: packs NetGen, NetGen.Gpu and NetGen.Onnx.Export (the build this test
/// project was built with) into a folder feed, then does what getting-started says for NetGen
/// alone: `dotnet new console`, `dotnet add package NetGen`, the networks' files, `dotnet
/// build` with warnings as errors. The tests of the other two packages make their consumer
/// projects from the same feed (<see cref="CreateProject"/>).
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

    /// <summary>Every package the fixture packs, the project it packs it from; NetGen first (its file gives the version).</summary>
    public static readonly (string Id, string Project)[] Packages =
    [
        ("NetGen", "src/NetGen.Runtime/NetGen.Runtime.csproj"),
        ("NetGen.Gpu", "src/NetGen.Runtime.Gpu/NetGen.Runtime.Gpu.csproj"),
        ("NetGen.Onnx.Export", "src/NetGen.Onnx.Export/NetGen.Onnx.Export.csproj"),
    ];

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

    /// <summary>
    /// The files of package <paramref name="id"/> (this run's version; <paramref name="extension"/>
    /// snupkg for its symbols), sorted, without the parts every package has (_rels, [Content_Types], package/).
    /// </summary>
    public string[] PackageFiles(string id, string extension = "nupkg")
    {
        using var package = ZipFile.OpenRead(Path.Combine(Feed, $"{id}.{Version}.{extension}"));
        return package.Entries.Select(e => e.FullName).Where(n => !n.StartsWith('_') && !n.StartsWith('[') && !n.StartsWith("package/"))
            .Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The nuspec inside package <paramref name="id"/>, as text.</summary>
    public string Nuspec(string id)
    {
        using var package = ZipFile.OpenRead(Path.Combine(Feed, $"{id}.{Version}.nupkg"));
        using var nuspec = new StreamReader(package.GetEntry(id + ".nuspec")!.Open());
        return nuspec.ReadToEnd();
    }

    /// <summary>
    /// The nuspec of a package beside NetGen (NetGen.Gpu, NetGen.Onnx.Export), after checking what they
    /// share: the license, the README, and NetGen of this version with all its assets (the generator,
    /// the build file), as NetGen.Imaging has it, so adding the one package is enough.
    /// </summary>
    public string AddOnNuspec(string id)
    {
        string nuspec = Nuspec(id);
        Assert.Contains("<license type=\"expression\">MIT</license>", nuspec);
        Assert.Contains("<readme>README.md</readme>", nuspec);
        Assert.Contains($"<dependency id=\"NetGen\" version=\"{Version}\" include=\"All\" />", nuspec);
        return nuspec;
    }

    /// <summary>The file names of the assemblies in a consumer's build output (bin/, every configuration).</summary>
    public static string[] OutputAssemblies(string project) =>
        Directory.GetFiles(Path.Combine(project, "bin"), "*.dll", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)).ToArray();

    /// <summary>
    /// A console project of its own beside the first one, restored from the same feed: the project
    /// file `dotnet new console` writes with <paramref name="packages"/> at this run's version
    /// (written, not added one by one, so it restores once), and the files named from Consumer/.
    /// </summary>
    public string CreateProject(string name, string[] packages, params string[] files)
    {
        string folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        string references = string.Concat(packages.Select(id => $"""

                <PackageReference Include="{id}" Version="{Version}" />
            """));
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>{references}
              </ItemGroup>
            </Project>
            """);
        string source = Path.Combine(AppContext.BaseDirectory, "Consumer");
        foreach (string file in files) File.Copy(Path.Combine(source, file), Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }

    /// <summary>The package folder only: NetGen's packages from the local feed, everything else from nuget.org.</summary>
    private static readonly string NuGetConfig = $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="netgen-local" value="feed" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
          <packageSourceMapping>
            <packageSource key="netgen-local">{string.Concat(Packages.Select(p => $"<package pattern=\"{p.Id}\" />"))}</packageSource>
            <packageSource key="nuget.org"><package pattern="*" /></packageSource>
          </packageSourceMapping>
        </configuration>
        """;

    /// <summary>The configuration (Debug, Release) this test project, and so the runtime it packs, was built in.</summary>
    public static string Configuration { get; } = typeof(ConsumerFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "NetGenConfiguration").Value!;

    /// <summary>Packs <see cref="Packages"/> as built for this test project; returns the version of the packages it wrote.</summary>
    private string Pack()
    {
        string suffix = FormattableString.Invariant($"test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}");
        string? version = null;
        foreach (var (id, project) in Packages)
        {
            DotNetCli.Succeed(RepoRoot, "pack", project, "--no-build",
                "--configuration", Configuration, "--output", Feed, "--version-suffix", suffix,
                // The nuspec goes with the feed, not into the repository's obj folder.
                "-p:NuspecOutputPath=" + Path.Combine(Root, "nuspec") + Path.DirectorySeparatorChar, "-nodeReuse:false");
            if (version is null)
            {
                string package = Path.GetFileName(Directory.GetFiles(Feed, id + ".*.nupkg").Single());
                version = package[(id.Length + 1)..^".nupkg".Length];
            }
            else if (!File.Exists(Path.Combine(Feed, $"{id}.{version}.nupkg")))
            {
                throw new InvalidOperationException($"Packing {project} did not write {id}.{version}.nupkg: the feed has {string.Join(", ", Directory.GetFiles(Feed).Select(Path.GetFileName))}");
            }
        }
        return version!;
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
        // This run's version of each package in the global packages folder, which the consumer's restore names.
        string assets = Path.Combine(App, "obj", "project.assets.json");
        if (File.Exists(assets))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(assets));
            foreach (var folder in json.RootElement.GetProperty("packageFolders").EnumerateObject())
            {
                foreach (var (id, _) in Packages)
                {
                    string cached = Path.Combine(folder.Name, id.ToLowerInvariant(), Version.ToLowerInvariant());
                    if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true);
                }
            }
        }
        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>The tests that share one <see cref="ConsumerFixture"/>: one pack, one feed (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class PackageFeedCollection : ICollectionFixture<ConsumerFixture>
{
    public const string Name = "NetGen packages from one local feed";
}
