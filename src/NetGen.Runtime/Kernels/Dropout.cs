using System;

namespace NetGen.Kernels;

/// <summary>
/// Inverted dropout on a tensor of any shape (F floats): in training each element is kept
/// with probability 1 - rate and scaled by 1 / (1 - rate), so inference is the identity
/// (generated code passes the input through and calls nothing). Forward writes the mask
/// (0 or 1 / (1 - rate) per element), which is all backward needs.
/// </summary>
public static class Dropout
{
    /// <summary>y = x * mask with a fresh mask from <paramref name="random"/>. Overwrites y and mask; y may be x.</summary>
    /// <param name="y">(F) output.</param>
    /// <param name="mask">(F) the scale applied to each element, saved for backward.</param>
    /// <param name="x">(F) input.</param>
    /// <param name="rate">Drop probability in [0, 1].</param>
    /// <param name="random">Advanced by F draws.</param>
    public static void ForwardTraining(Span<float> y, Span<float> mask, ReadOnlySpan<float> x, float rate, ref FastRandom random)
    {
        Check.Length(y.Length, x.Length, "Dropout.ForwardTraining", nameof(y), "x.Length");
        Check.Length(mask.Length, x.Length, "Dropout.ForwardTraining", nameof(mask), "x.Length");
        if (!(rate >= 0f && rate <= 1f))
        {
            throw Check.Failure("Dropout.ForwardTraining", $"rate must be in [0, 1], got {rate}.");
        }
        // rate 1 drops everything (PyTorch gives zeros, not 0 * infinity).
        float keep = rate < 1f ? 1f / (1f - rate) : 0f;
        for (int i = 0; i < x.Length; i++)
        {
            float m = random.NextFloat() >= rate ? keep : 0f;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }

    /// <summary>dX += dY * mask.</summary>
    /// <param name="dX">(F) input gradient, accumulated.</param>
    /// <param name="dY">(F) output gradient.</param>
    /// <param name="mask">(F) the mask forward wrote.</param>
    public static void Backward(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> mask)
    {
        Check.Length(dY.Length, dX.Length, "Dropout.Backward", nameof(dY), "dX.Length");
        Check.Length(mask.Length, dX.Length, "Dropout.Backward", nameof(mask), "dX.Length");
        Reduce.AddProductInto(dX, dY, mask);
    }
}
