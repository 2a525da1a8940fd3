using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace NetGen.Kernels;

/// <summary>
/// Batch normalisation over the channels of a channels-last tensor x (M, C), where
/// M = N * H * W rows (or N for a vector). Training normalises with the batch's mean and
/// biased variance, saves mean and 1/sqrt(var + eps) for backward, and moves the running
/// statistics as PyTorch does: running = (1 - momentum) * running + momentum * batch, with the
/// unbiased variance. Inference uses the running statistics, or folds them into the
/// preceding Conv2D/Dense with <see cref="FoldIntoPreceding"/>. Sums run per 64-row chunk
/// then into the total, so a large batch does not lose the mean in float rounding.
/// An empty gamma is a scale of 1 and an empty beta a shift of 0 (Keras's
/// BatchNormalization(scale=False, center=False)); their gradients are then passed empty too.
/// </summary>
public static partial class BatchNorm
{
    private const int Chunk = 64;

    /// <summary>Scratch floats <see cref="ForwardTraining"/> needs: 2 * C.</summary>
    public static int ForwardWorkspaceFloats(int c) => 2 * c;

    /// <summary>Scratch floats <see cref="Backward"/> needs: 3 * C.</summary>
    public static int BackwardWorkspaceFloats(int c) => 3 * c;

    /// <summary>y = gamma * (x - mean) / sqrt(var + eps) + beta with batch statistics. Overwrites y, savedMean, savedInvStd.</summary>
    /// <param name="y">(M, C) output.</param>
    /// <param name="savedMean">(C) batch mean, for backward.</param>
    /// <param name="savedInvStd">(C) 1 / sqrt(biased batch variance + eps), for backward.</param>
    /// <param name="runningMean">(C) updated in place.</param>
    /// <param name="runningVar">(C) updated in place with the unbiased variance.</param>
    /// <param name="x">(M, C) input.</param>
    /// <param name="gamma">(C) scale, or empty (1).</param>
    /// <param name="beta">(C) shift, or empty (0).</param>
    /// <param name="workspace">At least <see cref="ForwardWorkspaceFloats"/> floats.</param>
    /// <param name="rows">M = N * H * W, at least 2.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="momentum">Weight of the batch statistics in the running ones.</param>
    public static void ForwardTraining(
        Span<float> y, Span<float> savedMean, Span<float> savedInvStd, Span<float> runningMean, Span<float> runningVar,
        ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> workspace,
        int rows, int c, float epsilon, float momentum)
    {
        const string kernel = "BatchNorm.ForwardTraining";
        Check.Length(y.Length, (long)rows * c, kernel, nameof(y), "M*C");
        Check.Length(x.Length, (long)rows * c, kernel, nameof(x), "M*C");
        Check.Length(savedMean.Length, c, kernel, nameof(savedMean), "C");
        Check.Length(savedInvStd.Length, c, kernel, nameof(savedInvStd), "C");
        Check.Length(runningMean.Length, c, kernel, nameof(runningMean), "C");
        Check.Length(runningVar.Length, c, kernel, nameof(runningVar), "C");
        CheckAffine(kernel, gamma, beta, c);
        Check.AtLeast(workspace.Length, ForwardWorkspaceFloats(c), kernel, nameof(workspace), "2*C");
        if (!(rows >= 2))
        {
            throw Check.Failure(kernel, $"training needs at least 2 values per channel to estimate a variance, got M = {rows}.");
        }
        var partial = workspace[..c];
        var shift = workspace.Slice(c, c);

        ChunkedSum(savedMean, partial, x, x, default, rows, c, SumKind.Plain);
        Reduce.Scale(savedMean, 1f / rows);
        ChunkedSum(savedInvStd, partial, x, x, savedMean, rows, c, SumKind.SquaredDeviation);
        for (int i = 0; i < c; i++)
        {
            float sumSq = savedInvStd[i];
            savedInvStd[i] = 1f / MathF.Sqrt(sumSq / rows + epsilon);
            runningMean[i] = (1f - momentum) * runningMean[i] + momentum * savedMean[i];
            runningVar[i] = (1f - momentum) * runningVar[i] + momentum * (sumSq / (rows - 1));
            partial[i] = Gamma(gamma, i) * savedInvStd[i];
            shift[i] = Beta(beta, i) - savedMean[i] * partial[i];
        }
        for (int row = 0; row < rows; row++)
        {
            Affine(y.Slice(row * c, c), x.Slice(row * c, c), partial, shift);
        }
    }

