using System;

namespace NetGen.Kernels;

/// <summary>
/// Batch normalisation over a batch that runs as sample slices (a worker each): every slice
/// reduces its own rows, one combine on the calling thread turns the slices' partials into the
/// batch's figures in slice order, and every slice then applies them to its rows. The combine
/// depends only on the slices' partials, never on which thread made them, so the result is the
/// same with or without a pool. Slices split the batch as SampleSlices does: slice k holds
/// samples [k x N / slices, (k + 1) x N / slices), each sample <c>pixels</c> rows of C; a slice of
/// no samples writes nothing and the combines skip it.
/// <list type="number">
/// <item>Forward: <see cref="SliceMoments"/> per slice (its mean and M2, two-pass),
/// <see cref="CombineMoments"/> (Chan et al.'s pairwise update, in float64), <see cref="Normalize"/> per slice.</item>
/// <item>Backward: <see cref="BackwardSliceSums"/> per slice (sum dY, sum dY (x - mean)),
/// <see cref="CombineBackward"/> (dGamma, dBeta and dX's per-channel coefficients), <see cref="BackwardApply"/> per slice.</item>
/// </list>
/// </summary>
public static partial class BatchNorm
{
    /// <summary>Floats of the partials of one slice: 2 x C (forward mean and M2, or backward's two sums).</summary>
    public static int SlicePartialFloats(int c) => 2 * c;

    /// <summary>The slice's own mean and M2 = sum (x - its mean)^2 per channel. Overwrites moments.</summary>
    /// <param name="moments">(2, C): mean, then M2.</param>
    /// <param name="x">(M, C) the slice's input.</param>
    /// <param name="workspace">At least C floats.</param>
    /// <param name="rows">M of the slice, at least 1.</param>
    /// <param name="c">Channels C.</param>
    public static void SliceMoments(Span<float> moments, ReadOnlySpan<float> x, Span<float> workspace, int rows, int c)
    {
        const string kernel = "BatchNorm.SliceMoments";
        Check.Length(moments.Length, 2L * c, kernel, nameof(moments), "2*C");
        Check.Length(x.Length, (long)rows * c, kernel, nameof(x), "M*C");
        Check.AtLeast(workspace.Length, c, kernel, nameof(workspace), "C");
        if (!(rows >= 1)) throw Check.Failure(kernel, $"a slice needs at least one row, got M = {rows}.");
        var mean = moments[..c];
        var partial = workspace[..c];
        ChunkedSum(mean, partial, x, x, default, rows, c, SumKind.Plain);
        Reduce.Scale(mean, 1f / rows);
        ChunkedSum(moments.Slice(c, c), partial, x, x, mean, rows, c, SumKind.SquaredDeviation);
    }

    /// <summary>
    /// The batch's statistics from the slices' moments, combined in slice order: saves mean and
    /// 1/sqrt(biased variance + eps) for backward, writes the affine scale = gamma x invstd and
    /// shift = beta - mean x scale that <see cref="Normalize"/> applies, and moves the running
    /// statistics once (PyTorch's momentum, unbiased variance).
    /// </summary>
    /// <param name="savedMean">(C) batch mean.</param>
    /// <param name="savedInvStd">(C) 1 / sqrt(biased batch variance + eps).</param>
    /// <param name="scale">(C) gamma x invstd.</param>
    /// <param name="shift">(C) beta - mean x scale.</param>
    /// <param name="runningMean">(C) updated in place.</param>
    /// <param name="runningVar">(C) updated in place with the unbiased variance.</param>
    /// <param name="moments">(slices, 2, C): each slice's <see cref="SliceMoments"/>.</param>
    /// <param name="gamma">(C) scale, or empty (1).</param>
    /// <param name="beta">(C) shift, or empty (0).</param>
    /// <param name="samples">N, the batch.</param>
    /// <param name="slices">Slices of the batch.</param>
    /// <param name="pixels">Rows per sample (H x W, or 1 for a vector).</param>
    /// <param name="c">Channels C.</param>
    /// <param name="epsilon">Added to the variance.</param>
    /// <param name="momentum">Weight of the batch statistics in the running ones.</param>
    public static void CombineMoments(
        Span<float> savedMean, Span<float> savedInvStd, Span<float> scale, Span<float> shift,
        Span<float> runningMean, Span<float> runningVar, ReadOnlySpan<float> moments,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, int samples, int slices, int pixels, int c,
        float epsilon, float momentum)
    {
        const string kernel = "BatchNorm.CombineMoments";
        CheckSlices(kernel, samples, slices, pixels, c, moments.Length, nameof(moments));
        Check.Length(savedMean.Length, c, kernel, nameof(savedMean), "C");
        Check.Length(savedInvStd.Length, c, kernel, nameof(savedInvStd), "C");
        Check.Length(scale.Length, c, kernel, nameof(scale), "C");
        Check.Length(shift.Length, c, kernel, nameof(shift), "C");
        Check.Length(runningMean.Length, c, kernel, nameof(runningMean), "C");
        Check.Length(runningVar.Length, c, kernel, nameof(runningVar), "C");
        CheckAffine(kernel, gamma, beta, c);
        long rows = (long)samples * pixels;
        if (!(rows >= 2))
        {
            throw Check.Failure(kernel, $"training needs at least 2 values per channel to estimate a variance, got M = {rows}.");
        }
        for (int i = 0; i < c; i++)
        {
            double count = 0, mean = 0, m2 = 0;
            for (int k = 0; k < slices; k++)
            {
                long sliceRows = SliceRows(k, samples, slices, pixels);
                if (sliceRows == 0) continue;
                double sliceMean = moments[k * 2 * c + i], sliceM2 = moments[k * 2 * c + c + i];
                double total = count + sliceRows;
                double delta = sliceMean - mean;
                mean += delta * sliceRows / total;
                m2 += sliceM2 + delta * delta * count * sliceRows / total;
                count = total;
            }
            float batchMean = (float)mean;
            float invStd = 1f / MathF.Sqrt((float)(m2 / rows) + epsilon);
            savedMean[i] = batchMean;
            savedInvStd[i] = invStd;
            runningMean[i] = (1f - momentum) * runningMean[i] + momentum * batchMean;
            runningVar[i] = (1f - momentum) * runningVar[i] + momentum * (float)(m2 / (rows - 1));
            scale[i] = Gamma(gamma, i) * invStd;
            shift[i] = Beta(beta, i) - batchMean * scale[i];
        }
    }

