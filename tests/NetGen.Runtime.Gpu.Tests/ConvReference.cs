using NetGen.Kernels;

namespace NetGen.Gpu.Tests;

/// <summary>The naive float64 convolution and its gradients (canonical (K, C/G, R, S) weights, channels-last tensors).</summary>
internal static class ConvReference
{
    /// <summary>Calls <paramref name="tap"/>(y index, x index, w index) for every multiply of the convolution.</summary>
    private static void ForEachTap(in Conv2DDims d, Action<int, int, int> tap)
    {
        int cg = d.GroupC, kg = d.GroupK;
        for (int n = 0; n < d.N; n++)
        for (int p = 0; p < d.P; p++)
        for (int q = 0; q < d.Q; q++)
        for (int k = 0; k < d.K; k++)
        {
            int g = k / kg;
            for (int c = 0; c < cg; c++)
            for (int r = 0; r < d.R; r++)
            for (int s = 0; s < d.S; s++)
            {
                int h = p * d.StrideH - d.PadTop + r * d.DilationH, w = q * d.StrideW - d.PadLeft + s * d.DilationW;
                if (h < 0 || h >= d.H || w < 0 || w >= d.W) continue;
                tap(((n * d.P + p) * d.Q + q) * d.K + k, ((n * d.H + h) * d.W + w) * d.C + g * cg + c, ((k * cg + c) * d.R + r) * d.S + s);
            }
        }
    }

    public static double[] Forward(float[] x, float[] w, float[]? bias, float[]? residual, Activation activation, in Conv2DDims d)
    {
        var y = new double[d.N * d.P * d.Q * d.K];
        ForEachTap(d, (yi, xi, wi) => y[yi] += (double)x[xi] * w[wi]);
        for (int i = 0; i < y.Length; i++)
        {
            double v = y[i] + (bias?[i % d.K] ?? 0) + (residual?[i] ?? 0);
            y[i] = activation switch
            {
                Activation.ReLU => Math.Max(v, 0),
                Activation.Sigmoid => 1 / (1 + Math.Exp(-v)),
                Activation.None => v,
                _ => throw new ArgumentOutOfRangeException(nameof(activation)),
            };
        }
        return y;
    }

    /// <summary>dX, dW and dB after adding the gradients of dY to the given starting values.</summary>
    public static (double[] dX, double[] dW, double[] dB) Backward(float[] x, float[] w, float[] dY, float[] dX0, float[] dW0, float[] dB0, in Conv2DDims d)
    {
        var dX = dX0.Select(v => (double)v).ToArray();
        var dW = dW0.Select(v => (double)v).ToArray();
        var dB = dB0.Select(v => (double)v).ToArray();
        ForEachTap(d, (yi, xi, wi) =>
        {
            dX[xi] += (double)dY[yi] * w[wi];
            dW[wi] += (double)dY[yi] * x[xi];
        });
        for (int i = 0; i < dY.Length; i++) dB[i % d.K] += dY[i];
        return (dX, dW, dB);
    }
}
