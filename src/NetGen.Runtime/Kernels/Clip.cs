using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>
/// y = min(max(x, lo), hi) on a tensor of any shape (F floats): the <c>clip(min, max)</c> layer
/// (ONNX Clip, PyTorch hardtanh; relu6 is clip(0, 6)). Backward needs only y saved from forward:
/// the derivative is 1 where lo &lt; y &lt; hi and 0 elsewhere, 0 at both ends as PyTorch's
/// hardtanh and relu6 give it.
/// </summary>
public static class Clip
{
    /// <summary>y = min(max(x, lo), hi). y may be the same span as x (in place).</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="x">(F) input.</param>
    /// <param name="lo">The lower bound; below <paramref name="hi"/>.</param>
    /// <param name="hi">The upper bound.</param>
    public static void Forward(Span<float> y, ReadOnlySpan<float> x, float lo, float hi)
    {
        Check.Length(y.Length, x.Length, "Clip.Forward", nameof(y), "x.Length");
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            var low = new Vector<float>(lo);
            var high = new Vector<float>(hi);
            for (int v = 0; v < xv.Length; v++) yv[v] = Vector.Min(Vector.Max(xv[v], low), high);
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++) y[i] = Math.Min(Math.Max(x[i], lo), hi);
    }

    /// <summary>dX += dY where lo &lt; y &lt; hi. dX may not overlap dY unless it is the same span.</summary>
    /// <param name="dX">(F) gradient of the input, accumulated.</param>
    /// <param name="dY">(F) gradient of the output.</param>
    /// <param name="y">(F) the output saved from forward.</param>
    /// <param name="lo">The lower bound of forward.</param>
    /// <param name="hi">The upper bound of forward.</param>
    public static void Backward(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> y, float lo, float hi)
    {
        Check.Length(dY.Length, dX.Length, "Clip.Backward", nameof(dY), "dX.Length");
        Check.Length(y.Length, dX.Length, "Clip.Backward", nameof(y), "dX.Length");
        for (int i = 0; i < dX.Length; i++)
        {
            if (y[i] > lo && y[i] < hi) dX[i] += dY[i];
        }
    }
}
