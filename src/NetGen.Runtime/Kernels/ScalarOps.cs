using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>
/// Arithmetic with one constant on a tensor of any shape (F floats): the <c>scale(factor)</c>
/// layer, y = x * factor, and the <c>shift(offset)</c> layer, y = x + offset (ONNX Mul and Add
/// by a scalar that no neighbour absorbs). Neither backward reads x or y: dx = factor * dy for
/// scale and dx = dy for shift, both <see cref="ScaleAccumulate"/>.
/// </summary>
public static class ScalarOps
{
    /// <summary>y = x * factor. y may be the same span as x (in place).</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="x">(F) input.</param>
    /// <param name="factor">The constant factor.</param>
    public static void Scale(Span<float> y, ReadOnlySpan<float> x, float factor)
    {
        Check.Length(y.Length, x.Length, "ScalarOps.Scale", nameof(y), "x.Length");
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            var f = new Vector<float>(factor);
            for (int v = 0; v < xv.Length; v++) yv[v] = xv[v] * f;
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) y[i] = x[i] * factor;
    }

    /// <summary>y = x + offset. y may be the same span as x (in place).</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="x">(F) input.</param>
    /// <param name="offset">The constant offset.</param>
    public static void Shift(Span<float> y, ReadOnlySpan<float> x, float offset)
    {
        Check.Length(y.Length, x.Length, "ScalarOps.Shift", nameof(y), "x.Length");
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            var b = new Vector<float>(offset);
            for (int v = 0; v < xv.Length; v++) yv[v] = xv[v] + b;
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) y[i] = x[i] + offset;
    }

    /// <summary>dX += factor * dY: scale's backward (shift's with factor 1). dX may not overlap dY.</summary>
    /// <param name="dX">(F) gradient of the input, accumulated.</param>
    /// <param name="dY">(F) gradient of the output.</param>
    /// <param name="factor">The forward factor (1 for shift).</param>
    public static void ScaleAccumulate(Span<float> dX, ReadOnlySpan<float> dY, float factor)
    {
        Check.Length(dY.Length, dX.Length, "ScalarOps.ScaleAccumulate", nameof(dY), "dX.Length");
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var yv = MemoryMarshal.Cast<float, Vector<float>>(dY);
            var xv = MemoryMarshal.Cast<float, Vector<float>>(dX);
            var f = new Vector<float>(factor);
            for (int v = 0; v < yv.Length; v++) xv[v] += yv[v] * f;
            i = yv.Length * Vector<float>.Count;
        }
        for (; i < dX.Length; i++) dX[i] += dY[i] * factor;
    }
}
