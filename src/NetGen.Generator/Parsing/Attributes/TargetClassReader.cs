using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing.Attributes;

/// <summary>
/// The user's class as a <see cref="TargetClass"/>: namespace, name with its containing
/// classes (<c>Outer.Inner</c>) and type parameters, accessibility. The class and every
/// class containing it must be <c>partial</c> so the generated part can join them (NG0011), and
/// the class may declare no base class: the generated part derives from the runtime's (NG0016).
/// </summary>
internal static class TargetClassReader
{
    /// <summary>The target, or null when a class in the chain is not partial (NG0011 added).</summary>
    public static TargetClass? Read(INamedTypeSymbol symbol, ClassDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
    {
        bool ok = true;
        if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            diagnostics.Add(DiagnosticInfo.Create("NG0011", LocationInfo.From(declaration.Identifier.GetLocation()), NestedName(symbol)));
            ok = false;
        }

        for (var outer = symbol.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            // The generated part re-declares each containing type as "partial class".
            foreach (var reference in outer.DeclaringSyntaxReferences)
            {
                var node = reference.GetSyntax();
                if (node is ClassDeclarationSyntax c && c.Modifiers.Any(SyntaxKind.PartialKeyword)) continue;
                var at = node is BaseTypeDeclarationSyntax t ? t.Identifier.GetLocation() : node.GetLocation();
                diagnostics.Add(DiagnosticInfo.Create("NG0011", LocationInfo.From(at), NestedName(outer)));
                ok = false;
            }
        }
        // The generated part names the runtime base class; a second base would be CS0263 on generated code.
        if (symbol.BaseType is { SpecialType: not SpecialType.System_Object } declared)
        {
            var at = declaration.BaseList?.Types.FirstOrDefault()?.GetLocation() ?? declaration.Identifier.GetLocation();
            diagnostics.Add(DiagnosticInfo.Create("NG0016", LocationInfo.From(at), NestedName(symbol), declared.ToDisplayString()));
            ok = false;
        }
        if (!ok) return null;

        string ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
        string accessibility = symbol.DeclaredAccessibility == Accessibility.Public ? "public" : "internal";
        return new TargetClass(ns, NestedName(symbol), IsPartialUserClass: true, accessibility);
    }

    /// <summary>"Outer.Inner&lt;T&gt;": containing types and type parameters as C# declares them.</summary>
    public static string NestedName(INamedTypeSymbol symbol)
    {
        string name = symbol.TypeParameters.Length == 0
            ? symbol.Name
            : symbol.Name + "<" + string.Join(", ", symbol.TypeParameters.Select(p => p.Name)) + ">";
        return symbol.ContainingType is null ? name : NestedName(symbol.ContainingType) + "." + name;
    }
}
