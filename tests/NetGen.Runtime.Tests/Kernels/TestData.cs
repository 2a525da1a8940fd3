namespace NetGen.Tests.Kernels;

/// <summary>Seeded random tensors and float/double conversions for kernel tests.</summary>
internal static class TestData
{
    /// <summary>Uniform values in [-scale, scale], never all zero.</summary>
    public static float[] Uniform(Random rng, int count, float scale = 1f)
    {
        var a = new float[count];
        for (int i = 0; i < count; i++)
        {
            a[i] = (float)((rng.NextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    public static double[] ToDouble(float[] a) => Array.ConvertAll(a, v => (double)v);

    /// <summary>(N, H, W, C) to (N, C, H, W), in float64.</summary>
    public static double[] NhwcToNchw(float[] a, int n, int c, int h, int w)
    {
        var r = new double[a.Length];
        for (int b = 0; b < n; b++)
            for (int ci = 0; ci < c; ci++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        r[((b * c + ci) * h + y) * w + x] = a[((b * h + y) * w + x) * c + ci];
        return r;
    }

    /// <summary>(N, C, H, W) to (N, H, W, C).</summary>
    public static double[] NchwToNhwc(double[] a, int n, int c, int h, int w)
    {
        var r = new double[a.Length];
        for (int b = 0; b < n; b++)
            for (int ci = 0; ci < c; ci++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        r[((b * h + y) * w + x) * c + ci] = a[((b * c + ci) * h + y) * w + x];
        return r;
    }

    public static double[] Add(float[] a, double[] b)
    {
        var r = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    public static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }
        return s;
    }
}

/// <summary>Central finite differences in float64.</summary>
internal static class Numeric
{
    /// <summary>d loss / d at[i] for every i, by (loss(at + h) - loss(at - h)) / 2h.</summary>
    public static double[] Gradient(Func<double[], double> loss, double[] at, double h = 1e-5)
    {
        var g = new double[at.Length];
        var probe = (double[])at.Clone();
        for (int i = 0; i < at.Length; i++)
        {
            probe[i] = at[i] + h;
            double up = loss(probe);
            probe[i] = at[i] - h;
            double down = loss(probe);
            probe[i] = at[i];
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }
}
