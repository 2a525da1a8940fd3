using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// Batch normalisation on the device over the channels of a channels-last x (M, C), M = N * H * W,
/// with NetGen.Kernels.BatchNorm's semantics: training normalises with the batch mean and biased
/// variance, saves the mean and 1 / sqrt(var + eps), and moves the running statistics as PyTorch
/// does (momentum, unbiased variance); inference uses the running statistics. The per-channel
/// sums are <see cref="GpuReduce"/>'s column sums (coalesced tiles, warp shuffles, a fixed order),
/// two passes as on the CPU (the mean, then squared deviations from it) so a large batch keeps
/// its variance; a one-thread-per-channel launch finishes each. An empty gamma is a scale of 1
/// and an empty beta a shift of 0 (a batch norm declared with scale: false or center: false,
/// as on the CPU); the backward then writes no gradient for the one it lacks.
/// </summary>
public sealed class GpuBatchNorm
{
    private readonly LaunchShape _shape;
    private readonly GpuReduce _reduce;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int> _mean;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float, float> _statistics;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _affine;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float> _inference;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int> _gradientCoefficients;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _inputGradient;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float> _inferenceGradient;

    private GpuBatchNorm(GpuDevice device)
    {
        _shape = new LaunchShape(device);
        _reduce = GpuReduce.On(device);
        var a = device.Accelerator;
        _mean = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int>(MeanKernel);
        _statistics = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float, float>(StatisticsKernel);
        _affine = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(AffineKernel);
        _inference = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float>(InferenceKernel);
        _gradientCoefficients = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(GradientCoefficientsKernel);
        _inputGradient = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(InputGradientKernel);
        _inferenceGradient = a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float>(InferenceGradientKernel);
    }

    /// <summary>The batch norm kernels on <paramref name="device"/>, loaded once.</summary>
    public static GpuBatchNorm On(GpuDevice device) => device.Kernels(static d => new GpuBatchNorm(d));

    /// <summary>Scratch floats <see cref="ForwardTraining"/> needs: the row splits' sums (splits, C) and a scale and shift (C each).</summary>
    public long ForwardWorkspaceFloats(int rows, int c) => ((long)_reduce.Splits(rows) + 2) * c;

    /// <summary>Scratch floats <see cref="Backward"/> needs: two (splits, C) sums and three coefficients (C each).</summary>
    public long BackwardWorkspaceFloats(int rows, int c) => (2L * _reduce.Splits(rows) + 3) * c;

    /// <summary>y = gamma * (x - mean) / sqrt(var + eps) + beta with batch statistics. Overwrites y, savedMean, savedInvStd; moves the running statistics.</summary>
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
    public void ForwardTraining(
        ArrayView<float> y, ArrayView<float> savedMean, ArrayView<float> savedInvStd, ArrayView<float> runningMean, ArrayView<float> runningVar,
        ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta, ArrayView<float> workspace,
        int rows, int c, float epsilon, float momentum)
    {
        const string kernel = "GpuBatchNorm.ForwardTraining";
        CheckTensors(kernel, rows, c, y, nameof(y), x, nameof(x));
        PerChannel(kernel, c, savedMean, nameof(savedMean));
        PerChannel(kernel, c, savedInvStd, nameof(savedInvStd));
        PerChannel(kernel, c, runningMean, nameof(runningMean));
        PerChannel(kernel, c, runningVar, nameof(runningVar));
        CheckAffine(kernel, c, gamma, beta);
        OpsCheck.AtLeast(workspace.Length, ForwardWorkspaceFloats(rows, c), kernel, nameof(workspace), "(splits+2)*C");
        if (rows < 2)
            throw new ArgumentException($"{kernel}: training needs at least 2 values per channel to estimate a variance, got M = {rows}.", nameof(rows));
        int splits = _reduce.Splits(rows);
        var partial = workspace.SubView(0, (long)splits * c);
        var scale = workspace.SubView((long)splits * c, c);
        var shift = workspace.SubView((long)(splits + 1) * c, c);
        _reduce.ColumnSums(GpuReduce.ColumnSum.Plain, partial, partial, x, x, x, rows, c);
        _mean(_shape.GridStride(c), savedMean, partial, splits, rows, c);
        _reduce.ColumnSums(GpuReduce.ColumnSum.SquaredDeviation, partial, partial, x, x, savedMean, rows, c);
        _statistics(_shape.GridStride(c), savedInvStd, runningMean, runningVar, scale, shift, partial, savedMean, gamma, beta, splits, rows, c, epsilon, momentum);
        _affine(_shape.GridStride((long)rows * c), y, x, scale, shift, rows * c, c);
    }

