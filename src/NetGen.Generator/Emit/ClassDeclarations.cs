using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Model;

namespace NetGen.Generator.Emit;

/// <summary>A class some network declaration generates into, and where that declaration is.</summary>
public sealed record ClassDeclaration(string FullName, LocationInfo? Location);

/// <summary>
/// Classes that more than one network declaration would generate (two .cnn files with the same
/// network name and namespace, or a .cnn network named like a [Network] class). Their source
/// is not emitted (two hint names would collide and the compiler would drop every generated
/// file); NG0015 says which declarations clash instead.
/// </summary>
public sealed record DuplicateClasses(EquatableArray<string> Names, EquatableArray<DiagnosticInfo> Diagnostics)
{
    public static EquatableArray<ClassDeclaration> Of(NetworkBuild build) =>
        build.Networks.Select(n => new ClassDeclaration(n.Network.Target.FullName, n.Network.Location)).ToEquatableArray();

    public static DuplicateClasses Find(IEnumerable<EquatableArray<ClassDeclaration>> declarations)
    {
        var names = new List<string>();
        var diagnostics = new List<DiagnosticInfo>();
        foreach (var group in declarations.SelectMany(d => d).GroupBy(d => d.FullName).OrderBy(g => g.Key, System.StringComparer.Ordinal))
        {
            var all = group.OrderBy(d => d.Location?.FilePath, System.StringComparer.Ordinal).ThenBy(d => d.Location?.Start).ToList();
            if (all.Count < 2) continue;
            names.Add(group.Key);
            for (int i = 0; i < all.Count; i++)
            {
                var other = all[i == 0 ? 1 : 0];
                diagnostics.Add(DiagnosticInfo.Create("NG0015", all[i].Location, group.Key, other.Location?.ToDisplayString() ?? "another declaration"));
            }
        }
        return new DuplicateClasses(names.ToEquatableArray(), diagnostics.ToEquatableArray());
    }
}