    /// <summary>y = x x scale + shift per channel (the affine <see cref="CombineMoments"/> wrote). Overwrites y.</summary>
    /// <param name="y">(M, C) output.</param>
    /// <param name="x">(M, C) input.</param>
    /// <param name="scale">(C) gamma x invstd.</param>
    /// <param name="shift">(C) beta - mean x scale.</param>
    /// <param name="rows">M.</param>
    /// <param name="c">Channels C.</param>
    public static void Normalize(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift, int rows, int c)
    {
        const string kernel = "BatchNorm.Normalize";
        Check.Length(y.Length, (long)rows * c, kernel, nameof(y), "M*C");
        Check.Length(x.Length, (long)rows * c, kernel, nameof(x), "M*C");
        Check.Length(scale.Length, c, kernel, nameof(scale), "C");
        Check.Length(shift.Length, c, kernel, nameof(shift), "C");
        for (int row = 0; row < rows; row++)
        {
            Affine(y.Slice(row * c, c), x.Slice(row * c, c), scale, shift);
        }
    }

    /// <summary>The slice's sum dY and sum dY (x - batch mean) per channel. Overwrites sums. Saved from forward: x, savedMean.</summary>
    /// <param name="sums">(2, C): sum dY, then sum dY (x - mean).</param>
    /// <param name="dY">(M, C) the slice's output gradient.</param>
    /// <param name="x">(M, C) the slice's forward input.</param>
    /// <param name="savedMean">(C) the batch mean.</param>
    /// <param name="workspace">At least C floats.</param>
    /// <param name="rows">M of the slice.</param>
    /// <param name="c">Channels C.</param>
    public static void BackwardSliceSums(Span<float> sums, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, ReadOnlySpan<float> savedMean,
        Span<float> workspace, int rows, int c)
    {
        const string kernel = "BatchNorm.BackwardSliceSums";
        Check.Length(sums.Length, 2L * c, kernel, nameof(sums), "2*C");
        Check.Length(dY.Length, (long)rows * c, kernel, nameof(dY), "M*C");
        Check.Length(x.Length, (long)rows * c, kernel, nameof(x), "M*C");
        Check.Length(savedMean.Length, c, kernel, nameof(savedMean), "C");
        Check.AtLeast(workspace.Length, c, kernel, nameof(workspace), "C");
        var partial = workspace[..c];
        ChunkedSum(sums[..c], partial, dY, dY, default, rows, c, SumKind.Plain);
        ChunkedSum(sums.Slice(c, c), partial, dY, x, savedMean, rows, c, SumKind.ProductWithDeviation);
    }