    /// <summary>y = gamma * (x - runningMean) / sqrt(runningVar + eps) + beta. Overwrites y.</summary>
    /// <param name="y">(M, C) output.</param>
    /// <param name="x">(M, C) input.</param>
    /// <param name="gamma">(C) scale, or empty (1).</param>
    /// <param name="beta">(C) shift, or empty (0).</param>
    /// <param name="runningMean">(C) mean.</param>
    /// <param name="runningVar">(C) variance.</param>
    /// <param name="workspace">At least <see cref="ForwardWorkspaceFloats"/> floats.</param>
    /// <param name="rows">M.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="epsilon">Added to the variance.</param>
    public static void ForwardInference(
        Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, Span<float> workspace, int rows, int c, float epsilon)
    {
        const string kernel = "BatchNorm.ForwardInference";
        Check.Length(y.Length, (long)rows * c, kernel, nameof(y), "M*C");
        Check.Length(x.Length, (long)rows * c, kernel, nameof(x), "M*C");
        CheckAffine(kernel, gamma, beta, c);
        Check.Length(runningMean.Length, c, kernel, nameof(runningMean), "C");
        Check.Length(runningVar.Length, c, kernel, nameof(runningVar), "C");
        Check.AtLeast(workspace.Length, ForwardWorkspaceFloats(c), kernel, nameof(workspace), "2*C");
        var scale = workspace[..c];
        var shift = workspace.Slice(c, c);
        for (int i = 0; i < c; i++)
        {
            scale[i] = Gamma(gamma, i) / MathF.Sqrt(runningVar[i] + epsilon);
            shift[i] = Beta(beta, i) - runningMean[i] * scale[i];
        }
        for (int row = 0; row < rows; row++)
        {
            Affine(y.Slice(row * c, c), x.Slice(row * c, c), scale, shift);
        }
    }

    /// <summary>
    /// Training backward. Saved from forward: x, savedMean, savedInvStd. dX, dGamma and dBeta accumulate.
    /// dX += gamma * invstd / M * (M * dY - sum dY - xhat * sum(dY * xhat)), xhat = (x - mean) * invstd.
    /// </summary>
    /// <param name="dX">(M, C) input gradient, accumulated; empty when the input needs none (only dGamma and dBeta are computed).</param>
    /// <param name="dGamma">(C) accumulated; empty for a batch norm without scale.</param>
    /// <param name="dBeta">(C) accumulated; empty for a batch norm without shift.</param>
    /// <param name="dY">(M, C) output gradient.</param>
    /// <param name="x">(M, C) the forward input.</param>
    /// <param name="gamma">(C) scale, or empty (1).</param>
    /// <param name="savedMean">(C) from forward.</param>
    /// <param name="savedInvStd">(C) from forward.</param>
    /// <param name="workspace">At least <see cref="BackwardWorkspaceFloats"/> floats.</param>
    /// <param name="rows">M.</param>
    /// <param name="c">Channels C.</param>
    public static void Backward(
        Span<float> dX, Span<float> dGamma, Span<float> dBeta, ReadOnlySpan<float> dY, ReadOnlySpan<float> x,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd,
        Span<float> workspace, int rows, int c)
    {
        const string kernel = "BatchNorm.Backward";
        if (!dX.IsEmpty) Check.Length(dX.Length, (long)rows * c, kernel, nameof(dX), "M*C");
        Check.Length(dY.Length, (long)rows * c, kernel, nameof(dY), "M*C");
        Check.Length(x.Length, (long)rows * c, kernel, nameof(x), "M*C");
        CheckAffineGradients(kernel, dGamma, dBeta, gamma, c);
        Check.Length(savedMean.Length, c, kernel, nameof(savedMean), "C");
        Check.Length(savedInvStd.Length, c, kernel, nameof(savedInvStd), "C");
        Check.AtLeast(workspace.Length, BackwardWorkspaceFloats(c), kernel, nameof(workspace), "3*C");
        var sumDy = workspace[..c];
        var sumDyCentered = workspace.Slice(c, c);
        var partial = workspace.Slice(2 * c, c);
        ChunkedSum(sumDy, partial, dY, dY, default, rows, c, SumKind.Plain);
        ChunkedSum(sumDyCentered, partial, dY, x, savedMean, rows, c, SumKind.ProductWithDeviation);
        // dX += a * dY + k1 * x + k0, with per-channel a, k1, k0 (stored over partial, sumDyCentered, sumDy).
        float invRows = 1f / rows;
        for (int i = 0; i < c; i++)
        {
            float invStd = savedInvStd[i];
            float sumDyXhat = sumDyCentered[i] * invStd;
            if (!dBeta.IsEmpty) dBeta[i] += sumDy[i];
            if (!dGamma.IsEmpty) dGamma[i] += sumDyXhat;
            float a = Gamma(gamma, i) * invStd;
            float k1 = -a * sumDyXhat * invStd * invRows;
            float k0 = -a * sumDy[i] * invRows - k1 * savedMean[i];
            partial[i] = a;
            sumDyCentered[i] = k1;
            sumDy[i] = k0;
        }
        if (dX.IsEmpty) return;
        for (int row = 0; row < rows; row++)
        {
            var dxr = dX.Slice(row * c, c);
            Reduce.AddProductInto(dxr, dY.Slice(row * c, c), partial);
            Reduce.AddProductInto(dxr, x.Slice(row * c, c), sumDyCentered);
            Reduce.AddInto(dxr, sumDy);
        }
    }

