using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>Reductions shared by the bias gradients and the normalisations.</summary>
internal static class Reduce
{
    /// <summary>Rows summed per pass over a column block: 256 rows of MNIST conv1's 32 channels are 32 KiB.</summary>
    private const int SumRowsChunk = 256;

    /// <summary>
    /// sum[k] += sum over rows of m[row, k], for m (rows, K) row-major. Each column's running sum
    /// stays in a register over a chunk of rows, four vectors of columns at a time, instead of a
    /// load, add and store of sum per row (a chain through memory: MNIST conv1's bias gradient
    /// sums 21,632 rows of 32 per half batch). Every column still adds its rows one by one in row
    /// order, starting from sum[k], so the result is bit-identical to the row-by-row sum.
    /// </summary>
    public static void SumRowsInto(Span<float> sum, ReadOnlySpan<float> m, int rows, int k)
    {
        if (k > sum.Length || (long)rows * k > m.Length)
        {
            throw new ArgumentException($"Reduce.SumRowsInto: {rows} rows of {k} need {k} sums and {(long)rows * k} floats; there are {sum.Length} and {m.Length}.");
        }
        int lanes = Vector<float>.Count;
        ref float s0 = ref MemoryMarshal.GetReference(sum);
        ref float m0 = ref MemoryMarshal.GetReference(m);
        for (int lo = 0; lo < rows; lo += SumRowsChunk)
        {
            int hi = Math.Min(rows, lo + SumRowsChunk);
            int c = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; c + 4 * lanes <= k; c += 4 * lanes)
                {
                    SumColumnBlock4(ref s0, ref m0, lo, hi, k, c, lanes);
                }
                for (; c + lanes <= k; c += lanes)
                {
                    var acc = Vector.LoadUnsafe(ref s0, (nuint)c);
                    for (int row = lo; row < hi; row++)
                    {
                        acc += Vector.LoadUnsafe(ref m0, (nuint)((long)row * k + c));
                    }
                    acc.StoreUnsafe(ref s0, (nuint)c);
                }
            }
            for (; c < k; c++)
            {
                float acc = sum[c];
                for (int row = lo; row < hi; row++)
                {
                    acc += m[row * k + c];
                }
                sum[c] = acc;
            }
        }
    }

    /// <summary>Columns [c, c + 4 vectors) of rows [lo, hi) added into sum, four accumulators in registers.</summary>
    private static void SumColumnBlock4(ref float s0, ref float m0, int lo, int hi, int k, int c, int lanes)
    {
        var a0 = Vector.LoadUnsafe(ref s0, (nuint)c);
        var a1 = Vector.LoadUnsafe(ref s0, (nuint)(c + lanes));
        var a2 = Vector.LoadUnsafe(ref s0, (nuint)(c + 2 * lanes));
        var a3 = Vector.LoadUnsafe(ref s0, (nuint)(c + 3 * lanes));
        for (int row = lo; row < hi; row++)
        {
            nuint at = (nuint)((long)row * k + c);
            a0 += Vector.LoadUnsafe(ref m0, at);
            a1 += Vector.LoadUnsafe(ref m0, at + (nuint)lanes);
            a2 += Vector.LoadUnsafe(ref m0, at + (nuint)(2 * lanes));
            a3 += Vector.LoadUnsafe(ref m0, at + (nuint)(3 * lanes));
        }
        a0.StoreUnsafe(ref s0, (nuint)c);
        a1.StoreUnsafe(ref s0, (nuint)(c + lanes));
        a2.StoreUnsafe(ref s0, (nuint)(c + 2 * lanes));
        a3.StoreUnsafe(ref s0, (nuint)(c + 3 * lanes));
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