    /// <summary>
    /// The slices' backward sums added in slice order: dBeta += sum dY, dGamma += sum dY xhat, and
    /// the coefficients of dX = a dY + k1 x + k0 (a = gamma invstd, k1 = -a invstd sum(dY xhat) / M,
    /// k0 = -a sum(dY) / M - k1 mean) that <see cref="BackwardApply"/> applies.
    /// </summary>
    /// <param name="coefficients">(3, C): a, k1, k0.</param>
    /// <param name="dGamma">(C) accumulated; empty for a batch norm without scale.</param>
    /// <param name="dBeta">(C) accumulated; empty for a batch norm without shift.</param>
    /// <param name="sums">(slices, 2, C): each slice's <see cref="BackwardSliceSums"/>.</param>
    /// <param name="gamma">(C) scale, or empty (1).</param>
    /// <param name="savedMean">(C) from forward.</param>
    /// <param name="savedInvStd">(C) from forward.</param>
    /// <param name="samples">N, the batch.</param>
    /// <param name="slices">Slices of the batch.</param>
    /// <param name="pixels">Rows per sample.</param>
    /// <param name="c">Channels C.</param>
    public static void CombineBackward(Span<float> coefficients, Span<float> dGamma, Span<float> dBeta, ReadOnlySpan<float> sums,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> savedMean, ReadOnlySpan<float> savedInvStd, int samples, int slices, int pixels, int c)
    {
        const string kernel = "BatchNorm.CombineBackward";
        CheckSlices(kernel, samples, slices, pixels, c, sums.Length, nameof(sums));
        Check.Length(coefficients.Length, 3L * c, kernel, nameof(coefficients), "3*C");
        CheckAffineGradients(kernel, dGamma, dBeta, gamma, c);
        Check.Length(savedMean.Length, c, kernel, nameof(savedMean), "C");
        Check.Length(savedInvStd.Length, c, kernel, nameof(savedInvStd), "C");
        float invRows = 1f / ((long)samples * pixels);
        for (int i = 0; i < c; i++)
        {
            float sumDy = 0, sumDyCentered = 0;
            for (int k = 0; k < slices; k++)
            {
                if (SliceRows(k, samples, slices, pixels) == 0) continue;
                sumDy += sums[k * 2 * c + i];
                sumDyCentered += sums[k * 2 * c + c + i];
            }
            float invStd = savedInvStd[i];
            float sumDyXhat = sumDyCentered * invStd;
            if (!dBeta.IsEmpty) dBeta[i] += sumDy;
            if (!dGamma.IsEmpty) dGamma[i] += sumDyXhat;
            float a = Gamma(gamma, i) * invStd;
            float k1 = -a * sumDyXhat * invStd * invRows;
            coefficients[i] = a;
            coefficients[c + i] = k1;
            coefficients[2 * c + i] = -a * sumDy * invRows - k1 * savedMean[i];
        }
    }

    /// <summary>dX += a dY + k1 x + k0 per channel, the coefficients <see cref="CombineBackward"/> wrote.</summary>
    /// <param name="dX">(M, C) the slice's input gradient, accumulated.</param>
    /// <param name="dY">(M, C) the slice's output gradient.</param>
    /// <param name="x">(M, C) the slice's forward input.</param>
    /// <param name="coefficients">(3, C): a, k1, k0.</param>
    /// <param name="rows">M of the slice.</param>
    /// <param name="c">Channels C.</param>
    public static void BackwardApply(Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, ReadOnlySpan<float> coefficients, int rows, int c)
    {
        const string kernel = "BatchNorm.BackwardApply";
        Check.Length(dX.Length, (long)rows * c, kernel, nameof(dX), "M*C");
        Check.Length(dY.Length, (long)rows * c, kernel, nameof(dY), "M*C");
        Check.Length(x.Length, (long)rows * c, kernel, nameof(x), "M*C");
        Check.Length(coefficients.Length, 3L * c, kernel, nameof(coefficients), "3*C");
        var a = coefficients[..c];
        var k1 = coefficients.Slice(c, c);
        var k0 = coefficients.Slice(2 * c, c);
        for (int row = 0; row < rows; row++)
        {
            var dxr = dX.Slice(row * c, c);
            Reduce.AddProductInto(dxr, dY.Slice(row * c, c), a);
            Reduce.AddProductInto(dxr, x.Slice(row * c, c), k1);
            Reduce.AddInto(dxr, k0);
        }
    }

    /// <summary>Rows of slice k: its samples x pixels.</summary>
    private static long SliceRows(int k, int samples, int slices, int pixels) =>
        ((long)(k + 1) * samples / slices - (long)k * samples / slices) * pixels;

    private static void CheckSlices(string kernel, int samples, int slices, int pixels, int c, int partials, string name)
    {
        if (!(samples >= 1 && slices >= 1 && pixels >= 1 && c >= 1))
        {
            throw Check.Failure(kernel, $"samples, slices, pixels and channels must be at least 1, got {samples}, {slices}, {pixels}, {c}.");
        }
        Check.Length(partials, (long)slices * 2 * c, kernel, name, "slices*2*C");
    }
}