    /// <summary>
    /// Backward of <see cref="ForwardInference"/> (a frozen batch norm, which trains with its running
    /// statistics as constants): dX += dY * gamma / sqrt(runningVar + eps). Saved from forward: nothing.
    /// </summary>
    /// <param name="dX">(M, C) input gradient, accumulated.</param>
    /// <param name="dY">(M, C) output gradient.</param>
    /// <param name="gamma">(C) scale, or empty (1).</param>
    /// <param name="runningVar">(C) variance.</param>
    /// <param name="workspace">At least C floats.</param>
    /// <param name="rows">M.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="epsilon">Added to the variance.</param>
    public static void BackwardInference(
        Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> gamma, ReadOnlySpan<float> runningVar,
        Span<float> workspace, int rows, int c, float epsilon)
    {
        const string kernel = "BatchNorm.BackwardInference";
        Check.Length(dX.Length, (long)rows * c, kernel, nameof(dX), "M*C");
        Check.Length(dY.Length, (long)rows * c, kernel, nameof(dY), "M*C");
        CheckAffine(kernel, gamma, default, c);
        Check.Length(runningVar.Length, c, kernel, nameof(runningVar), "C");
        Check.AtLeast(workspace.Length, c, kernel, nameof(workspace), "C");
        var scale = workspace[..c];
        for (int i = 0; i < c; i++)
        {
            scale[i] = Gamma(gamma, i) / MathF.Sqrt(runningVar[i] + epsilon);
        }
        for (int row = 0; row < rows; row++)
        {
            Reduce.AddProductInto(dX.Slice(row * c, c), dY.Slice(row * c, c), scale);
        }
    }

    /// <summary>
    /// Folds inference batch norm into the layer before it (Conv2D canonical (K, C/G, R, S) or
    /// Dense (K, C) weights), in place: w[k] *= gamma[k] / sqrt(var[k] + eps),
    /// b[k] = (b[k] - mean[k]) * that + beta[k]. Start bias at zeros if the layer had none.
    /// </summary>
    /// <param name="weights">(K, ...) weights, row k scaled in place.</param>
    /// <param name="bias">(K) bias, replaced.</param>
    /// <param name="gamma">(K) batch norm scale, or empty (1).</param>
    /// <param name="beta">(K) batch norm shift, or empty (0).</param>
    /// <param name="runningMean">(K) mean.</param>
    /// <param name="runningVar">(K) variance.</param>
    /// <param name="epsilon">Added to the variance.</param>
    public static void FoldIntoPreceding(
        Span<float> weights, Span<float> bias, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, float epsilon)
    {
        const string kernel = "BatchNorm.FoldIntoPreceding";
        int k = bias.Length;
        CheckAffine(kernel, gamma, beta, k);
        Check.Length(runningMean.Length, k, kernel, nameof(runningMean), "K");
        Check.Length(runningVar.Length, k, kernel, nameof(runningVar), "K");
        if (!(k > 0 && weights.Length % k == 0))
        {
            throw Check.Failure(kernel, $"weights ({weights.Length} floats) must be K = {k} rows of equal length.");
        }
        int perRow = weights.Length / k;
        for (int i = 0; i < k; i++)
        {
            float scale = Gamma(gamma, i) / MathF.Sqrt(runningVar[i] + epsilon);
            Reduce.Scale(weights.Slice(i * perRow, perRow), scale);
            bias[i] = (bias[i] - runningMean[i]) * scale + Beta(beta, i);
        }
    }

