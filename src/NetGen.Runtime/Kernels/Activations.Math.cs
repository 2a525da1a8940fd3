using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace NetGen.Kernels;

/// <summary>
/// The activations as Vector&lt;float&gt; math (512 or 256 bits wide, whichever the machine
/// runs), shared by <see cref="Activations.Forward"/> and the convolution/dense epilogues
/// (<see cref="Epilogue.Activate"/>), plus the erfc approximation GELU uses.
/// </summary>
/// <remarks>
/// erfc(z) for z &gt;= 0 is t exp(-z^2 + P(t)), t = 1 / (1 + z/2), P a degree-9 polynomial
/// (the Chebyshev fit of Numerical Recipes' erfcc, fractional error below 1.2e-7 in exact
/// arithmetic); erfc(-z) = 2 - erfc(z). Only +, *, / and exp: it vectorises, and needs no
/// table. In float, Phi(x) = erfc(-x / sqrt 2) / 2 is within 2.5e-7 of the double value for
/// every x (measured 2.2e-7 on [-10, 10] in steps of 1/4096), GELU's absolute error within
/// 4e-7 there, and its relative error below 3e-6 for x &gt;= -5 (2.1e-6 measured: in the tail
/// the exponent -x^2/2 is rounded to float). The bounds are checked against a float64 erf in
/// ActivationTests.
/// </remarks>
internal static class ActivationMath
{
    public const float SqrtTwoOverPi = 0.7978845608028654f;
    public const float InvSqrtTwoPi = 0.3989422804014327f;
    public const float InvSqrtTwo = 0.7071067811865476f;
    public const float GeluCubic = 0.044715f;

    /// <summary>Above this, tanh(softplus(x)) is 1 in float; exp is clamped here so it never overflows.</summary>
    public const float MishSaturation = 20f;

    // Coefficients of P(t), constant term first.
    private const float C0 = -1.26551223f, C1 = 1.00002368f, C2 = 0.37409196f, C3 = 0.09678418f, C4 = -0.18628806f,
        C5 = 0.27886807f, C6 = -1.13520398f, C7 = 1.48851587f, C8 = -0.82215223f, C9 = 0.17087277f;

    /// <summary>Whether <see cref="Apply(Vector{float}, Activation, float)"/> computes this function.</summary>
    public static bool Vectorised(Activation kind) => kind is not Activation.None and not Activation.Softmax;

    /// <summary>erfc(z) for z &gt;= 0 (float, relative error about 1e-7 for moderate z).</summary>
    public static float ErfcNonNegative(float z)
    {
        float t = 1f / (1f + 0.5f * z);
        float p = C9;
        p = p * t + C8; p = p * t + C7; p = p * t + C6; p = p * t + C5;
        p = p * t + C4; p = p * t + C3; p = p * t + C2; p = p * t + C1; p = p * t + C0;
        return t * MathF.Exp(p - z * z);
    }

    /// <summary>Phi(x) = P(N(0,1) &lt;= x) = erfc(-x / sqrt 2) / 2.</summary>
    public static float Phi(float x)
    {
        float z = x * InvSqrtTwo;
        float e = ErfcNonNegative(MathF.Abs(z));
        return x >= 0f ? 1f - 0.5f * e : 0.5f * e;
    }

    /// <summary>erf(x), from the same approximation (for tests and the ONNX importer's pattern check).</summary>
    public static float Erf(float x)
    {
        float e = ErfcNonNegative(MathF.Abs(x));
        return x >= 0f ? 1f - e : e - 1f;
    }

    /// <summary>tanh(log(1 + e^x)) = n / (n + 2) with n = e^x (e^x + 2).</summary>
    public static float TanhSoftplus(float x)
    {
        float e = MathF.Exp(MathF.Min(x, MishSaturation));
        float n = e * (e + 2f);
        return n / (n + 2f);
    }

    /// <summary>Phi over a vector, as <see cref="Phi(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Phi(Vector<float> x)
    {
        var half = new Vector<float>(0.5f);
        var z = Vector.Abs(x * new Vector<float>(InvSqrtTwo));
        var t = Vector<float>.One / (Vector<float>.One + half * z);
        var p = new Vector<float>(C9);
        p = p * t + new Vector<float>(C8); p = p * t + new Vector<float>(C7); p = p * t + new Vector<float>(C6);
        p = p * t + new Vector<float>(C5); p = p * t + new Vector<float>(C4); p = p * t + new Vector<float>(C3);
        p = p * t + new Vector<float>(C2); p = p * t + new Vector<float>(C1); p = p * t + new Vector<float>(C0);
        var e = half * t * Vector.Exp(p - z * z);
        return Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), Vector<float>.One - e, e);
    }

    /// <summary>tanh(u) = 1 - 2 / (e^(2u) + 1); exact limits when e^(2u) overflows or vanishes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> u)
    {
        var two = new Vector<float>(2f);
        // Clamp so exp stays finite: tanh(+-10) is +-1 in float.
        var c = Vector.Min(Vector.Max(u, new Vector<float>(-10f)), new Vector<float>(10f));
        var small = Vector.LessThan(Vector.Abs(c), new Vector<float>(0.0625f));
        var big = Vector<float>.One - two / (Vector.Exp(two * c) + Vector<float>.One);
        // Near 0 the subtraction cancels: u - u^3/3 + 2u^5/15 is exact to float there.
        var u2 = c * c;
        var series = c * (Vector<float>.One + u2 * (new Vector<float>(-1f / 3f) + u2 * new Vector<float>(2f / 15f)));
        return Vector.ConditionalSelect(small, series, big);
    }

    /// <summary>The activation over one vector of inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Apply(Vector<float> x, Activation kind, float alpha)
    {
        var zero = Vector<float>.Zero;
        var one = Vector<float>.One;
        var three = new Vector<float>(3f);
        var six = new Vector<float>(6f);
        var sixth = new Vector<float>(1f / 6f);
        switch (kind)
        {
            case Activation.ReLU:
                return Vector.Max(x, zero);
            case Activation.LeakyReLU:
                return Vector.ConditionalSelect(Vector.GreaterThan(x, zero), x, x * new Vector<float>(alpha));
            case Activation.ELU:
                return Vector.ConditionalSelect(Vector.GreaterThan(x, zero), x,
                    new Vector<float>(alpha) * (Vector.Exp(Vector.Min(x, zero)) - one));
            case Activation.Sigmoid:
                return one / (one + Vector.Exp(-x));
            case Activation.Tanh:
                return Tanh(x);
            case Activation.ReLU6:
                return Vector.Min(Vector.Max(x, zero), six);
            case Activation.HardSigmoid:
                return Vector.Min(Vector.Max(x + three, zero), six) * sixth;
            case Activation.HardSwish:
                return x * (Vector.Min(Vector.Max(x + three, zero), six) * sixth);
            case Activation.SiLU:
                return x / (one + Vector.Exp(-x));
            case Activation.GELU:
                return x * Phi(x);
            case Activation.GELUTanh:
            {
                var u = new Vector<float>(SqrtTwoOverPi) * (x + new Vector<float>(GeluCubic) * x * x * x);
                return new Vector<float>(0.5f) * x * (one + Tanh(u));
            }
            case Activation.Mish:
            {
                var e = Vector.Exp(Vector.Min(x, new Vector<float>(MishSaturation)));
                var n = e * (e + new Vector<float>(2f));
                return x * (n / (n + new Vector<float>(2f)));
            }
            default:
                return x;
        }
    }
}
