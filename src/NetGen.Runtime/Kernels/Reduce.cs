using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>Reductions shared by the bias gradients and the normalisations.</summary>
internal static class Reduce
{
    /// <summary>sum[k] += sum over rows of m[row, k], for m (rows, K) row-major.</summary>
    public static void SumRowsInto(Span<float> sum, ReadOnlySpan<float> m, int rows, int k)
    {
        for (int row = 0; row < rows; row++)
        {
            AddInto(sum, m.Slice(row * k, k));
        }
    }

    /// <summary>a[i] += b[i].</summary>
    public static void AddInto(Span<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var av = MemoryMarshal.Cast<float, Vector<float>>(a);
            var bv = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (int v = 0; v < av.Length; v++)
            {
                av[v] += bv[v];
            }
            i = av.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++)
        {
            a[i] += b[i];
        }
    }

    /// <summary>a[i] += scale * b[i].</summary>
    public static void AddScaledInto(Span<float> a, ReadOnlySpan<float> b, float scale)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var av = MemoryMarshal.Cast<float, Vector<float>>(a);
            var bv = MemoryMarshal.Cast<float, Vector<float>>(b);
            var sv = new Vector<float>(scale);
            for (int v = 0; v < av.Length; v++)
            {
                av[v] = Vector.FusedMultiplyAdd(bv[v], sv, av[v]);
            }
            i = av.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++)
        {
            a[i] += scale * b[i];
        }
    }

    /// <summary>a[i] += b[i] * c[i].</summary>
    public static void AddProductInto(Span<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var av = MemoryMarshal.Cast<float, Vector<float>>(a);
            var bv = MemoryMarshal.Cast<float, Vector<float>>(b);
            var cv = MemoryMarshal.Cast<float, Vector<float>>(c);
            for (int v = 0; v < av.Length; v++)
            {
                av[v] = Vector.FusedMultiplyAdd(bv[v], cv[v], av[v]);
            }
            i = av.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++)
        {
            a[i] += b[i] * c[i];
        }
    }

    /// <summary>a[i] = scale * a[i].</summary>
    public static void Scale(Span<float> a, float scale)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var av = MemoryMarshal.Cast<float, Vector<float>>(a);
            for (int v = 0; v < av.Length; v++)
            {
                av[v] *= scale;
            }
            i = av.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++)
        {
            a[i] *= scale;
        }
    }

    /// <summary>a[i] *= b[i].</summary>
    public static void MultiplyInto(Span<float> a, ReadOnlySpan<float> b)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var av = MemoryMarshal.Cast<float, Vector<float>>(a);
            var bv = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (int v = 0; v < av.Length; v++)
            {
                av[v] *= bv[v];
            }
            i = av.Length * Vector<float>.Count;
        }
        for (; i < a.Length; i++)
        {
            a[i] *= b[i];
        }
    }
}
