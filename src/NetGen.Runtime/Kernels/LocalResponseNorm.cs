using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    /// <param name="y">(M, C) output, not overlapping x (it holds the denominators on the way).</param>
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
            // y holds the denominators' bases first, then x times their -beta power.
            Denominators(yr, xr, radius, k, alpha);
            ScaleByPower(yr, xr, beta);
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
            Denominators(powered, xr, radius, k, alpha);
            PowerAndWeight(powered, weighted, dyr, xr, beta);
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

    /// <summary>s[i] = k + alpha * sum of x[j]^2 over the window around i, clipped at the ends.</summary>
    private static void Denominators(Span<float> s, ReadOnlySpan<float> xr, int radius, float k, float alpha)
    {
        int c = xr.Length;
        for (int i = 0; i < c; i++)
        {
            float sum = 0f;
            for (int j = Math.Max(0, i - radius); j <= Math.Min(c - 1, i + radius); j++)
            {
                sum += xr[j] * xr[j];
            }
            s[i] = k + alpha * sum;
        }
    }

    /// <summary>s[i] = x[i] * s[i]^-beta, in place over the denominators (vectorised: a power per element is the cost).</summary>
    private static void ScaleByPower(Span<float> s, ReadOnlySpan<float> xr, float beta)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vs = MemoryMarshal.Cast<float, Vector<float>>(s);
            var vx = MemoryMarshal.Cast<float, Vector<float>>(xr);
            for (int v = 0; v < vs.Length; v++)
            {
                vs[v] = vx[v] * Power(vs[v], beta);
            }
            i = vs.Length * Vector<float>.Count;
        }
        for (; i < s.Length; i++)
        {
            s[i] = xr[i] * MathF.Pow(s[i], -beta);
        }
    }

    /// <summary>From the denominators s: powered[i] = s^-beta (in place of s) and weighted[i] = dY x s^(-beta-1).</summary>
    private static void PowerAndWeight(Span<float> powered, Span<float> weighted, ReadOnlySpan<float> dyr, ReadOnlySpan<float> xr, float beta)
    {
        int c = xr.Length, i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vp = MemoryMarshal.Cast<float, Vector<float>>(powered[..c]);
            var vw = MemoryMarshal.Cast<float, Vector<float>>(weighted[..c]);
            var vdy = MemoryMarshal.Cast<float, Vector<float>>(dyr);
            var vx = MemoryMarshal.Cast<float, Vector<float>>(xr);
            for (int v = 0; v < vp.Length; v++)
            {
                var s = vp[v];
                var p = Power(s, beta);
                vp[v] = p;
                vw[v] = vdy[v] * vx[v] * p / s;
            }
            i = vp.Length * Vector<float>.Count;
        }
        for (; i < c; i++)
        {
            float s = powered[i];
            powered[i] = MathF.Pow(s, -beta);
            weighted[i] = dyr[i] * xr[i] * powered[i] / s;
        }
    }

    /// <summary>s^-beta for s &gt; 0 (k &gt; 0, alpha &gt;= 0); AlexNet's 0.75 exactly through square roots.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Power(Vector<float> s, float beta)
    {
        if (beta == 0.75f)
        {
            var root = Vector.SquareRoot(s);
            return Vector<float>.One / (root * Vector.SquareRoot(root));
        }
        return Vector.Exp(Vector.Log(s) * -beta);
    }
}
