using System;

namespace NetGen.Kernels;

public static unsafe partial class Conv2D
{
    /// <summary>
    /// Packs a convolution with the inference batch norm that follows it folded in, leaving the
    /// canonical weights as they are: with scale[k] = gamma[k] / sqrt(var[k] + eps), the packed
    /// weights of output channel k are scaled by scale[k] and
    /// foldedBias[k] = (bias[k] - mean[k]) * scale[k] + beta[k], so <see cref="Forward(Span{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DDims, Activation, float)"/> with
    /// them computes batchnorm(conv(x) + bias). Overwrites packed and foldedBias.
    /// </summary>
    /// <param name="packed">(<see cref="PackedWeightFloats"/>) destination.</param>
    /// <param name="foldedBias">(K) destination.</param>
    /// <param name="weights">(K, C/G, R, S) canonical weights.</param>
    /// <param name="bias">(K), or empty for a convolution without bias.</param>
    /// <param name="gamma">(K) batch norm scale, or empty (1).</param>
    /// <param name="beta">(K) batch norm shift, or empty (0).</param>
    /// <param name="runningMean">(K) batch norm mean.</param>
    /// <param name="runningVar">(K) batch norm variance.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="dims">The convolution.</param>
    public static void PackFolded(
        Span<float> packed, Span<float> foldedBias, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
        float epsilon, in Conv2DDims dims)
    {
        const string kernel = "Conv2D.PackFolded";
        Conv2DDims d = dims;
        Check.Length(foldedBias.Length, d.K, kernel, nameof(foldedBias), "K");
        if (!bias.IsEmpty) Check.Length(bias.Length, d.K, kernel, nameof(bias), "K");
        BatchNorm.CheckAffine(kernel, gamma, beta, d.K);
        Check.Length(runningMean.Length, d.K, kernel, nameof(runningMean), "K");
        Check.Length(runningVar.Length, d.K, kernel, nameof(runningVar), "K");
        Pack(packed, weights, d);
        // foldedBias holds the scales until the weights are scaled.
        for (int k = 0; k < d.K; k++)
        {
            foldedBias[k] = BatchNorm.Gamma(gamma, k) / MathF.Sqrt(runningVar[k] + epsilon);
        }
        if (IsDepthwise(d))
        {
            int padded = Simd.Blocks(d.C) * Simd.Block, taps = d.R * d.S;
            for (int t = 0; t < taps; t++)
            {
                for (int c = 0; c < d.C; c++)
                {
                    packed[t * padded + c] *= foldedBias[c];
                }
            }
        }
        else
        {
            // (G, ceil(K/G / 16), R, S, C/G, 16): lane l of block b is output channel g * K/G + b * 16 + l.
            int kg = d.GroupK, blocks = Simd.Blocks(kg), rows = d.R * d.S * d.GroupC;
            for (int g = 0; g < d.Groups; g++)
            {
                for (int b = 0; b < blocks; b++)
                {
                    int lanes = Math.Min(Simd.Block, kg - b * Simd.Block);
                    var scale = foldedBias.Slice(g * kg + b * Simd.Block, lanes);
                    var block = packed.Slice((g * blocks + b) * rows * Simd.Block, rows * Simd.Block);
                    for (int row = 0; row < rows; row++)
                    {
                        Reduce.MultiplyInto(block.Slice(row * Simd.Block, lanes), scale);
                    }
                }
            }
        }
        for (int k = 0; k < d.K; k++)
        {
            float b = bias.IsEmpty ? 0f : bias[k];
            foldedBias[k] = (b - runningMean[k]) * foldedBias[k] + BatchNorm.Beta(beta, k);
        }
    }
}
