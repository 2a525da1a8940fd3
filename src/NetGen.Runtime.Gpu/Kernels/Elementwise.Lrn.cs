using System;
using ILGPU;
using ILGPU.Runtime;

namespace NetGen.Gpu;

/// <summary>
/// Local response normalisation across channels (NetGen.Kernels.LocalResponseNorm's form),
/// channels-last x (M, C): y[c] = x[c] / (k + alpha * sum over the window of x^2)^beta, the window
/// [c - radius, c + radius] clipped at the ends. One thread per element; backward recomputes the
/// denominators it needs from x (nothing else saved):
/// dX[j] += dY[j] s[j]^-beta - 2 alpha beta x[j] * sum over c in window(j) of dY[c] x[c] s[c]^(-beta-1).
/// </summary>
public sealed partial class GpuElementwise
{
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int, float, float, float> _lrnForward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, float, float, float> _lrnBackward;

    /// <summary>y = x / (k + alpha * window sum of squares)^beta. Overwrites y (not overlapping x).</summary>
    /// <param name="y">(M, C) output.</param>
    /// <param name="x">(M, C) input.</param>
    /// <param name="rows">M = N * H * W.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="radius">Channels on each side in the window.</param>
    /// <param name="k">Additive bias.</param>
    /// <param name="alpha">Scale of the sum of squares.</param>
    /// <param name="beta">Exponent.</param>
    public void LrnForward(ArrayView<float> y, ArrayView<float> x, int rows, int c, int radius, float k, float alpha, float beta)
    {
        int total = CheckLrn("GpuElementwise.LrnForward", y, nameof(y), x, nameof(x), rows, c, radius);
        _lrnForward(_shape.GridStride(total), y, x, total, c, radius, k, alpha, beta);
    }

    /// <summary>dX += the gradient (formula in the class summary). Saved from forward: x.</summary>
    /// <param name="dX">(M, C) accumulated.</param>
    /// <param name="dY">(M, C) output gradient.</param>
    /// <param name="x">(M, C) the forward input.</param>
    /// <param name="rows">M.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="radius">As in forward.</param>
    /// <param name="k">As in forward.</param>
    /// <param name="alpha">As in forward.</param>
    /// <param name="beta">As in forward.</param>
    public void LrnBackward(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> x, int rows, int c, int radius, float k, float alpha, float beta)
    {
        const string kernel = "GpuElementwise.LrnBackward";
        int total = CheckLrn(kernel, dX, nameof(dX), x, nameof(x), rows, c, radius);
        OpsCheck.Length(dY.Length, total, kernel, nameof(dY), "M*C");
        _lrnBackward(_shape.GridStride(total), dX, dY, x, total, c, radius, k, alpha, beta);
    }

    private static int CheckLrn(string kernel, ArrayView<float> first, string firstName, ArrayView<float> x, string xName, int rows, int c, int radius)
    {
        OpsCheck.NonNegative(rows, kernel, nameof(rows));
        OpsCheck.Positive(c, kernel, nameof(c));
        OpsCheck.NonNegative(radius, kernel, nameof(radius));
        OpsCheck.Length(first.Length, (long)rows * c, kernel, firstName, "M*C");
        OpsCheck.Length(x.Length, (long)rows * c, kernel, xName, "M*C");
        return OpsCheck.Elements(x.Length, kernel, xName);
    }

    /// <summary>k + alpha * the sum of squares around channel <paramref name="ch"/> of the row starting at <paramref name="row"/>.</summary>
    private static float LrnBase(ArrayView<float> x, int row, int ch, int c, int radius, float k, float alpha)
    {
        float sum = 0f;
        int last = Math.Min(c - 1, ch + radius);
        for (int j = Math.Max(0, ch - radius); j <= last; j++)
            sum += x[row + j] * x[row + j];
        return k + alpha * sum;
    }

    private static void LrnForwardKernel(ArrayView<float> y, ArrayView<float> x, int total, int c, int radius, float k, float alpha, float beta)
    {
        for (int i = Grid.GlobalIndex.X; i < total; i += Grid.DimX * Group.DimX)
        {
            int ch = i % c;
            y[i] = x[i] * MathF.Pow(LrnBase(x, i - ch, ch, c, radius, k, alpha), -beta);
        }
    }

    private static void LrnBackwardKernel(ArrayView<float> dX, ArrayView<float> dY, ArrayView<float> x, int total, int c, int radius, float k, float alpha, float beta)
    {
        for (int i = Grid.GlobalIndex.X; i < total; i += Grid.DimX * Group.DimX)
        {
            int ch = i % c, row = i - ch;
            float sum = 0f;
            int last = Math.Min(c - 1, ch + radius);
            for (int j = Math.Max(0, ch - radius); j <= last; j++)
            {
                float s = LrnBase(x, row, j, c, radius, k, alpha);
                sum += dY[row + j] * x[row + j] * MathF.Pow(s, -beta) / s;
            }
            float own = MathF.Pow(LrnBase(x, row, ch, c, radius, k, alpha), -beta);
            dX[i] += dY[i] * own - 2f * alpha * beta * x[i] * sum;
        }
    }
}
