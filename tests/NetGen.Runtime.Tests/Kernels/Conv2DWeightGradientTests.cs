using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Conv2D.BackwardWeights on batches larger than one of its cache chunks of images:
/// layers too big for finite differences, against a direct float64 sum.
/// </summary>
public class Conv2DWeightGradientTests
{
    public static TheoryData<string, Conv2DDims> Cases() => new()
    {
        // 52.6 KB per image: chunks of 2 images, the last one partial (N = 7).
        { "MNIST conv2, N=7", Conv2DDims.Create(7, 13, 13, 32, 64, 3, 3) },
        // Padding, stride 2, K not a multiple of 16: chunks of 3 images (N = 8).
        { "pad 1 stride 2, C=24, K=40, N=8", Conv2DDims.Create(8, 20, 20, 24, 40, 3, 3, 2, 2, 1, 1, 1, 1) },
        // A gradient too big for the stacked copy (96 x 64 x 3 x 3 > 48 Ki floats), scattered
        // into dW after each chunk: 15.4 KB per image, chunks of 8 images (N = 10).
        { "C=64, K=96, scattered, N=10", Conv2DDims.Create(10, 6, 6, 64, 96, 3, 3) },
        // Two groups of 32 output channels: each group's two blocks summed as a pair (512-bit lanes).
        { "groups 2, C=24, K=64, pad 1, N=5", Conv2DDims.Create(5, 9, 9, 24, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2) },
        // The tap-tiled path (C = 1) on a whole MNIST batch.
        { "MNIST conv1, N=64", Conv2DDims.Create(64, 28, 28, 1, 32, 3, 3) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Weight_gradient_matches_a_float64_direct_sum(string name, Conv2DDims d)
    {
        var rng = new Random(name.Length);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var dY = TestData.Uniform(rng, d.N * d.P * d.Q * d.K);
        var dW0 = TestData.Uniform(rng, d.K * d.GroupC * d.R * d.S);
        var dW = (float[])dW0.Clone();
        Conv2D.BackwardWeights(dW, dY, x, d);
        // Each element sums up to 43,264 float32 products of magnitude ~0.3 whose partial sums reach
        // ~100, so float32 rounding alone reaches a few 1e-4 absolute; a wrong index or a chunk
        // summed twice or skipped moves elements by O(1).
        TensorAssert.Close(TestData.Add(dW0, DirectWeightGradient(x, dY, d)), dW, 1e-4, 2e-3, "dW");
    }

    /// <summary>dW[k, c, r, s] = sum over n, p, q of dY[n, p, q, k] x[n, p sh - pt + r dh, q sw - pl + s dw, g C/G + c], channels-last tensors.</summary>
    private static double[] DirectWeightGradient(float[] x, float[] dY, Conv2DDims d)
    {
        int cg = d.GroupC, kg = d.GroupK;
        var dW = new double[d.K * cg * d.R * d.S];
        for (int k = 0; k < d.K; k++)
        {
            int g = k / kg;
            for (int c = 0; c < cg; c++)
            for (int r = 0; r < d.R; r++)
            for (int s = 0; s < d.S; s++)
            {
                double sum = 0;
                for (int n = 0; n < d.N; n++)
                for (int p = 0; p < d.P; p++)
                for (int q = 0; q < d.Q; q++)
                {
                    int ih = p * d.StrideH - d.PadTop + r * d.DilationH, iw = q * d.StrideW - d.PadLeft + s * d.DilationW;
                    if (ih < 0 || ih >= d.H || iw < 0 || iw >= d.W) continue;
                    sum += (double)dY[((n * d.P + p) * d.Q + q) * d.K + k] * x[((n * d.H + ih) * d.W + iw) * d.C + g * cg + c];
                }
                dW[((k * cg + c) * d.R + r) * d.S + s] = sum;
            }
        }
        return dW;
    }
}
