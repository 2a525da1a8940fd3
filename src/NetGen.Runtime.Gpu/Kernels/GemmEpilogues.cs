using System;
using ILGPU;
using NetGen.Kernels;

namespace NetGen.Gpu;

/// <summary>
/// C[batch * BatchStride + row * Ld + col] = Alpha v + Beta C (BLAS: C is not read when Beta
/// is 0), or with Atomic = 1 C += Alpha v atomically: the store of a reduction split
/// across groups, and of every gradient (gradients accumulate).
/// </summary>
public struct StoreEpilogue : IGemmEpilogue
{
    /// <summary>The output.</summary>
    public ArrayView<float> Target;
    /// <summary>Floats between rows.</summary>
    public int Ld;
    /// <summary>Floats between batch slices.</summary>
    public int BatchStride;
    /// <summary>Scale of the product.</summary>
    public float Alpha;
    /// <summary>Scale of the old C (1 accumulates).</summary>
    public float Beta;
    /// <summary>1: add atomically (requires Beta = 1), several groups adding to the same C; else 0.</summary>
    public int Atomic;

    /// <inheritdoc/>
    public readonly void Store(int batch, int row, int col, float value)
    {
        int i = batch * BatchStride + row * Ld + col;
        if (Atomic != 0) ILGPU.Atomic.Add(ref Target[i], Alpha * value);
        else if (Beta == 0f) Target[i] = Alpha * value;
        else Target[i] = Alpha * value + Beta * Target[i];
    }
}

/// <summary>
/// The forward store of a dense layer or convolution: row = sample or pixel, col = output
/// channel within group batch. y[row * Channels + batch * GroupChannels + col] =
/// act(v + bias + residual): the residual is added before the activation (ResNet's relu(F(x) + x)).
/// </summary>
public struct ChannelsEpilogue : IGemmEpilogue
{
    /// <summary>(rows, Channels) output.</summary>
    public ArrayView<float> Y;
    /// <summary>(Channels) bias, read when <see cref="HasBias"/>.</summary>
    public ArrayView<float> Bias;
    /// <summary>(rows, Channels) tensor added before the activation, read when <see cref="HasResidual"/>.</summary>
    public ArrayView<float> Residual;
    /// <summary>1: add <see cref="Bias"/>; 0: none.</summary>
    public int HasBias;
    /// <summary>1: add <see cref="Residual"/>; 0: none.</summary>
    public int HasResidual;
    /// <summary>Channels of a row of Y (K).</summary>
    public int Channels;
    /// <summary>Channels of one group (K / G).</summary>
    public int GroupChannels;
    /// <summary>The activation, as <see cref="NetGen.Activation"/>'s value.</summary>
    public int Activation;
    /// <summary>LeakyReLU slope or ELU alpha.</summary>
    public float ActivationAlpha;

    /// <inheritdoc/>
    public readonly void Store(int batch, int row, int col, float value)
    {
        int channel = batch * GroupChannels + col;
        int i = row * Channels + channel;
        if (HasBias != 0) value += Bias[channel];
        if (HasResidual != 0) value += Residual[i];
        Y[i] = EpilogueMath.Activate(value, Activation, ActivationAlpha);
    }
}

/// <summary>The activations the GPU epilogues fuse, written for ILGPU (the same formulas as the CPU's Activations).</summary>
public static class EpilogueMath
{
    private const float SqrtTwoOverPi = 0.7978845608028654f;
    private const float GeluCubic = 0.044715f;
    private const float MishSaturation = 20f;

    /// <summary>Whether a forward epilogue can fuse <paramref name="kind"/> (not Softmax, which spans a row, nor the exact GELU, which needs erf).</summary>
    public static bool Fuses(Activation kind) => kind is not Activation.Softmax and not Activation.GELU;

    /// <summary>Throws, naming <paramref name="kernel"/>, when the epilogue cannot fuse <paramref name="kind"/>.</summary>
    internal static void Require(Activation kind, string kernel)
    {
        if (!Fuses(kind))
            throw new ArgumentException($"{kernel}: the GPU epilogue does not fuse {kind}; run the layer with Activation.None and the activation kernel after it.", "activation");
    }

    /// <summary>f(x) for <paramref name="kind"/> (a <see cref="NetGen.Activation"/> value).</summary>
    public static float Activate(float x, int kind, float alpha)
    {
        switch (kind)
        {
            case (int)Activation.ReLU: return x > 0f ? x : 0f;
            case (int)Activation.LeakyReLU: return x > 0f ? x : alpha * x;
            case (int)Activation.ELU: return x > 0f ? x : alpha * (MathF.Exp(x) - 1f);
            case (int)Activation.Sigmoid: return 1f / (1f + MathF.Exp(-x));
            case (int)Activation.Tanh: return MathF.Tanh(x);
            case (int)Activation.ReLU6: return MathF.Min(MathF.Max(x, 0f), 6f);
            case (int)Activation.HardSigmoid: return MathF.Min(MathF.Max(x + 3f, 0f), 6f) * (1f / 6f);
            case (int)Activation.HardSwish: return x * (MathF.Min(MathF.Max(x + 3f, 0f), 6f) * (1f / 6f));
            case (int)Activation.SiLU: return x / (1f + MathF.Exp(-x));
            case (int)Activation.GELUTanh: return 0.5f * x * (1f + MathF.Tanh(SqrtTwoOverPi * (x + GeluCubic * x * x * x)));
            case (int)Activation.Mish:
                float e = MathF.Exp(MathF.Min(x, MishSaturation));
                float n = e * (e + 2f);
                return x * (n / (n + 2f));
            default: return x;
        }
    }
}
