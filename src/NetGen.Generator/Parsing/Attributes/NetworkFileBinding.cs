using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing.Attributes;

/// <summary>
/// A <c>[NetworkFile("path.cnn", Network = "Name")]</c> binding, without locations: the
/// value every .cnn file is combined with, so moving the attribute does not re-run them.
/// </summary>
/// <param name="Path">The path as written; matched against the end of each AdditionalFiles path.</param>
/// <param name="NetworkName">The network to bind, or null to bind the file's only network.</param>
/// <param name="Target">The user's class, or null when it cannot take members (NG0011 reported): the network then generates nothing.</param>
public sealed record NetworkFileBinding(string Path, string? NetworkName, TargetClass? Target, string ClassName);

/// <summary>A binding with where it is written and what is wrong with it, for diagnostics only.</summary>
public sealed record NetworkFileBindingSite(NetworkFileBinding Binding, LocationInfo? PathLocation, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>Reads <c>[NetworkFile]</c> attributes.</summary>
public static class NetworkFileBindingParser
{
    /// <summary>
    /// The binding. When the attribute did not bind (a compiler error already says why) the
    /// binding has an empty path, which matches no file and is not checked further.
    /// </summary>
    public static NetworkFileBindingSite Parse(GeneratorAttributeSyntaxContext context, CancellationToken ct)
    {
        var data = context.Attributes[0];
        if (context.TargetSymbol is not INamedTypeSymbol symbol || context.TargetNode is not ClassDeclarationSyntax declaration
            || data.AttributeConstructor is null)
        {
            var none = new NetworkFileBinding("", null, null, context.TargetSymbol.Name);
            return new NetworkFileBindingSite(none, null, EquatableArray<DiagnosticInfo>.Empty);
        }

        var diagnostics = new List<DiagnosticInfo>();
        var target = TargetClassReader.Read(symbol, declaration, diagnostics);
        var args = AttributeArguments.Read(data, diagnostics, ct);
        string className = TargetClassReader.NestedName(symbol);
        args.Owner = "NetworkFile on " + className;

        string path = args.String("path") ?? "";
        if (path.Trim().Length == 0) args.Invalid("path", "empty", "the path of a .cnn file among the AdditionalFiles");
        string? network = args.String("Network");
        if (network is { Length: 0 }) network = null;

        // A class holds one network: with [Network] as well, both would emit the same members.
        if (target is not null && symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "NetGen.NetworkAttribute"))
        {
            diagnostics.Add(DiagnosticInfo.Create("NG0014", args.LocationOf("path"), className, path,
                "the class already declares a network with [Network]; a class holds one network"));
            target = null;
        }

        var binding = new NetworkFileBinding(path, network, target, className);
        return new NetworkFileBindingSite(binding, args.LocationOf("path"), diagnostics.ToEquatableArray());
    }

    /// <summary>
    /// Whether an AdditionalFiles path is the file a binding names: equal, or ending with it
    /// after a directory separator ('/' and '\' alike, a leading "./" ignored).
    /// </summary>
    public static bool Matches(string additionalFilePath, string boundPath)
    {
        string file = Normalize(additionalFilePath);
        string bound = Normalize(boundPath);
        if (bound.StartsWith("./", System.StringComparison.Ordinal)) bound = bound.Substring(2);
        if (bound.Length == 0) return false;
        return file == bound || file.EndsWith("/" + bound, System.StringComparison.Ordinal);
    }

    private static string Normalize(string path) => path.Replace('\\', '/');
}
