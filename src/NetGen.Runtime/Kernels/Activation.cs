using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>
/// Element-wise activations on tensors of any shape (F floats). Where the output y determines
/// the derivative (ReLU, LeakyReLU with alpha &gt;= 0, ELU with alpha &gt; 0, sigmoid, tanh,
/// ReLU6, hardsigmoid) backward needs only y saved from forward, and a fused Conv2D/Dense +
/// activation saves its output and nothing else. HardSwish, SiLU, GELU (both forms) and Mish
/// are not monotonic, so y does not determine x: their backward takes the input x
/// (<see cref="NeedsInput"/>). Derivatives at the kinks are PyTorch's: ReLU's at 0 is 0,
/// ReLU6's and hardsigmoid's are 0 at both ends of the linear part, hardswish's is
/// x/3 + 1/2 on [-3, 3] (so -1/2 at -3 and 3/2 at 3), 0 below and 1 above.
/// </summary>
public static class Activations
{
    /// <summary>Whether backward needs the input x (the function is not invertible from y).</summary>
    /// <param name="kind">The function.</param>
    public static bool NeedsInput(Activation kind) =>
        kind is Activation.HardSwish or Activation.SiLU or Activation.GELU or Activation.GELUTanh or Activation.Mish;

    /// <summary>y = f(x). y may be the same span as x (in place).</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="x">(F) input.</param>
    /// <param name="kind">The function.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha; ignored otherwise.</param>
    public static void Forward(Span<float> y, ReadOnlySpan<float> x, Activation kind, float alpha = 0f)
    {
        Check.Length(y.Length, x.Length, "Activations.Forward", nameof(y), "x.Length");
        int i = 0;
        if (Vector.IsHardwareAccelerated && ActivationMath.Vectorised(kind))
        {
            var xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            var yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int v = 0; v < xv.Length; v++)
            {
                yv[v] = ActivationMath.Apply(xv[v], kind, alpha);
            }
            i = xv.Length * Vector<float>.Count;
            if (i < x.Length)
            {
                // The tail through the same vector math: an element's value never depends on its position.
                Span<float> lanes = stackalloc float[Vector<float>.Count];
                lanes.Clear();
                x[i..].CopyTo(lanes);
                ActivationMath.Apply(new Vector<float>(lanes), kind, alpha).CopyTo(lanes);
                lanes[..(x.Length - i)].CopyTo(y[i..]);
            }
            return;
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
    /// <param name="kind">The function; not one that <see cref="NeedsInput"/>.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha; ignored otherwise.</param>
    public static void Backward(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> y, Activation kind, float alpha = 0f)
    {
        RejectNeedsInput(kind, "Activations.Backward");
        Accumulate(dX, dY, default, y, kind, alpha, useInput: false);
    }

    /// <summary>dX += dY * f'(x), the derivative from the input x where <see cref="NeedsInput"/>, else from y.</summary>
    /// <param name="dX">(F) gradient of the input, accumulated.</param>
    /// <param name="dY">(F) gradient of the output.</param>
    /// <param name="x">(F) the input of forward.</param>
    /// <param name="y">(F) the output saved from forward.</param>
    /// <param name="kind">The function.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha; ignored otherwise.</param>
    public static void BackwardWithInput(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Activation kind, float alpha = 0f)
    {
        Check.Length(x.Length, dX.Length, "Activations.BackwardWithInput", nameof(x), "dX.Length");
        Accumulate(dX, dY, x, y, kind, alpha, useInput: NeedsInput(kind));
    }

    private static void Accumulate(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Activation kind, float alpha, bool useInput)
    {
        Check.Length(dY.Length, dX.Length, "Activations.Backward", nameof(dY), "dX.Length");
        Check.Length(y.Length, dX.Length, "Activations.Backward", nameof(y), "dX.Length");
        if (useInput)
        {
            for (int i = 0; i < dX.Length; i++)
            {
                dX[i] += dY[i] * DerivativeOfInput(x[i], kind);
            }
            return;
        }
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
    /// <param name="kind">The function; not one that <see cref="NeedsInput"/>.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha; ignored otherwise.</param>
    public static void BackwardInPlace(Span<float> dY, ReadOnlySpan<float> y, Activation kind, float alpha = 0f)
    {
        Check.Length(y.Length, dY.Length, "Activations.BackwardInPlace", nameof(y), "dY.Length");
        RejectNeedsInput(kind, "Activations.BackwardInPlace");
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

    /// <summary>dY = dY * f'(x), overwriting dY, for a function that <see cref="NeedsInput"/> (else from y).</summary>
    /// <param name="dY">(F) gradient of the output in, of the pre-activation out.</param>
    /// <param name="x">(F) the pre-activation.</param>
    /// <param name="y">(F) the output saved from forward.</param>
    /// <param name="kind">The function.</param>
    /// <param name="alpha">LeakyReLU slope or ELU alpha; ignored otherwise.</param>
    public static void BackwardInPlaceWithInput(Span<float> dY, ReadOnlySpan<float> x, ReadOnlySpan<float> y, Activation kind, float alpha = 0f)
    {
        if (!NeedsInput(kind))
        {
            BackwardInPlace(dY, y, kind, alpha);
            return;
        }
        Check.Length(x.Length, dY.Length, "Activations.BackwardInPlaceWithInput", nameof(x), "dY.Length");
        for (int i = 0; i < dY.Length; i++)
        {
            dY[i] *= DerivativeOfInput(x[i], kind);
        }
    }

    private static void RejectNeedsInput(Activation kind, string method)
    {
        if (NeedsInput(kind))
        {
            throw new ArgumentException(
                $"{method}: the derivative of {kind} is not a function of its output; call BackwardWithInput or BackwardInPlaceWithInput, which take the input x.", nameof(kind));
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
        Activation.ReLU6 => MathF.Min(MathF.Max(x, 0f), 6f),
        Activation.HardSigmoid => MathF.Min(MathF.Max(x + 3f, 0f), 6f) * (1f / 6f),
        Activation.HardSwish => x * (MathF.Min(MathF.Max(x + 3f, 0f), 6f) * (1f / 6f)),
        Activation.SiLU => x / (1f + MathF.Exp(-x)),
        Activation.GELU => x * ActivationMath.Phi(x),
        Activation.GELUTanh => 0.5f * x * (1f + MathF.Tanh(ActivationMath.SqrtTwoOverPi * (x + ActivationMath.GeluCubic * x * x * x))),
        Activation.Mish => x * ActivationMath.TanhSoftplus(x),
        _ => x,
    };

    /// <summary>f'(x) written in terms of y = f(x), for the functions that do not <see cref="NeedsInput"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Derivative(float y, Activation kind, float alpha) => kind switch
    {
        Activation.ReLU => y > 0f ? 1f : 0f,
        Activation.LeakyReLU => y > 0f ? 1f : alpha,
        Activation.ELU => y > 0f ? 1f : y + alpha,
        Activation.Sigmoid => y * (1f - y),
        Activation.Tanh => 1f - y * y,
        Activation.ReLU6 => y > 0f && y < 6f ? 1f : 0f,
        Activation.HardSigmoid => y > 0f && y < 1f ? 1f / 6f : 0f,
        _ => 1f,
    };

    /// <summary>f'(x) from the input, for the functions that <see cref="NeedsInput"/>.</summary>
    internal static float DerivativeOfInput(float x, Activation kind)
    {
        switch (kind)
        {
            case Activation.HardSwish:
                return x < -3f ? 0f : x <= 3f ? x * (1f / 3f) + 0.5f : 1f;
            case Activation.SiLU:
            {
                float s = 1f / (1f + MathF.Exp(-x));
                return s * (1f + x * (1f - s));
            }
            case Activation.GELU:
                return ActivationMath.Phi(x) + x * ActivationMath.InvSqrtTwoPi * MathF.Exp(-0.5f * x * x);
            case Activation.GELUTanh:
            {
                float t = MathF.Tanh(ActivationMath.SqrtTwoOverPi * (x + ActivationMath.GeluCubic * x * x * x));
                return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * ActivationMath.SqrtTwoOverPi * (1f + 3f * ActivationMath.GeluCubic * x * x);
            }
            case Activation.Mish:
            {
                float e = MathF.Exp(MathF.Min(x, ActivationMath.MishSaturation));
                float n = e * (e + 2f), t = n / (n + 2f);
                return t + x * (e / (1f + e)) * (1f - t * t);
            }
            default:
                return 1f;
        }
    }
}
