using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace NetGen.Generator.Tests.Pipeline;

/// <summary>
/// Walks an object graph through every field (public or not) and every element of every
/// collection, and reports the paths at which it reaches a Roslyn object a cached pipeline
/// value must never hold: a symbol, syntax, a location, a semantic model or a compilation.
/// </summary>
public static class RoslynObjectWalker
{
    private static readonly Type[] Forbidden =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxToken), typeof(SyntaxTree), typeof(Location),
        typeof(SemanticModel), typeof(Compilation), typeof(AttributeData),
    };

    public static List<string> FindForbidden(object? root, string rootName)
    {
        var found = new List<string>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Walk(root, rootName, found, seen, depth: 0);
        return found;
    }

    private static void Walk(object? value, string path, List<string> found, HashSet<object> seen, int depth)
    {
        if (value is null || depth > 64) return;
        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is string || value is decimal || value is Type || value is Pointer) return;
        if (!type.IsValueType && !seen.Add(value)) return;
        if (Forbidden.Any(f => f.IsAssignableFrom(type)))
        {
            found.Add($"{path}: {type.FullName}");
            return;
        }

        if (value is IEnumerable sequence and not string)
        {
            int i = 0;
            foreach (var item in sequence) Walk(item, $"{path}[{i++}]", found, seen, depth + 1);
        }
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
        {
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsByRefLike || field.FieldType.IsPointer) continue;
                Walk(field.GetValue(value), $"{path}.{field.Name}", found, seen, depth + 1);
            }
        }
    }
}
