using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// Softmax over the last dimension of x (N, F), stable (the row maximum is subtracted before
/// exp), one warp per row: the lanes stride over the row's features and meet in warp shuffles
/// for the maximum and the sum. Backward needs y saved.
/// </summary>
public sealed partial class GpuActivations
{
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int> _softmaxForward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> _softmaxBackward;

    /// <summary>y[n, :] = exp(x[n, :] - max) / sum. Overwrites y; y may be x.</summary>
    /// <param name="y">(N, F) output.</param>
    /// <param name="x">(N, F) input.</param>
    /// <param name="rows">Rows N.</param>
    /// <param name="features">Row length F.</param>
    public void SoftmaxForward(ArrayView<float> y, ArrayView<float> x, int rows, int features)
    {
        const string kernel = "GpuActivations.SoftmaxForward";
        CheckRows(kernel, rows, features);
        OpsCheck.Length(x.Length, (long)rows * features, kernel, nameof(x), "N*F");
        OpsCheck.Length(y.Length, (long)rows * features, kernel, nameof(y), "N*F");
        OpsCheck.Elements(x.Length, kernel, nameof(x));
        _softmaxForward(_shape.WarpPerRow(rows), y, x, rows, features);
    }

    /// <summary>dX += y * (dY - sum over the row of dY * y).</summary>
    /// <param name="dX">(N, F) input gradient, accumulated.</param>
    /// <param name="dY">(N, F) output gradient.</param>
    /// <param name="y">(N, F) the forward output.</param>
    /// <param name="rows">Rows N.</param>
    /// <param name="features">Row length F.</param>
    public void SoftmaxBackward(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> y, int rows, int features)
    {
        const string kernel = "GpuActivations.SoftmaxBackward";
        CheckRows(kernel, rows, features);
        OpsCheck.Length(dX.Length, (long)rows * features, kernel, nameof(dX), "N*F");
        OpsCheck.Length(dY.Length, (long)rows * features, kernel, nameof(dY), "N*F");
        OpsCheck.Length(y.Length, (long)rows * features, kernel, nameof(y), "N*F");
        OpsCheck.Elements(y.Length, kernel, nameof(y));
        _softmaxBackward(_shape.WarpPerRow(rows), dX, dY, y, rows, features);
    }

    private static void CheckRows(string kernel, int rows, int features)
    {
        OpsCheck.NonNegative(rows, kernel, nameof(rows));
        OpsCheck.Positive(features, kernel, nameof(features));
    }

    private static void SoftmaxForwardKernel(ArrayView<float> y, ArrayView<float> x, int rows, int features)
    {
        int warps = Group.DimX / Warp.WarpSize;
        for (int row = Grid.IdxX * warps + Warp.WarpIdx; row < rows; row += Grid.DimX * warps)
        {
            int o = row * features;
            float max = float.NegativeInfinity;
            for (int i = Warp.LaneIdx; i < features; i += Warp.WarpSize)
                max = MathF.Max(max, x[o + i]);
            max = GpuWarp.Max(max);
            float sum = 0f;
            for (int i = Warp.LaneIdx; i < features; i += Warp.WarpSize)
                sum += MathF.Exp(x[o + i] - max);
            float inv = 1f / GpuWarp.Sum(sum);
            for (int i = Warp.LaneIdx; i < features; i += Warp.WarpSize)
                y[o + i] = MathF.Exp(x[o + i] - max) * inv;
        }
    }

    private static void SoftmaxBackwardKernel(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> y, int rows, int features)
    {
        int warps = Group.DimX / Warp.WarpSize;
        for (int row = Grid.IdxX * warps + Warp.WarpIdx; row < rows; row += Grid.DimX * warps)
        {
            int o = row * features;
            float dot = 0f;
            for (int i = Warp.LaneIdx; i < features; i += Warp.WarpSize)
                dot += dY[o + i] * y[o + i];
            dot = GpuWarp.Sum(dot);
            for (int i = Warp.LaneIdx; i < features; i += Warp.WarpSize)
                dX[o + i] += y[o + i] * (dY[o + i] - dot);
        }
    }
}
