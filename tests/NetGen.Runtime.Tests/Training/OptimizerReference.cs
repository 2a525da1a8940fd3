namespace NetGen.Runtime.Tests.Training;

/// <summary>
/// The PyTorch update rules written out plainly in float64, as the reference the float32
/// optimizers are checked against. Gradients are the same float32 values both receive.
/// </summary>
internal static class OptimizerReference
{
    public static void SgdStep(double[] p, double[] buf, float[] g, int step,
        double lr, double momentum, double dampening, double weightDecay, bool nesterov)
    {
        for (int i = 0; i < p.Length; i++)
        {
            double d = g[i] + weightDecay * p[i];
            if (momentum != 0)
            {
                buf[i] = step == 1 ? d : momentum * buf[i] + (1 - dampening) * d;
                d = nesterov ? d + momentum * buf[i] : buf[i];
            }

            p[i] -= lr * d;
        }
    }

    public static void AdamStep(double[] p, double[] m, double[] v, float[] g, int step,
        double lr, double beta1, double beta2, double eps, double weightDecay, bool decoupled)
    {
        for (int i = 0; i < p.Length; i++)
        {
            if (decoupled)
            {
                p[i] *= 1 - lr * weightDecay;
            }

            double d = decoupled ? g[i] : g[i] + weightDecay * p[i];
            m[i] = beta1 * m[i] + (1 - beta1) * d;
            v[i] = beta2 * v[i] + (1 - beta2) * d * d;
            double mHat = m[i] / (1 - Math.Pow(beta1, step));
            double vHat = v[i] / (1 - Math.Pow(beta2, step));
            p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
        }
    }

    /// <summary>Deterministic test gradients for step t: a mix of signs and magnitudes.</summary>
    public static float[] Gradient(int length, int t)
    {
        var g = new float[length];
        for (int i = 0; i < length; i++)
        {
            g[i] = (float)(Math.Sin(1.7 * i + 0.9 * t) * Math.Pow(10, (i % 5) - 3));
        }

        return g;
    }

    public static float[] Initial(int length)
    {
        var p = new float[length];
        for (int i = 0; i < length; i++)
        {
            p[i] = (float)Math.Cos(0.37 * i);
        }

        return p;
    }

    /// <summary>Asserts |actual - expected| &lt;= atol + rtol |expected| everywhere, naming the worst element.</summary>
    public static void AssertClose(double[] expected, ReadOnlySpan<float> actual, double rtol = 2e-6, double atol = 1e-7)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double excess = Math.Abs(actual[i] - expected[i]) - (atol + rtol * Math.Abs(expected[i]));
            if (excess > worst)
            {
                worst = excess;
                at = i;
            }
        }

        Xunit.Assert.True(at < 0, at < 0 ? "" : $"element {at}: expected {expected[at]:R}, got {actual[at]:R}");
    }
}