    /// <summary>y = gamma * (x - runningMean) / sqrt(runningVar + eps) + beta. Overwrites y.</summary>
    /// <param name="y">(M, C) output.</param>
    /// <param name="x">(M, C) input.</param>
    /// <param name="gamma">(C) scale, or empty (1).</param>
    /// <param name="beta">(C) shift, or empty (0).</param>
    /// <param name="runningMean">(C) mean.</param>
    /// <param name="runningVar">(C) variance.</param>
    /// <param name="rows">M.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="epsilon">Added to the variance.</param>
    public void ForwardInference(ArrayView<float> y, ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> runningMean, ArrayView<float> runningVar, int rows, int c, float epsilon)
    {
        const string kernel = "GpuBatchNorm.ForwardInference";
        CheckTensors(kernel, rows, c, y, nameof(y), x, nameof(x));
        CheckAffine(kernel, c, gamma, beta);
        PerChannel(kernel, c, runningMean, nameof(runningMean));
        PerChannel(kernel, c, runningVar, nameof(runningVar));
        _inference(_shape.GridStride((long)rows * c), y, x, gamma, beta, runningMean, runningVar, rows * c, c, epsilon);
    }

    /// <summary>
    /// Training backward. Saved from forward: x, savedMean, savedInvStd. dX, dGamma and dBeta accumulate:
    /// dX += gamma * invstd / M * (M * dY - sum dY - xhat * sum(dY * xhat)), xhat = (x - mean) * invstd.
    /// </summary>
    /// <param name="dX">(M, C) input gradient, accumulated; empty when the input needs none (only dGamma and dBeta).</param>
    /// <param name="dGamma">(C) accumulated, or empty (none written); must be empty when gamma is.</param>
    /// <param name="dBeta">(C) accumulated, or empty (none written).</param>
    /// <param name="dY">(M, C) output gradient.</param>
    /// <param name="x">(M, C) the forward input.</param>
    /// <param name="gamma">(C) scale, or empty (1).</param>
    /// <param name="savedMean">(C) from forward.</param>
    /// <param name="savedInvStd">(C) from forward.</param>
    /// <param name="workspace">At least <see cref="BackwardWorkspaceFloats"/> floats.</param>
    /// <param name="rows">M.</param>
    /// <param name="c">Channels C.</param>
    public void Backward(
        ArrayView<float> dX, ArrayView<float> dGamma, ArrayView<float> dBeta, ArrayView<float> dY, ArrayView<float> x,
        ArrayView<float> gamma, ArrayView<float> savedMean, ArrayView<float> savedInvStd, ArrayView<float> workspace, int rows, int c)
    {
        const string kernel = "GpuBatchNorm.Backward";
        CheckTensors(kernel, rows, c, dY, nameof(dY), x, nameof(x));
        if (dX.Length != 0)
            OpsCheck.Length(dX.Length, (long)rows * c, kernel, nameof(dX), "M*C");
        CheckAffine(kernel, c, gamma, default);
        CheckAffineGradients(kernel, c, dGamma, dBeta, gamma);
        PerChannel(kernel, c, savedMean, nameof(savedMean));
        PerChannel(kernel, c, savedInvStd, nameof(savedInvStd));
        OpsCheck.AtLeast(workspace.Length, BackwardWorkspaceFloats(rows, c), kernel, nameof(workspace), "(2*splits+3)*C");
        int splits = _reduce.Splits(rows);
        long block = (long)splits * c;
        var sumDy = workspace.SubView(0, block);
        var sumDyCentered = workspace.SubView(block, block);
        var a = workspace.SubView(2 * block, c);
        var k1 = workspace.SubView(2 * block + c, c);
        var k0 = workspace.SubView(2 * block + 2 * c, c);
        _reduce.ColumnSums(GpuReduce.ColumnSum.Gradient, sumDy, sumDyCentered, dY, x, savedMean, rows, c);
        _gradientCoefficients(_shape.GridStride(c), dGamma, dBeta, a, k1, k0, sumDy, sumDyCentered, gamma, savedMean, savedInvStd, splits, rows, c);
        if (dX.Length != 0)
            _inputGradient(_shape.GridStride((long)rows * c), dX, dY, x, a, k1, k0, rows * c, c);
    }

