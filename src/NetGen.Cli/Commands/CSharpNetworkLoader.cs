using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing.Attributes;

namespace NetGen.Cli.Commands;

/// <summary>
/// Reads the [Network] classes of one .cs file without a build: the file is compiled alone
/// against the framework and NetGen.Runtime, and each class goes through the generator's
/// own attribute front end, so the CLI and a build see the same network.
/// </summary>
internal static class CSharpNetworkLoader
{
    private const string NetworkAttributeName = "NetGen.NetworkAttribute";

    public static LoadedNetworks Load(string path, string text)
    {
        var tree = CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest), path);
        var compilation = CSharpCompilation.Create("netgen-summary", new[] { tree }, References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var model = compilation.GetSemanticModel(tree);
        var networkAttribute = compilation.GetTypeByMetadataName(NetworkAttributeName);

        var networks = new List<NetworkIR>();
        var diagnostics = new List<DiagnosticInfo>();
        if (networkAttribute is null) return new LoadedNetworks(path, networks, diagnostics);

        foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>())
        {
            if (model.GetDeclaredSymbol(declaration) is not INamedTypeSymbol symbol) continue;
            var attribute = NetworkAttributeOn(declaration, symbol, networkAttribute);
            if (attribute is null) continue;
            var result = AttributeNetworkParser.Parse(symbol, declaration, attribute, CancellationToken.None);
            diagnostics.AddRange(result.Diagnostics);
            if (result.Value is not null) networks.Add(result.Value);
        }
        return new LoadedNetworks(path, networks, diagnostics);
    }

    /// <summary>The [Network] attribute written on this very declaration (a partial class may have several).</summary>
    private static AttributeData? NetworkAttributeOn(ClassDeclarationSyntax declaration, INamedTypeSymbol symbol, INamedTypeSymbol networkAttribute) =>
        symbol.GetAttributes().FirstOrDefault(a =>
            SymbolEqualityComparer.Default.Equals(a.AttributeClass, networkAttribute) &&
            a.ApplicationSyntaxReference?.SyntaxTree == declaration.SyntaxTree &&
            declaration.Span.Contains(a.ApplicationSyntaxReference.Span));

    /// <summary>The running framework's assemblies plus NetGen.Runtime, where the attributes live.</summary>
    private static IEnumerable<MetadataReference> References()
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var assembly in (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator))
            if (assembly.Length > 0) paths.Add(assembly);
        paths.Add(typeof(NetGen.NetworkAttribute).Assembly.Location);
        return paths.Select(p => MetadataReference.CreateFromFile(p));
    }
}