    /// <summary>gamma[i], or 1 for a batch norm without scale (empty gamma).</summary>
    internal static float Gamma(ReadOnlySpan<float> gamma, int i) => gamma.IsEmpty ? 1f : gamma[i];

    /// <summary>beta[i], or 0 for a batch norm without shift (empty beta).</summary>
    internal static float Beta(ReadOnlySpan<float> beta, int i) => beta.IsEmpty ? 0f : beta[i];

    /// <summary>gamma and beta: C each, or empty (no scale, no shift).</summary>
    internal static void CheckAffine(string kernel, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, int c)
    {
        if (!gamma.IsEmpty) Check.Length(gamma.Length, c, kernel, nameof(gamma), "C (or empty: no scale)");
        if (!beta.IsEmpty) Check.Length(beta.Length, c, kernel, nameof(beta), "C (or empty: no shift)");
    }

    /// <summary>gamma, dGamma and dBeta: C each, or empty; dGamma without gamma is refused.</summary>
    internal static void CheckAffineGradients(string kernel, Span<float> dGamma, Span<float> dBeta, ReadOnlySpan<float> gamma, int c)
    {
        CheckAffine(kernel, gamma, default, c);
        if (!dGamma.IsEmpty) Check.Length(dGamma.Length, c, kernel, nameof(dGamma), "C (or empty: no scale)");
        if (!dBeta.IsEmpty) Check.Length(dBeta.Length, c, kernel, nameof(dBeta), "C (or empty: no shift)");
        if (!dGamma.IsEmpty && gamma.IsEmpty)
        {
            throw Check.Failure(kernel, "dGamma was given for a batch norm without scale (gamma is empty).");
        }
    }

    private enum SumKind
    {
        Plain,                // sum a
        SquaredDeviation,     // sum (a - mean)^2
        ProductWithDeviation, // sum a * (b - mean)
    }

    /// <summary>total (C) = the chosen per-channel sum over rows, 64 rows at a time into partial.</summary>
    private static void ChunkedSum(
        Span<float> total, Span<float> partial, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> mean,
        int rows, int c, SumKind kind)
    {
        total.Clear();
        for (int start = 0; start < rows; start += Chunk)
        {
            partial.Clear();
            int end = Math.Min(rows, start + Chunk);
            for (int row = start; row < end; row++)
            {
                var ar = a.Slice(row * c, c);
                switch (kind)
                {
                    case SumKind.Plain:
                        Reduce.AddInto(partial, ar);
                        break;
                    case SumKind.SquaredDeviation:
                        AddDeviationProduct(partial, ar, ar, mean);
                        break;
                    default:
                        AddDeviationProduct(partial, ar, b.Slice(row * c, c), mean);
                        break;
                }
            }
            Reduce.AddInto(total, partial);
        }
    }

    /// <summary>acc[i] += (a[i] - mean[i]) * (b[i] - mean[i]) when a is b; acc[i] += a[i] * (b[i] - mean[i]) otherwise.</summary>
    private static void AddDeviationProduct(Span<float> acc, ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> mean)
    {
        bool squared = a == b;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var accV = MemoryMarshal.Cast<float, Vector<float>>(acc);
            var aV = MemoryMarshal.Cast<float, Vector<float>>(a);
            var bV = MemoryMarshal.Cast<float, Vector<float>>(b);
            var mV = MemoryMarshal.Cast<float, Vector<float>>(mean);
            for (int v = 0; v < accV.Length; v++)
            {
                var dev = bV[v] - mV[v];
                accV[v] = Vector.FusedMultiplyAdd(squared ? dev : aV[v], dev, accV[v]);
            }
            i = accV.Length * Vector<float>.Count;
        }
        for (; i < acc.Length; i++)
        {
            float dev = b[i] - mean[i];
            acc[i] += (squared ? dev : a[i]) * dev;
        }
    }

    /// <summary>y[i] = x[i] * scale[i] + shift[i].</summary>
    private static void Affine(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var yV = MemoryMarshal.Cast<float, Vector<float>>(y);
            var xV = MemoryMarshal.Cast<float, Vector<float>>(x);
            var sV = MemoryMarshal.Cast<float, Vector<float>>(scale);
            var tV = MemoryMarshal.Cast<float, Vector<float>>(shift);
            for (int v = 0; v < yV.Length; v++)
            {
                yV[v] = Vector.FusedMultiplyAdd(xV[v], sV[v], tV[v]);
            }
            i = yV.Length * Vector<float>.Count;
        }
        for (; i < y.Length; i++)
        {
            y[i] = x[i] * scale[i] + shift[i];
        }
    }
}