    /// <summary>
    /// Backward of <see cref="ForwardInference"/> (a frozen batch norm): dX += dY * gamma / sqrt(runningVar + eps). Saved from forward: nothing.
    /// </summary>
    /// <param name="dX">(M, C) input gradient, accumulated.</param>
    /// <param name="dY">(M, C) output gradient.</param>
    /// <param name="gamma">(C) scale, or empty (1).</param>
    /// <param name="runningVar">(C) variance.</param>
    /// <param name="rows">M.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="epsilon">Added to the variance.</param>
    public void BackwardInference(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> gamma, ArrayView<float> runningVar, int rows, int c, float epsilon)
    {
        const string kernel = "GpuBatchNorm.BackwardInference";
        CheckTensors(kernel, rows, c, dX, nameof(dX), dY, nameof(dY));
        CheckAffine(kernel, c, gamma, default);
        PerChannel(kernel, c, runningVar, nameof(runningVar));
        _inferenceGradient(_shape.GridStride((long)rows * c), dX, dY, gamma, runningVar, rows * c, c, epsilon);
    }

    private static void CheckTensors(string kernel, int rows, int c, ArrayView<float> first, string firstName, ArrayView<float> second, string secondName)
    {
        OpsCheck.Positive(rows, kernel, nameof(rows));
        OpsCheck.Positive(c, kernel, nameof(c));
        OpsCheck.Elements((long)rows * c, kernel, "M*C");
        OpsCheck.Length(first.Length, (long)rows * c, kernel, firstName, "M*C");
        OpsCheck.Length(second.Length, (long)rows * c, kernel, secondName, "M*C");
    }

    private static void PerChannel(string kernel, int c, ArrayView<float> v, string name) =>
        OpsCheck.Length(v.Length, c, kernel, name, "C");

    /// <summary>gamma and beta: C each, or empty (no scale, no shift).</summary>
    private static void CheckAffine(string kernel, int c, ArrayView<float> gamma, ArrayView<float> beta)
    {
        if (gamma.Length != 0) OpsCheck.Length(gamma.Length, c, kernel, nameof(gamma), "C (or empty: no scale)");
        if (beta.Length != 0) OpsCheck.Length(beta.Length, c, kernel, nameof(beta), "C (or empty: no shift)");
    }

    /// <summary>dGamma and dBeta: C each, or empty; dGamma without gamma is refused.</summary>
    private static void CheckAffineGradients(string kernel, int c, ArrayView<float> dGamma, ArrayView<float> dBeta, ArrayView<float> gamma)
    {
        if (dGamma.Length != 0) OpsCheck.Length(dGamma.Length, c, kernel, nameof(dGamma), "C (or empty: no scale)");
        if (dBeta.Length != 0) OpsCheck.Length(dBeta.Length, c, kernel, nameof(dBeta), "C (or empty: no shift)");
        if (dGamma.Length != 0 && gamma.Length == 0)
            throw new ArgumentException($"{kernel}: dGamma was given for a batch norm without scale (gamma is empty).", nameof(dGamma));
    }

    /// <summary>gamma[k], or 1 for a batch norm without scale (empty gamma).</summary>
    private static float Gamma(ArrayView<float> gamma, int k) => gamma.Length == 0 ? 1f : gamma[k];

    /// <summary>beta[k], or 0 for a batch norm without shift (empty beta).</summary>
    private static float Beta(ArrayView<float> beta, int k) => beta.Length == 0 ? 0f : beta[k];

    private static float SplitSum(ArrayView<float> partial, int splits, int c, int k)
    {
        float sum = 0f;
        for (int s = 0; s < splits; s++)
            sum += partial[s * c + k];
        return sum;
    }

