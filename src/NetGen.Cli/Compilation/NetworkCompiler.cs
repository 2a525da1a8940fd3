using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NetGen.Cli.Commands;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Execution;
using NetGen.Generator.Model;

namespace NetGen.Cli.Compilation;

/// <summary>
/// Compiles a network at run time, as a build would: the generator's front end, analysis and
/// emitter run in-process on the file, Roslyn compiles the generated C# (plus the user's .cs
/// file, and <see cref="AccessSource"/>) against the running framework and NetGen.Runtime into
/// an in-memory assembly, and that assembly is loaded in a collectible context. The network
/// then runs as compiled code, not interpreted.
/// </summary>
internal static class NetworkCompiler
{
    // Compiled images by their sources: compiling the same network again in one process (a test
    // run, a tool that evaluates several checkpoints) loads the bytes instead of running Roslyn.
    private static readonly ConcurrentDictionary<string, byte[]> s_images = new(StringComparer.Ordinal);

    /// <summary>
    /// Compiles the requested network; <paramref name="warnings"/> receives the generator's warnings.
    /// The assembly comes from <see cref="CompileRequest.Cache"/> (the environment's cache when
    /// null) when an entry for the file's bytes and the options exists; else it is compiled and
    /// the entry written.
    /// </summary>
    /// <exception cref="CliException">The file is missing, has errors (each printed compiler-style), or has no runnable network.</exception>
    public static CompiledNetwork Compile(CompileRequest request, TextWriter warnings)
    {
        string path = Path.GetFullPath(request.Path);
        if (Directory.Exists(path)) throw new CliException($"{path}: error: this is a folder; expected a .cnn file or a .cs file with [Network] classes", ExitCodes.NotFound);
        if (!File.Exists(path)) throw new CliException($"{path}: error: file not found", ExitCodes.NotFound);

        byte[] bytes = File.ReadAllBytes(path);
        string text = NetworkLoader.Decode(bytes);
        var cache = request.Cache ?? CompileCache.FromEnvironment();
        string? key = cache.Enabled ? Key(path, bytes, request) : null;
        if (key is not null && FromCache(cache, key, path, text, request) is { } cached)
        {
            foreach (var line in cached.Facts.Warnings) warnings.WriteLine(line);
            return cached;
        }

        var (analysis, located, declared, lines) = Analyze(path, text, request);
        foreach (var line in lines) warnings.WriteLine(line);
        if (!ExecutionSupport.CanPredict(analysis))
            throw new CliException($"{path}: error: network '{analysis.Network.Name}' has layers the CPU code cannot run yet (see the NG03xx diagnostics of `netgen summary`)");

        var facts = CompiledNetwork.FactsOf(located, analysis, declared, lines.ToArray());
        byte[] image = Image(path, text, analysis, request.Gpu);
        if (key is not null) cache.Write(key, facts.ToBytes(), image);
        var known = new Lazy<NetworkAnalysis>(located);
        return CompiledNetwork.Load(new MemoryStream(image, writable: false), facts, known, fromCache: false);
    }

    /// <summary>
    /// The cache key of a compile: the file's full path (messages name it) and bytes, and the
    /// options that change the generated code (the GPU backend's references among them). A .cs file is compiled alone and a .cnn file
    /// references no other, so the file is everything the network depends on.
    /// </summary>
    private static string Key(string path, byte[] bytes, CompileRequest request) => CompileCache.Key(
    [
        CompileCache.Text("compile"), CompileCache.Text(path), bytes, CompileCache.Text(request.NetworkName),
        CompileCache.Text(request.Batch?.ToString(System.Globalization.CultureInfo.InvariantCulture)), CompileCache.Text(request.Optimizer?.ToString()),
        CompileCache.Text(request.Gpu ? "gpu" : "cpu"),
    ]);

    /// <summary>The cached network, or null on a miss; an entry that does not parse or load is deleted (and then rebuilt).</summary>
    private static CompiledNetwork? FromCache(CompileCache cache, string key, string path, string text, CompileRequest request)
    {
        if (cache.TryRead(key) is not { } entry) return null;
        try
        {
            var facts = CompiledFacts.FromBytes(entry.Metadata);
            if (facts is null || entry.Image.Length == 0) throw new BadImageFormatException("not a compiled network's entry");
            var analysis = new Lazy<NetworkAnalysis>(() =>
            {
                cache.CountRebuiltAnalysis();
                return Analyze(path, text, request).Located;
            });
            return CompiledNetwork.Load(new MemoryStream(entry.Image, writable: false), facts, analysis, fromCache: true);
        }
        catch (Exception e) when (e is BadImageFormatException or CliException or FileLoadException or ReflectionTypeLoadException)
        {
            cache.Invalidate(key);
            return null;
        }
    }

    /// <summary>
    /// The front end and the analysis: the analysis to emit, the one with source locations, the
    /// declared optimizer, and the warnings (errors throw, every diagnostic in the message).
    /// </summary>
    private static (NetworkAnalysis Emitted, NetworkAnalysis Located, OptimizerKind Declared, List<string> Warnings) Analyze(string path, string text, CompileRequest request)
    {
        var loaded = NetworkLoader.Load(path, text);
        var lines = new List<string>();
        bool hasErrors = Report(loaded.Diagnostics, path, lines);
        var network = Pick(loaded, request, path, hasErrors, lines);
        var ir = network with
        {
            Batch = request.Batch ?? network.Batch,
            Optimizer = request.Optimizer ?? network.Optimizer,
        };
        var build = NetworkBuild.Analyze(new[] { ir }, Array.Empty<DiagnosticInfo>());
        hasErrors |= Report(build.Diagnostics, path, lines);
        if (hasErrors || build.Networks.Count == 0)
            throw new CliException(string.Join(Environment.NewLine, lines));
        return (build.ForEmit()[0], build.Networks[0], network.Optimizer, lines);
    }

