using NetGen.Kernels;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Naive float64 references in PyTorch's NCHW layout, written from the definitions and
/// independent of the kernels (no packing, no channels-last, no blocking).
/// </summary>
internal static class Reference
{
    public static double Act(double x, Activation kind, double alpha) => kind switch
    {
        Activation.ReLU => Math.Max(0, x),
        Activation.LeakyReLU => x > 0 ? x : alpha * x,
        Activation.ELU => x > 0 ? x : alpha * (Math.Exp(x) - 1),
        Activation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        Activation.Tanh => Math.Tanh(x),
        Activation.ReLU6 => Math.Min(Math.Max(x, 0), 6),
        Activation.HardSigmoid => Math.Min(Math.Max(x + 3, 0), 6) / 6,
        Activation.HardSwish => x * Math.Min(Math.Max(x + 3, 0), 6) / 6,
        Activation.SiLU => x / (1 + Math.Exp(-x)),
        Activation.GELU => x * Phi(x),
        Activation.GELUTanh => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
        Activation.Mish => x * Math.Tanh(Math.Log(1 + Math.Exp(x))),
        _ => x,
    };

    /// <summary>The standard normal CDF, erfc(-x / sqrt 2) / 2, in float64.</summary>
    public static double Phi(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>erf in float64: the all-positive series e^-x^2 2/sqrt(pi) sum 2^n x^(2n+1) / (2n+1)!!.</summary>
    public static double Erf(double x)
    {
        if (x < 0) return -Erf(-x);
        if (x > 3) return 1 - Erfc(x);
        double term = x, sum = x;
        for (int n = 1; n < 200 && term > 1e-18 * sum; n++)
        {
            term *= 2 * x * x / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x) * sum;
    }

    /// <summary>erfc in float64: 1 - erf below 3, Laplace's continued fraction above (no cancellation in the tail).</summary>
    public static double Erfc(double x)
    {
        if (x < 3) return 1 - Erf(x);
        double f = x;
        for (int k = 120; k >= 1; k--) f = x + k / 2.0 / f;
        return Math.Exp(-x * x) / (Math.Sqrt(Math.PI) * f);
    }

    /// <summary>y (N, K, P, Q) from x (N, C, H, W), w (K, C/G, R, S), b (K) or null.</summary>
    public static double[] Conv2D(double[] x, double[] w, double[]? b, Conv2DDims d, Activation act = Activation.None, double alpha = 0)
    {
        int cg = d.C / d.Groups, kg = d.K / d.Groups;
        var y = new double[d.N * d.K * d.P * d.Q];
        for (int n = 0; n < d.N; n++)
            for (int k = 0; k < d.K; k++)
            {
                int g = k / kg;
                for (int p = 0; p < d.P; p++)
                    for (int q = 0; q < d.Q; q++)
                    {
                        double sum = b == null ? 0 : b[k];
                        for (int c = 0; c < cg; c++)
                            for (int r = 0; r < d.R; r++)
                                for (int s = 0; s < d.S; s++)
                                {
                                    int ih = p * d.StrideH - d.PadTop + r * d.DilationH;
                                    int iw = q * d.StrideW - d.PadLeft + s * d.DilationW;
                                    if (ih < 0 || ih >= d.H || iw < 0 || iw >= d.W) continue;
                                    sum += x[((n * d.C + g * cg + c) * d.H + ih) * d.W + iw] * w[((k * cg + c) * d.R + r) * d.S + s];
                                }
                        y[((n * d.K + k) * d.P + p) * d.Q + q] = Act(sum, act, alpha);
                    }
            }
        return y;
    }

    /// <summary>y (N, K) from x (N, C), w (K, C), b (K) or null.</summary>
    public static double[] Dense(double[] x, double[] w, double[]? b, DenseDims d, Activation act = Activation.None, double alpha = 0)
    {
        var y = new double[d.N * d.K];
        for (int n = 0; n < d.N; n++)
            for (int k = 0; k < d.K; k++)
            {
                double sum = b == null ? 0 : b[k];
                for (int c = 0; c < d.C; c++)
                    sum += x[n * d.C + c] * w[k * d.C + c];
                y[n * d.K + k] = Act(sum, act, alpha);
            }
        return y;
    }

    /// <summary>Max (or average when <paramref name="average"/>) pooling, NCHW; padding taps ignored (max) or counted per <paramref name="countPad"/>.</summary>
    public static double[] Pool(double[] x, PoolDims d, bool average = false, bool countPad = false)
    {
        var y = new double[d.N * d.C * d.P * d.Q];
        for (int n = 0; n < d.N; n++)
            for (int c = 0; c < d.C; c++)
                for (int p = 0; p < d.P; p++)
                    for (int q = 0; q < d.Q; q++)
                    {
                        double m = double.NegativeInfinity, sum = 0;
                        int taps = 0, padded = 0;
                        for (int r = 0; r < d.R; r++)
                            for (int s = 0; s < d.S; s++)
                            {
                                int ih = p * d.StrideH - d.PadTop + r, iw = q * d.StrideW - d.PadLeft + s;
                                if (ih < d.H + d.PadBottom && iw < d.W + d.PadRight) padded++;
                                if (ih < 0 || ih >= d.H || iw < 0 || iw >= d.W) continue;
                                double v = x[((n * d.C + c) * d.H + ih) * d.W + iw];
                                m = Math.Max(m, v);
                                sum += v;
                                taps++;
                            }
                        y[((n * d.C + c) * d.P + p) * d.Q + q] = average ? sum / (countPad ? padded : taps) : m;
                    }
        return y;
    }
}