    private static void MeanKernel(ArrayView<float> mean, ArrayView<float> partial, int splits, int rows, int c)
    {
        for (int k = Grid.GlobalIndex.X; k < c; k += Grid.DimX * Group.DimX)
            mean[k] = SplitSum(partial, splits, c, k) * (1f / rows);
    }

    private static void StatisticsKernel(ArrayView<float> invStd, ArrayView<float> runningMean, ArrayView<float> runningVar,
        ArrayView<float> scale, ArrayView<float> shift, ArrayView<float> partial, ArrayView<float> mean,
        ArrayView<float> gamma, ArrayView<float> beta, int splits, int rows, int c, float epsilon, float momentum)
    {
        for (int k = Grid.GlobalIndex.X; k < c; k += Grid.DimX * Group.DimX)
        {
            float sumSq = SplitSum(partial, splits, c, k);
            float inv = 1f / MathF.Sqrt(sumSq / rows + epsilon);
            invStd[k] = inv;
            runningMean[k] = (1f - momentum) * runningMean[k] + momentum * mean[k];
            runningVar[k] = (1f - momentum) * runningVar[k] + momentum * (sumSq / (rows - 1));
            float s = Gamma(gamma, k) * inv;
            scale[k] = s;
            shift[k] = Beta(beta, k) - mean[k] * s;
        }
    }

    private static void AffineKernel(ArrayView<float> y, ArrayView<float> x, ArrayView<float> scale, ArrayView<float> shift, int n, int c)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            int k = i % c;
            y[i] = x[i] * scale[k] + shift[k];
        }
    }

    private static void InferenceKernel(ArrayView<float> y, ArrayView<float> x, ArrayView<float> gamma, ArrayView<float> beta,
        ArrayView<float> mean, ArrayView<float> variance, int n, int c, float epsilon)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            int k = i % c;
            float scale = Gamma(gamma, k) / MathF.Sqrt(variance[k] + epsilon);
            float shift = Beta(beta, k) - mean[k] * scale;
            y[i] = x[i] * scale + shift;
        }
    }

    /// <summary>dBeta += sum dY, dGamma += sum dY xhat (each when given), and dX's per-channel a, k1, k0 (dX += a dY + k1 x + k0, k0 holding -k1 mean).</summary>
    private static void GradientCoefficientsKernel(ArrayView<float> dGamma, ArrayView<float> dBeta, ArrayView<float> a, ArrayView<float> k1, ArrayView<float> k0,
        ArrayView<float> sumDyPartial, ArrayView<float> sumDyCenteredPartial, ArrayView<float> gamma, ArrayView<float> mean, ArrayView<float> invStd,
        int splits, int rows, int c)
    {
        for (int k = Grid.GlobalIndex.X; k < c; k += Grid.DimX * Group.DimX)
        {
            float sumDy = SplitSum(sumDyPartial, splits, c, k);
            float inv = invStd[k];
            float sumDyXhat = SplitSum(sumDyCenteredPartial, splits, c, k) * inv;
            if (dBeta.Length != 0)
                dBeta[k] += sumDy;
            if (dGamma.Length != 0)
                dGamma[k] += sumDyXhat;
            float invRows = 1f / rows;
            float ak = Gamma(gamma, k) * inv;
            float k1k = -ak * sumDyXhat * inv * invRows;
            a[k] = ak;
            k1[k] = k1k;
            k0[k] = -ak * sumDy * invRows - k1k * mean[k];
        }
    }

    /// <summary>dX += a dY, then += k1 x, then += k0: the CPU's order of the three additions.</summary>
    private static void InputGradientKernel(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> x,
        ArrayView<float> a, ArrayView<float> k1, ArrayView<float> k0, int n, int c)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            int k = i % c;
            float d = dX[i] + dY[i] * a[k];
            d += x[i] * k1[k];
            dX[i] = d + k0[k];
        }
    }

    private static void InferenceGradientKernel(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> gamma, ArrayView<float> variance, int n, int c, float epsilon)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            int k = i % c;
            dX[i] += dY[i] * (Gamma(gamma, k) / MathF.Sqrt(variance[k] + epsilon));
        }
    }
}
