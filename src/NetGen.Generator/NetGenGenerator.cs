using System.Collections.Immutable;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;
using NetGen.Generator.Diagnostics;
using NetGen.Generator.Emit;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Parsing.Attributes;

namespace NetGen.Generator;

/// <summary>
/// The NetGen source generator. This class only wires the pipeline; the work is in
/// Parsing/ (front ends), Analysis/ and Emit/. Three inputs: <c>[Network]</c> classes,
/// <c>.cnn</c> AdditionalFiles (one pipeline item per file, so editing one file re-runs only
/// its networks), and <c>[NetworkFile]</c> bindings that send a .cnn network into a user class.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetGenGenerator : IIncrementalGenerator
{
    private const string DefaultNamespace = "NetGen.Networks";

    /// <summary>The GPU backend's runtime assembly: a compilation that references it gets each network's nested Gpu class.</summary>
    internal const string GpuRuntimeAssembly = "NetGen.Runtime.Gpu";

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // [Network] classes: attributes -> IR -> analysis.
        var attributeBuilds = context.SyntaxProvider
            .ForAttributeWithMetadataName("NetGen.NetworkAttribute",
                static (node, _) => node is ClassDeclarationSyntax,
                AttributeNetworkParser.Parse)
            .WithTrackingName(TrackingNames.AttributeNetworks)
            .Select(static (result, _) => NetworkBuild.Analyze(
                result.Value is null ? Enumerable.Empty<NetworkIR>() : new[] { result.Value }, result.Diagnostics))
            .WithTrackingName(TrackingNames.AttributeBuilds);

        // [NetworkFile] bindings: the .cnn files see them without locations.
        var bindingSites = context.SyntaxProvider
            .ForAttributeWithMetadataName("NetGen.NetworkFileAttribute",
                static (node, _) => node is ClassDeclarationSyntax,
                NetworkFileBindingParser.Parse)
            .WithTrackingName(TrackingNames.BindingSites);
        var bindings = bindingSites
            .Select(static (site, _) => site.Binding)
            .WithTrackingName(TrackingNames.Bindings)
            .Collect();

        // .cnn files: text -> IR (per file) -> bound to user classes -> analysis.
        var rootNamespace = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) =>
                options.GlobalOptions.TryGetValue("build_property.RootNamespace", out var ns) && !string.IsNullOrWhiteSpace(ns)
                    ? ns.Trim()
                    : DefaultNamespace)
            .WithTrackingName(TrackingNames.RootNamespace);
        var cnnSources = context.AdditionalTextsProvider
            .Where(static text => text.Path.EndsWith(".cnn", System.StringComparison.OrdinalIgnoreCase))
            .Select(static (text, ct) => new CnnSource(text.Path, text.GetText(ct)?.ToString() ?? ""))
            .WithTrackingName(TrackingNames.CnnSources);
        var cnnFiles = cnnSources
            .Combine(rootNamespace)
            .Select(static (input, _) => CnnParser.Parse(input.Left.Path, input.Left.Text, input.Right))
            .WithTrackingName(TrackingNames.CnnFiles);
        var cnnPaths = cnnSources
            .Select(static (source, _) => source.Path)
            .Collect()
            .Select(static (paths, _) => paths.OrderBy(p => p, System.StringComparer.Ordinal).ToEquatableArray())
            .WithTrackingName(TrackingNames.CnnPaths);
        var bindingContext = bindings
            .Combine(cnnPaths)
            .Select(static (input, _) => new BindingContext(input.Left.ToEquatableArray(), input.Right))
            .WithTrackingName(TrackingNames.BindingContext);
        var cnnBuilds = cnnFiles
            .Combine(bindingContext)
            .Select(static (input, _) => NetworkBuild.Analyze(
                NetworkFileBinder.Apply(input.Left.Path, input.Left.Networks, input.Right.Bindings, input.Right.CnnPaths),
                input.Left.Diagnostics))
            .WithTrackingName(TrackingNames.CnnBuilds);

        // The C# trees that hold [Network] and [NetworkFile] classes, for locating diagnostics
        // in them (see DiagnosticDescriptors.ToDiagnostic). Untracked on purpose: these steps
        // hold SyntaxTrees, which no tracked value may. An unrelated edit leaves them cached.
        var networkTrees = context.SyntaxProvider
            .ForAttributeWithMetadataName("NetGen.NetworkAttribute",
                static (node, _) => node is ClassDeclarationSyntax, static (ctx, _) => ctx.TargetNode.SyntaxTree)
            .Collect();
        var bindingTrees = context.SyntaxProvider
            .ForAttributeWithMetadataName("NetGen.NetworkFileAttribute",
                static (node, _) => node is ClassDeclarationSyntax, static (ctx, _) => ctx.TargetNode.SyntaxTree)
            .Collect();
        var trees = networkTrees.Combine(bindingTrees)
            .Select(static (input, _) => input.Left.AddRange(input.Right));

        // A class two declarations would generate is reported (NG0015) and not emitted.
        var duplicates = attributeBuilds.Select(static (build, _) => DuplicateClasses.Of(build)).Collect()
            .Combine(cnnBuilds.Select(static (build, _) => DuplicateClasses.Of(build)).Collect())
            .Select(static (input, _) => DuplicateClasses.Find(input.Left.Concat(input.Right)))
            .WithTrackingName(TrackingNames.DuplicateClasses);
        var duplicateNames = duplicates
            .Select(static (d, _) => d.Names)
            .WithTrackingName(TrackingNames.DuplicateClassNames);
        context.RegisterSourceOutput(duplicates.Select(static (d, _) => d.Diagnostics).Combine(trees),
            static (spc, input) => Report(spc, input.Left, input.Right));

        // Whether the compilation references the GPU backend (NetGen.Runtime.Gpu): a bool, so an edit leaves it unchanged.
        var gpuBackend = context.CompilationProvider
            .Select(static (compilation, _) => compilation.ReferencedAssemblyNames.Any(a => a.Name == GpuRuntimeAssembly))
            .WithTrackingName(TrackingNames.GpuBackendReferenced);

        RegisterOutputs(context, attributeBuilds, duplicateNames, gpuBackend, trees, TrackingNames.AttributeEmit, TrackingNames.AttributeDiagnostics);
        RegisterOutputs(context, cnnBuilds, duplicateNames, gpuBackend, trees, TrackingNames.CnnEmit, TrackingNames.CnnDiagnostics);

        // Each binding must name one file (NG0010) and one network in it (NG0014).
        var fileNetworks = cnnFiles
            .Select(static (file, _) => new CnnFileNetworks(file.Path,
                file.Networks.Select(n => n.Name).ToEquatableArray(),
                file.Diagnostics.Any(d => DiagnosticDescriptors.Get(d.Id).DefaultSeverity == DiagnosticSeverity.Error)))
            .WithTrackingName(TrackingNames.CnnFileNetworks)
            .Collect();
        var bindingDiagnostics = bindingSites
            .Collect()
            .Combine(fileNetworks)
            .Select(static (input, _) => NetworkFileBinder.Diagnose(input.Left.ToEquatableArray(), input.Right.ToEquatableArray()))
            .WithTrackingName(TrackingNames.BindingDiagnostics);
        context.RegisterSourceOutput(bindingDiagnostics.Combine(trees), static (spc, input) => Report(spc, input.Left, input.Right));
    }

    /// <summary>
    /// Source from the location-free networks, diagnostics from a second output: an edit that
    /// only moves code changes the diagnostics' locations but leaves the source step unchanged.
    /// </summary>
    private static void RegisterOutputs(IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<NetworkBuild> builds, IncrementalValueProvider<EquatableArray<string>> duplicateNames,
        IncrementalValueProvider<bool> gpuBackend, IncrementalValueProvider<ImmutableArray<SyntaxTree>> trees, string emitName, string diagnosticsName)
    {
        var networks = builds.Select(static (build, _) => build.ForEmit()).WithTrackingName(emitName);
        context.RegisterSourceOutput(networks.Combine(duplicateNames).Combine(gpuBackend), static (spc, input) =>
        {
            var (analyses, duplicates) = input.Left;
            foreach (var analysis in analyses)
            {
                if (duplicates.Contains(analysis.Network.Target.FullName)) continue;
                var source = NetworkEmitter.Emit(analysis, input.Right);
                spc.AddSource(source.HintName, SourceText.From(source.Text, Encoding.UTF8));
            }
        });

        var diagnostics = builds.Select(static (build, _) => build.Diagnostics).WithTrackingName(diagnosticsName);
        context.RegisterSourceOutput(diagnostics.Combine(trees), static (spc, input) => Report(spc, input.Left, input.Right));
    }

    private static void Report(SourceProductionContext spc, EquatableArray<DiagnosticInfo> diagnostics, ImmutableArray<SyntaxTree> trees)
    {
        foreach (var diagnostic in diagnostics) spc.ReportDiagnostic(DiagnosticDescriptors.ToDiagnostic(diagnostic, trees));
    }
}
