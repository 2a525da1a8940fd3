using System;

namespace NetGen.Kernels;

/// <summary>
/// Softmax over the last dimension of x (N, F), stable (the row maximum is subtracted
/// before exp). Backward needs y saved; dX accumulates with +=.
/// </summary>
public static class Softmax
{
    /// <summary>y[n, :] = exp(x[n, :] - max) / sum. Overwrites y; y may be x.</summary>
    /// <param name="y">(N, F) output.</param>
    /// <param name="x">(N, F) input.</param>
    /// <param name="n">Rows N.</param>
    /// <param name="features">Row length F.</param>
    public static void Forward(Span<float> y, ReadOnlySpan<float> x, int n, int features)
    {
        Check.Length(x.Length, (long)n * features, "Softmax.Forward", nameof(x), "N*F");
        Check.Length(y.Length, (long)n * features, "Softmax.Forward", nameof(y), "N*F");
        for (int row = 0; row < n; row++)
        {
            ForwardRow(y.Slice(row * features, features), x.Slice(row * features, features));
        }
    }

    internal static float ForwardRow(Span<float> y, ReadOnlySpan<float> x)
    {
        float max = float.NegativeInfinity;
        foreach (float v in x)
        {
            max = MathF.Max(max, v);
        }
        float sum = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            float e = MathF.Exp(x[i] - max);
            y[i] = e;
            sum += e;
        }
        float inv = 1f / sum;
        for (int i = 0; i < y.Length; i++)
        {
            y[i] *= inv;
        }
        return max + MathF.Log(sum);
    }

    /// <summary>dX += y * (dY - sum over the row of dY * y).</summary>
    /// <param name="dX">(N, F) input gradient, accumulated.</param>
    /// <param name="dY">(N, F) output gradient.</param>
    /// <param name="y">(N, F) the forward output.</param>
    /// <param name="n">Rows N.</param>
    /// <param name="features">Row length F.</param>
    public static void Backward(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> y, int n, int features)
    {
        Check.Length(dX.Length, (long)n * features, "Softmax.Backward", nameof(dX), "N*F");
        Check.Length(dY.Length, (long)n * features, "Softmax.Backward", nameof(dY), "N*F");
        Check.Length(y.Length, (long)n * features, "Softmax.Backward", nameof(y), "N*F");
        for (int row = 0; row < n; row++)
        {
            int o = row * features;
            float dot = 0f;
            for (int i = 0; i < features; i++)
            {
                dot += dY[o + i] * y[o + i];
            }
            for (int i = 0; i < features; i++)
            {
                dX[o + i] += y[o + i] * (dY[o + i] - dot);
            }
        }
    }
}

/// <summary>
/// Softmax followed by cross-entropy against integer class labels, fused so the gradient
/// is the stable (softmax - one-hot) / N instead of a division by a tiny probability.
/// </summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>
    /// Returns the mean over the batch of -log softmax(logits)[label], and writes
    /// dLogits = (softmax(logits) - onehot(label)) / N, overwriting it (it is the loss's
    /// gradient, the start of backward, so there is nothing to accumulate into).
    /// </summary>
    /// <param name="dLogits">(N, F) gradient of the mean loss.</param>
    /// <param name="logits">(N, F) scores.</param>
    /// <param name="labels">(N) class index of each sample, in [0, F).</param>
    /// <param name="n">Batch N.</param>
    /// <param name="classes">Classes F.</param>
    public static float ForwardBackward(Span<float> dLogits, ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int n, int classes)
    {
        const string kernel = "SoftmaxCrossEntropy.ForwardBackward";
        Check.Length(logits.Length, (long)n * classes, kernel, nameof(logits), "N*F");
        Check.Length(dLogits.Length, (long)n * classes, kernel, nameof(dLogits), "N*F");
        Check.Length(labels.Length, n, kernel, nameof(labels), "N");
        double total = 0;
        float scale = 1f / n;
        for (int row = 0; row < n; row++)
        {
            int label = labels[row];
            if ((uint)label >= (uint)classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels),
                    $"{kernel}: label {label} of sample {row} is outside [0, {classes}).");
            }
            var d = dLogits.Slice(row * classes, classes);
            var z = logits.Slice(row * classes, classes);
            float logSumExp = Softmax.ForwardRow(d, z);
            total += logSumExp - z[label];
            for (int i = 0; i < classes; i++)
            {
                d[i] *= scale;
            }
            d[label] -= scale;
        }
        return n == 0 ? 0f : (float)(total / n);
    }
}