    /// <summary>Formats each diagnostic as "file(line,col): error NGxxxx: message"; true when any is an error.</summary>
    private static bool Report(IEnumerable<DiagnosticInfo> diagnostics, string path, List<string> lines)
    {
        bool errors = false;
        foreach (var d in diagnostics)
        {
            bool isError = DiagnosticDescriptors.Get(d.Id).DefaultSeverity == DiagnosticSeverity.Error;
            errors |= isError;
            lines.Add($"{d.Location?.ToDisplayString() ?? path}: {(isError ? "error" : "warning")} {d.Id}: {DiagnosticDescriptors.Format(d)}");
        }
        return errors;
    }

    private static NetworkIR Pick(LoadedNetworks loaded, CompileRequest request, string path, bool hasErrors, List<string> lines)
    {
        var networks = loaded.Networks;
        if (request.NetworkName is { } name)
        {
            var match = networks.FirstOrDefault(n => n.Name == name || n.Target.ClassName == name || n.Target.FullName == name);
            if (match is not null) return match;
            lines.Add($"{path}: error: no network named '{name}' (the file has: {Names(networks)})");
        }
        else if (networks.Count == 1)
        {
            return networks[0];
        }
        else if (networks.Count > 1)
        {
            lines.Add($"{path}: error: the file declares {networks.Count} networks ({Names(networks)}); choose one with --network");
        }
        else if (!hasErrors)
        {
            lines.Add($"{path}: error: no network found (expected a .cnn network or a [Network] class)");
        }
        throw new CliException(string.Join(Environment.NewLine, lines));
    }

    private static string Names(IEnumerable<NetworkIR> networks) => string.Join(", ", networks.Select(n => n.Name));

    /// <summary>The compiled assembly's bytes (from this process's earlier compiles of the same sources, else Roslyn's).</summary>
    private static byte[] Image(string path, string text, NetworkAnalysis analysis, bool gpu)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new List<SyntaxTree>
        {
            CSharpSyntaxTree.ParseText(NetworkEmitter.Emit(analysis, gpuBackend: gpu).Text, parse, NetworkEmitter.HintName(analysis.Network.Target)),
        };
        if (analysis.Network.Target.IsPartialUserClass)
            trees.Add(CSharpSyntaxTree.ParseText(text, parse, path));

        string key = (gpu ? "gpu\0" : "cpu\0") + string.Join("\0", trees.Select(t => t.FilePath + "\0" + t.GetText()));
        return s_images.GetOrAdd(key, _ => Emit(path, analysis, trees, gpu ? s_gpuReferences.Value : s_references.Value));
    }

    private static byte[] Emit(string path, NetworkAnalysis analysis, List<SyntaxTree> trees, MetadataReference[] references)
    {
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
            optimizationLevel: OptimizationLevel.Release, allowUnsafe: false, nullableContextOptions: NullableContextOptions.Enable);
        var compilation = CSharpCompilation.Create("NetGen.Compiled." + analysis.Network.Name,
            trees, references, options);
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        if (!result.Success)
        {
            var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString());
            throw new CliException(string.Join(Environment.NewLine, errors) + Environment.NewLine +
                $"{path}: error: the code generated for network '{analysis.Network.Name}' did not compile");
        }
        return image.ToArray();
    }

    /// <summary>
    /// The running framework's assemblies and NetGen.Runtime: the generated class reaches its checkpoint
    /// state through the runtime's public members, so the compiled assembly needs nothing of the CLI.
    /// The CPU compile leaves the GPU backend out (netgen's own dependencies are among the trusted
    /// assemblies); the GPU compile adds it, the references that make the generator write the Gpu class.
    /// </summary>
    private static readonly Lazy<MetadataReference[]> s_references = new(() => References(gpu: false));

    private static readonly Lazy<MetadataReference[]> s_gpuReferences = new(() => References(gpu: true));

    /// <summary>The GPU backend's assemblies: NetGen.Runtime.Gpu and the ILGPU it is written on.</summary>
    internal static readonly string[] GpuAssemblies = ["NetGen.Runtime.Gpu", "ILGPU", "ILGPU.Algorithms"];

    private static MetadataReference[] References(bool gpu)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        var gpuPaths = new List<string>();
        foreach (var assembly in (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator))
        {
            if (assembly.Length == 0) continue;
            if (Array.IndexOf(GpuAssemblies, Path.GetFileNameWithoutExtension(assembly)) >= 0) gpuPaths.Add(assembly);
            else paths.Add(assembly);
        }
        paths.Add(typeof(NetGen.NetworkAttribute).Assembly.Location);
        if (gpu)
        {
            if (gpuPaths.Count < GpuAssemblies.Length)
                throw new CliException($"error: this netgen cannot compile for a GPU: it was installed without the GPU backend ({string.Join(", ", GpuAssemblies)}.dll)");
            paths.UnionWith(gpuPaths);
        }
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToArray();
    }
}
