using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>
/// The halves of the joins' backward passes, for generated code that needs one input's
/// gradient and not the other's (an input that is the network's own has none), and the
/// residual add with its ReLU fused.
/// </summary>
public static partial class Elementwise
{
    /// <summary>y = max(a + b, 0) in one pass. Overwrites y; y may be a or b.</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="a">(F) first input.</param>
    /// <param name="b">(F) second input.</param>
    public static void AddReLU(Span<float> y, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Check.Length(a.Length, y.Length, "Elementwise.AddReLU", nameof(a), "y.Length");
        Check.Length(b.Length, y.Length, "Elementwise.AddReLU", nameof(b), "y.Length");
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            var av = MemoryMarshal.Cast<float, Vector<float>>(a);
            var bv = MemoryMarshal.Cast<float, Vector<float>>(b);
            for (int v = 0; v < yv.Length; v++)
            {
                yv[v] = Vector.Max(av[v] + bv[v], Vector<float>.Zero);
            }
            i = yv.Length * Vector<float>.Count;
        }
        for (; i < y.Length; i++)
        {
            y[i] = MathF.Max(a[i] + b[i], 0f);
        }
    }

    /// <summary>dA += dY * b: one input's half of <see cref="MultiplyBackward"/>.</summary>
    /// <param name="dA">(F) this input's gradient, accumulated.</param>
    /// <param name="dY">(F) output gradient.</param>
    /// <param name="b">(F) the other forward input.</param>
    public static void MultiplyBackwardInput(Span<float> dA, ReadOnlySpan<float> dY, ReadOnlySpan<float> b)
    {
        Check.Length(dY.Length, dA.Length, "Elementwise.MultiplyBackwardInput", nameof(dY), "dA.Length");
        Check.Length(b.Length, dA.Length, "Elementwise.MultiplyBackwardInput", nameof(b), "dA.Length");
        Reduce.AddProductInto(dA, dY, b);
    }

    /// <summary>dX += dY * s, s broadcast over the pixels: the gated input's half of <see cref="GateBackward"/>.</summary>
    /// <param name="dX">(N, H*W, C) accumulated.</param>
    /// <param name="dY">(N, H*W, C) output gradient.</param>
    /// <param name="s">(N, C) forward gate.</param>
    /// <param name="n">Batch N.</param>
    /// <param name="pixels">H * W.</param>
    /// <param name="c">Channels C.</param>
    public static void GateBackwardData(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> s, int n, int pixels, int c)
    {
        const string kernel = "Elementwise.GateBackwardData";
        Check.Length(dX.Length, (long)n * pixels * c, kernel, nameof(dX), "N*H*W*C");
        Check.Length(dY.Length, (long)n * pixels * c, kernel, nameof(dY), "N*H*W*C");
        Check.Length(s.Length, (long)n * c, kernel, nameof(s), "N*C");
        for (int b = 0; b < n; b++)
        {
            var sr = s.Slice(b * c, c);
            for (int i = 0; i < pixels; i++)
            {
                int o = (b * pixels + i) * c;
                Reduce.AddProductInto(dX.Slice(o, c), dY.Slice(o, c), sr);
            }
        }
    }

    /// <summary>dS[n, c] += sum over pixels of dY * x: the gate's half of <see cref="GateBackward"/>.</summary>
    /// <param name="dS">(N, C) accumulated.</param>
    /// <param name="dY">(N, H*W, C) output gradient.</param>
    /// <param name="x">(N, H*W, C) forward gated input.</param>
    /// <param name="n">Batch N.</param>
    /// <param name="pixels">H * W.</param>
    /// <param name="c">Channels C.</param>
    public static void GateBackwardGate(Span<float> dS, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, int n, int pixels, int c)
    {
        const string kernel = "Elementwise.GateBackwardGate";
        Check.Length(dS.Length, (long)n * c, kernel, nameof(dS), "N*C");
        Check.Length(dY.Length, (long)n * pixels * c, kernel, nameof(dY), "N*H*W*C");
        Check.Length(x.Length, (long)n * pixels * c, kernel, nameof(x), "N*H*W*C");
        for (int b = 0; b < n; b++)
        {
            var dsr = dS.Slice(b * c, c);
            for (int i = 0; i < pixels; i++)
            {
                int o = (b * pixels + i) * c;
                Reduce.AddProductInto(dsr, dY.Slice(o, c), x.Slice(o, c));
            }
        }
    }
}
