using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen.Execution;

/// <summary>
/// The few steps generated code needs beside the kernels: a gradient passed through a view
/// (flatten) that does not share storage, gradient scaling, and the backward of a softmax fused into a layer,
/// done in place on the gradient like <see cref="Kernels.Activations.BackwardInPlace"/>.
/// </summary>
public static class ExecutionOps
{
    /// <summary>dX += dY, element by element.</summary>
    /// <param name="dX">(F) accumulated.</param>
    /// <param name="dY">(F).</param>
    public static void AddInto(Span<float> dX, ReadOnlySpan<float> dY)
    {
        if (dX.Length != dY.Length)
        {
            throw new ArgumentException($"ExecutionOps.AddInto: dX has {dX.Length} elements, dY {dY.Length}.", nameof(dY));
        }
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var a = MemoryMarshal.Cast<float, Vector<float>>(dX);
            var b = MemoryMarshal.Cast<float, Vector<float>>(dY);
            for (int v = 0; v < a.Length; v++)
            {
                a[v] += b[v];
            }
            i = a.Length * Vector<float>.Count;
        }
        for (; i < dX.Length; i++)
        {
            dX[i] += dY[i];
        }
    }

    /// <summary>x *= factor, element by element: the summed gradient of micro-batches turned into the mean's.</summary>
    /// <param name="x">(F) scaled in place.</param>
    /// <param name="factor">The factor.</param>
    public static void Scale(Span<float> x, float factor)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var a = MemoryMarshal.Cast<float, Vector<float>>(x);
            for (int v = 0; v < a.Length; v++)
            {
                a[v] *= factor;
            }
            i = a.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++)
        {
            x[i] *= factor;
        }
    }

    /// <summary>dY *= mask, element by element: a dropout's backward when its input's gradient shares dY's storage.</summary>
    /// <param name="dY">(F) output gradient in, input gradient out.</param>
    /// <param name="mask">(F) the mask forward wrote.</param>
    public static void MultiplyInPlace(Span<float> dY, ReadOnlySpan<float> mask)
    {
        if (dY.Length != mask.Length)
        {
            throw new ArgumentException($"ExecutionOps.MultiplyInPlace: dY has {dY.Length} elements, the mask {mask.Length}.", nameof(mask));
        }
        for (int i = 0; i < dY.Length; i++)
        {
            dY[i] *= mask[i];
        }
    }

    /// <summary>
    /// dY = y * (dY - sum over the row of dY * y), overwriting dY: the gradient at the input of
    /// a softmax over rows of <paramref name="features"/>, from its output y saved by forward.
    /// </summary>
    /// <param name="dY">(rows, F) gradient of the softmax output in, of its input out.</param>
    /// <param name="y">(rows, F) the softmax output.</param>
    /// <param name="rows">Rows (N, or N * P * Q for a channel softmax of an image).</param>
    /// <param name="features">Row length F.</param>
    public static void SoftmaxBackwardInPlace(Span<float> dY, ReadOnlySpan<float> y, int rows, int features)
    {
        if (dY.Length != (long)rows * features || y.Length != dY.Length)
        {
            throw new ArgumentException(
                $"ExecutionOps.SoftmaxBackwardInPlace: dY has {dY.Length} and y {y.Length} elements; rows * F = {(long)rows * features}.");
        }
        for (int r = 0; r < rows; r++)
        {
            var d = dY.Slice(r * features, features);
            var p = y.Slice(r * features, features);
            float dot = 0f;
            for (int i = 0; i < features; i++)
            {
                dot += d[i] * p[i];
            }
            for (int i = 0; i < features; i++)
            {
                d[i] = p[i] * (d[i] - dot);
            }
        }
    }
}
