using System;

namespace NetGen.Gpu;

/// <summary>
/// The activations as scalar device code, the CPU's formulas (NetGen.Kernels.Activations and its
/// ActivationMath) written once more for ILGPU: the same derivatives at the kinks (PyTorch's),
/// the same erfc fit for exact GELU, the same clamp for Mish. <c>kind</c> is the
/// <see cref="Activation"/> as an int (a uniform branch: every thread of a launch takes the same
/// case).
/// </summary>
internal static class GpuActivationMath
{
    private const float SqrtTwoOverPi = 0.7978845608028654f;
    private const float InvSqrtTwoPi = 0.3989422804014327f;
    private const float InvSqrtTwo = 0.7071067811865476f;
    private const float GeluCubic = 0.044715f;
    private const float MishSaturation = 20f;

    // Numerical Recipes' erfcc: erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z/2), z >= 0.
    private const float C0 = -1.26551223f, C1 = 1.00002368f, C2 = 0.37409196f, C3 = 0.09678418f, C4 = -0.18628806f,
        C5 = 0.27886807f, C6 = -1.13520398f, C7 = 1.48851587f, C8 = -0.82215223f, C9 = 0.17087277f;

    public const int None = (int)Activation.None, ReLU = (int)Activation.ReLU, LeakyReLU = (int)Activation.LeakyReLU,
        ELU = (int)Activation.ELU, Sigmoid = (int)Activation.Sigmoid, Tanh = (int)Activation.Tanh,
        ReLU6 = (int)Activation.ReLU6, HardSigmoid = (int)Activation.HardSigmoid, HardSwish = (int)Activation.HardSwish,
        SiLU = (int)Activation.SiLU, GELU = (int)Activation.GELU, GELUTanh = (int)Activation.GELUTanh, Mish = (int)Activation.Mish;

    private static float ErfcNonNegative(float z)
    {
        float t = 1f / (1f + 0.5f * z);
        float p = C9;
        p = p * t + C8; p = p * t + C7; p = p * t + C6; p = p * t + C5;
        p = p * t + C4; p = p * t + C3; p = p * t + C2; p = p * t + C1; p = p * t + C0;
        return t * MathF.Exp(p - z * z);
    }

    private static float Phi(float x)
    {
        float e = ErfcNonNegative(MathF.Abs(x * InvSqrtTwo));
        return x >= 0f ? 1f - 0.5f * e : 0.5f * e;
    }

    private static float Clamp6(float x) => MathF.Min(MathF.Max(x, 0f), 6f);

    /// <summary>f(x).</summary>
    public static float Apply(float x, int kind, float alpha)
    {
        switch (kind)
        {
            case ReLU: return x > 0f ? x : 0f;
            case LeakyReLU: return x > 0f ? x : alpha * x;
            case ELU: return x > 0f ? x : alpha * (MathF.Exp(x) - 1f);
            case Sigmoid: return 1f / (1f + MathF.Exp(-x));
            case Tanh: return MathF.Tanh(x);
            case ReLU6: return Clamp6(x);
            case HardSigmoid: return Clamp6(x + 3f) * (1f / 6f);
            case HardSwish: return x * (Clamp6(x + 3f) * (1f / 6f));
            case SiLU: return x / (1f + MathF.Exp(-x));
            case GELU: return x * Phi(x);
            case GELUTanh: return 0.5f * x * (1f + MathF.Tanh(SqrtTwoOverPi * (x + GeluCubic * x * x * x)));
            case Mish:
            {
                float e = MathF.Exp(MathF.Min(x, MishSaturation));
                float n = e * (e + 2f);
                return x * (n / (n + 2f));
            }
            default: return x;
        }
    }

    /// <summary>f'(x) in terms of y = f(x), for the functions whose output determines it.</summary>
    public static float Derivative(float y, int kind, float alpha)
    {
        switch (kind)
        {
            case ReLU: return y > 0f ? 1f : 0f;
            case LeakyReLU: return y > 0f ? 1f : alpha;
            case ELU: return y > 0f ? 1f : y + alpha;
            case Sigmoid: return y * (1f - y);
            case Tanh: return 1f - y * y;
            case ReLU6: return y > 0f && y < 6f ? 1f : 0f;
            case HardSigmoid: return y > 0f && y < 1f ? 1f / 6f : 0f;
            default: return 1f;
        }
    }

    /// <summary>f'(x) from the input, for HardSwish, SiLU, GELU (both) and Mish.</summary>
    public static float DerivativeOfInput(float x, int kind)
    {
        switch (kind)
        {
            case HardSwish:
                return x < -3f ? 0f : x <= 3f ? x * (1f / 3f) + 0.5f : 1f;
            case SiLU:
            {
                float s = 1f / (1f + MathF.Exp(-x));
                return s * (1f + x * (1f - s));
            }
            case GELU:
                return Phi(x) + x * InvSqrtTwoPi * MathF.Exp(-0.5f * x * x);
            case GELUTanh:
            {
                float t = MathF.Tanh(SqrtTwoOverPi * (x + GeluCubic * x * x * x));
                return 0.5f * (1f + t) + 0.5f * x * (1f - t * t) * SqrtTwoOverPi * (1f + 3f * GeluCubic * x * x);
            }
            case Mish:
            {
                float e = MathF.Exp(MathF.Min(x, MishSaturation));
                float n = e * (e + 2f), t = n / (n + 2f);
                return t + x * (e / (1f + e)) * (1f - t * t);
            }
            default:
                return 1f;
        }
    }
}
