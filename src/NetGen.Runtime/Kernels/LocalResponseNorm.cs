using System;

namespace NetGen.Kernels;

/// <summary>
/// Local response normalisation across channels (AlexNet), channels-last x (M, C):
/// y[c] = x[c] / (k + alpha * sum over c' in [c - radius, c + radius] of x[c']^2)^beta,
/// the window clipped at the ends. This is TensorFlow's form; PyTorch's LocalResponseNorm(size,
/// alpha, beta, k) is radius = (size - 1) / 2 and alpha / size for odd size. Backward
/// recomputes the denominators from x (nothing else saved); dX accumulates:
/// dX[j] += dY[j] s[j]^-beta - 2 alpha beta x[j] * sum over c in window(j) of dY[c] x[c] s[c]^(-beta-1).
/// </summary>
public static class LocalResponseNorm
{
    /// <summary>Scratch floats <see cref="Backward"/> needs: 2 * C.</summary>
    public static int BackwardWorkspaceFloats(int c) => 2 * c;

    /// <summary>y = x / (k + alpha * window sum of squares)^beta. Overwrites y.</summary>
    /// <param name="y">(M, C) output.</param>
    /// <param name="x">(M, C) input.</param>
    /// <param name="rows">M = N * H * W.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="radius">Channels on each side in the window.</param>
    /// <param name="k">Additive bias.</param>
    /// <param name="alpha">Scale of the sum of squares.</param>
    /// <param name="beta">Exponent.</param>
    public static void Forward(Span<float> y, ReadOnlySpan<float> x, int rows, int c, int radius, float k, float alpha, float beta)
    {
        Check.Length(y.Length, (long)rows * c, "LocalResponseNorm.Forward", nameof(y), "M*C");
        Check.Length(x.Length, (long)rows * c, "LocalResponseNorm.Forward", nameof(x), "M*C");
        Check.NonNegative(radius, "LocalResponseNorm.Forward", nameof(radius));
        for (int m = 0; m < rows; m++)
        {
            var xr = x.Slice(m * c, c);
            var yr = y.Slice(m * c, c);
            for (int i = 0; i < c; i++)
            {
                yr[i] = xr[i] * MathF.Pow(Denominator(xr, i, radius, k, alpha), -beta);
            }
        }
    }

    /// <summary>dX += the gradient (formula in the type's summary).</summary>
    /// <param name="dX">(M, C) accumulated.</param>
    /// <param name="dY">(M, C) output gradient.</param>
    /// <param name="x">(M, C) the forward input.</param>
    /// <param name="workspace">At least <see cref="BackwardWorkspaceFloats"/> floats.</param>
    /// <param name="rows">M.</param>
    /// <param name="c">Channels C.</param>
    /// <param name="radius">As in forward.</param>
    /// <param name="k">As in forward.</param>
    /// <param name="alpha">As in forward.</param>
    /// <param name="beta">As in forward.</param>
    public static void Backward(
        Span<float> dX, ReadOnlySpan<float> dY, ReadOnlySpan<float> x, Span<float> workspace,
        int rows, int c, int radius, float k, float alpha, float beta)
    {
        const string kernel = "LocalResponseNorm.Backward";
        Check.Length(dX.Length, (long)rows * c, kernel, nameof(dX), "M*C");
        Check.Length(dY.Length, (long)rows * c, kernel, nameof(dY), "M*C");
        Check.Length(x.Length, (long)rows * c, kernel, nameof(x), "M*C");
        Check.AtLeast(workspace.Length, BackwardWorkspaceFloats(c), kernel, nameof(workspace), "2*C");
        var powered = workspace[..c];   // s^-beta
        var weighted = workspace.Slice(c, c); // dY x s^(-beta-1)
        for (int m = 0; m < rows; m++)
        {
            var xr = x.Slice(m * c, c);
            var dyr = dY.Slice(m * c, c);
            var dxr = dX.Slice(m * c, c);
            for (int i = 0; i < c; i++)
            {
                float s = Denominator(xr, i, radius, k, alpha);
                powered[i] = MathF.Pow(s, -beta);
                weighted[i] = dyr[i] * xr[i] * powered[i] / s;
            }
            for (int j = 0; j < c; j++)
            {
                float sum = 0f;
                for (int i = Math.Max(0, j - radius); i <= Math.Min(c - 1, j + radius); i++)
                {
                    sum += weighted[i];
                }
                dxr[j] += dyr[j] * powered[j] - 2f * alpha * beta * xr[j] * sum;
            }
        }
    }

    private static float Denominator(ReadOnlySpan<float> xr, int i, int radius, float k, float alpha)
    {
        float sum = 0f;
        for (int j = Math.Max(0, i - radius); j <= Math.Min(xr.Length - 1, i + radius); j++)
        {
            sum += xr[j] * xr[j];
        }
        return k + alpha * sum;
    }
}
