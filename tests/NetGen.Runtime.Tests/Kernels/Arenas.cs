using NetGen.Execution;

namespace NetGen.Tests.Kernels;

/// <summary>Native arenas for kernel tests: made from arrays, read back as arrays.</summary>
internal static class Arenas
{
    /// <summary>Zeroed arenas of the given lengths.</summary>
    public static NativeArena[] Of(params int[] lengths) => lengths.Select(n => new NativeArena(n, "test")).ToArray();

    /// <summary>Arenas holding copies of <paramref name="arrays"/>.</summary>
    public static NativeArena[] From(float[][] arrays) => arrays.Select(From).ToArray();

    /// <summary>An arena holding a copy of <paramref name="values"/>.</summary>
    public static NativeArena From(float[] values)
    {
        var arena = new NativeArena(values.Length, "test");
        values.CopyTo(arena.View.Slice(0, values.Length));
        return arena;
    }

    /// <summary>A copy of the arena's floats.</summary>
    public static float[] ToArray(NativeArena arena) => arena.View.Slice(0, checked((int)arena.Length)).ToArray();

    /// <summary>Copies of every arena's floats.</summary>
    public static float[][] ToArrays(NativeArena[] arenas) => arenas.Select(ToArray).ToArray();
}
