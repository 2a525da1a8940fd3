using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Xunit;

namespace NetGen.Generator.Tests.Infrastructure;

/// <summary>Compiles sources (user code plus generated code) and loads the assembly to read what the generated members hold.</summary>
public static class CompiledCode
{
    /// <summary>Asserts the compilation has no diagnostics at all, warnings included, and that it emits.</summary>
    public static void AssertClean(Compilation compilation)
    {
        Assert.Empty(GeneratorTestHelper.Describe(compilation.GetDiagnostics()));
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", GeneratorTestHelper.Describe(emit.Diagnostics)));
    }

    /// <summary>Compiles <paramref name="sources"/> with no diagnostics and loads the result in a collectible context.</summary>
    public static Assembly Load(params string[] sources) => Load(GeneratorTestHelper.Compilation(sources));

    public static Assembly Load(Compilation compilation)
    {
        AssertClean(compilation);
        using var stream = new MemoryStream();
        compilation.Emit(stream);
        stream.Position = 0;
        return new AssemblyLoadContext("netgen-test", isCollectible: true).LoadFromStream(stream);
    }

    /// <summary>A public constant or static property/method result of <paramref name="typeName"/>.</summary>
    public static object? Static(Assembly assembly, string typeName, string member)
    {
        var type = assembly.GetType(typeName, throwOnError: true)!;
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static;
        if (type.GetField(member, flags) is { } field) return field.IsLiteral ? field.GetRawConstantValue() : field.GetValue(null);
        if (type.GetMethod(member, flags, Type.EmptyTypes) is { } method) return method.Invoke(null, null);
        throw new MissingMemberException(typeName, member);
    }
}
