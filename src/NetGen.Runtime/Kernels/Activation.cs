using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>
/// Element-wise activations on tensors of any shape (F floats). Every derivative is taken
/// from the output y, so backward needs only y saved from forward (for LeakyReLU this needs
/// alpha &gt;= 0, for ELU alpha &gt; 0); a fused Conv2D/Dense + activation saves its output
/// and nothing else. ReLU's derivative at 0 is 0, as in PyTorch.
/// </summary>
public static class Activations
{
    /// <summary>y = f(x). y may be the same span as x (in place).</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="x">(F) input.</param>
    /// <param name="kind">The function.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha; ignored otherwise.</param>
    public static void Forward(Span<float> y, ReadOnlySpan<float> x, Activation kind, float alpha = 0f)
    {
        Check.Length(y.Length, x.Length, "Activations.Forward", nameof(y), "x.Length");
        int i = 0;
        if (kind == Activation.ReLU && Vector.IsHardwareAccelerated)
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int v = 0; v < xv.Length; v++)
            {
                yv[v] = Vector.Max(xv[v], Vector<float>.Zero);
            }
            i = xv.Length * Vector<float>.Count;
        }
        for (; i < x.Length; i++)
        {
            y[i] = Apply(x[i], kind, alpha);
        }
    }

    /// <summary>dX += dY * f'(y). dX may not overlap dY unless it is the same span.</summary>
    /// <param name="dX">(F) gradient of the input, accumulated.</param>
    /// <param name="dY">(F) gradient of the output.</param>
    /// <param name="y">(F) the output saved from forward.</param>
    /// <param name="kind">The function.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha; ignored otherwise.</param>
    public static void Backward(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> y, Activation kind, float alpha = 0f)
    {
        Check.Length(dY.Length, dX.Length, "Activations.Backward", nameof(dY), "dX.Length");
        Check.Length(y.Length, dX.Length, "Activations.Backward", nameof(y), "dX.Length");
        for (int i = 0; i < dX.Length; i++)
        {
            dX[i] += dY[i] * Derivative(y[i], kind, alpha);
        }
    }

    /// <summary>
    /// dY = dY * f'(y), overwriting dY: the gradient at a fused Conv2D/Dense's pre-activation,
    /// which its own backward then reads.
    /// </summary>
    /// <param name="dY">(F) gradient of the output in, of the pre-activation out.</param>
    /// <param name="y">(F) the output saved from forward.</param>
    /// <param name="kind">The function.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha; ignored otherwise.</param>
    public static void BackwardInPlace(Span<float> dY, ReadOnlySpan<float> y, Activation kind, float alpha = 0f)
    {
        Check.Length(y.Length, dY.Length, "Activations.BackwardInPlace", nameof(y), "dY.Length");
        if (kind == Activation.None)
        {
            return;
        }
        int i = 0;
        if (kind == Activation.ReLU && Vector.IsHardwareAccelerated)
        {
            var dv = MemoryMarshal.Cast<float, Vector<float>>(dY);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int v = 0; v < dv.Length; v++)
            {
                dv[v] = Vector.ConditionalSelect(Vector.GreaterThan(yv[v], Vector<float>.Zero), dv[v], Vector<float>.Zero);
            }
            i = dv.Length * Vector<float>.Count;
        }
        for (; i < dY.Length; i++)
        {
            dY[i] *= Derivative(y[i], kind, alpha);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Apply(float x, Activation kind, float alpha) => kind switch
    {
        Activation.ReLU => x > 0f ? x : 0f,
        Activation.LeakyReLU => x > 0f ? x : alpha * x,
        Activation.ELU => x > 0f ? x : alpha * (MathF.Exp(x) - 1f),
        Activation.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        Activation.Tanh => MathF.Tanh(x),
        _ => x,
    };

    /// <summary>f'(x) written in terms of y = f(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Derivative(float y, Activation kind, float alpha) => kind switch
    {
        Activation.ReLU => y > 0f ? 1f : 0f,
        Activation.LeakyReLU => y > 0f ? 1f : alpha,
        Activation.ELU => y > 0f ? 1f : y + alpha,
        Activation.Sigmoid => y * (1f - y),
        Activation.Tanh => 1f - y * y,
        _ => 1f,
    };
}
