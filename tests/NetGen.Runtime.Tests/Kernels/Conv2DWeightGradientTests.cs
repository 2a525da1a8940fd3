using System.Numerics.Tensors;
using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// Conv2D.BackwardWeights on batches larger than one of its cache chunks of images (layers too
/// big for finite differences) against a direct float64 sum, and its wide register tiles on small
/// layers against finite differences.
/// </summary>
public class Conv2DWeightGradientTests
{
    /// <summary>A layer, and whether it takes the wide tiles (Conv2D.BackwardWeightsWide.cs) on 512-bit lanes.</summary>
    public static TheoryData<string, Conv2DDims, bool> Cases() => new()
    {
        // 52.6 KB per image: 48 tiles of 64 channels x 6 combinations, chunks of 9 images, the
        // last one partial (N = 11).
        { "MNIST conv2, N=11", Conv2DDims.Create(11, 13, 13, 32, 64, 3, 3), true },
        // 8.7 KB per image: one chunk (N = 32).
        { "MNIST conv3, N=32", Conv2DDims.Create(32, 5, 5, 64, 64, 3, 3), true },
        // 32 output channels: 32 x 9 tiles only, one per pass (C = 1); 89.6 KB per image, chunks of 5
        // images, the last one partial (N = 64).
        { "MNIST conv1, N=64", Conv2DDims.Create(64, 28, 28, 1, 32, 3, 3), true },
        // Padding, stride 2, K not a multiple of 16: channel tiles, chunks of 3 images (N = 8).
        { "pad 1 stride 2, C=24, K=40, N=8", Conv2DDims.Create(8, 20, 20, 24, 40, 3, 3, 2, 2, 1, 1, 1, 1), false },
        // A gradient too big for the stacked copy (96 x 64 x 3 x 3 > 48 Ki floats): summed in two
        // parts, the 64- and the 32-channel block, each over the whole batch in chunks of 33 images
        // (15.4 KB per image, N = 40).
        { "C=64, K=96, in parts, N=40", Conv2DDims.Create(40, 6, 6, 64, 96, 3, 3), true },
        // Parts of 85 input channels (85 x 9 x 64 floats fit the stacked copy): [0, 85), [85, 170),
        // [170, 192) per group; padded, so the border strips are cut by channel range too.
        { "groups 2, C/G=192, K/G=64, pad 1, in parts, N=3", Conv2DDims.Create(3, 5, 5, 384, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2), true },
        // Two groups of 32 output channels, padded: 32 x 9 tiles of one tap's channels, each over
        // the output pixels whose tap lies inside the input.
        { "groups 2, C=24, K=64, pad 1, N=5", Conv2DDims.Create(5, 9, 9, 24, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2), true },
        // 40 output channels per group: each group's first two blocks summed as a pair
        // (BackwardWeightsPair), then a partial one.
        { "groups 2, C=24, K=80, pad 1, N=5", Conv2DDims.Create(5, 9, 9, 24, 80, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2), false },
        // DigitSegNet's first and second layers: 16 output channels, 'same' padding (16 x 12 tiles).
        { "C=1, K=16, pad 1, 64x64, N=3", Conv2DDims.Create(3, 64, 64, 1, 16, 3, 3, 1, 1, 1, 1, 1, 1), true },
        { "C=16, K=16, pad 1, 32x32, N=3", Conv2DDims.Create(3, 32, 32, 16, 16, 3, 3, 1, 1, 1, 1, 1, 1), true },
        // 112 = 64 + 32 + 16 output channels: all three tiles.
        { "C=12, K=112, N=5", Conv2DDims.Create(5, 7, 8, 12, 112, 3, 3), true },
        // 'Same' padding as in FashionMnist's conv3: 64 x 6 tiles of one tap's channels (32 = 5 x 6 + 2).
        { "pad 1 (same), C=32, K=64, 14x14, N=6", Conv2DDims.Create(6, 14, 14, 32, 64, 3, 3, 1, 1, 1, 1, 1, 1), true },
        // Uneven padding, stride 2, dilation 2, 96 = 64 + 32 channels: taps' rectangles of every size.
        { "pad 2/1 3/0, stride 2, dilation 2, C=10, K=96, N=4", Conv2DDims.Create(4, 11, 12, 10, 96, 3, 3, 2, 2, 2, 1, 3, 0, 2, 2), true },
        // Two groups of 96 = 64 + 32 output channels, 5 input channels each: 45 combinations, so the
        // last 64 x 6 tile has 3 and re-reads its last; strides and dilations move the offsets.
        { "groups 2, C/G=5, K/G=96, stride 2x1, dilation 1x2, N=3", Conv2DDims.Create(3, 9, 11, 10, 192, 3, 3, 2, 1, 0, 0, 0, 0, 1, 2, 2), true },
        // 5x5 kernel over 3 channels: 75 combinations, tails in both tiles (75 = 12 x 6 + 3 = 8 x 9 + 3).
        { "5x5, C=3, K=96, N=4", Conv2DDims.Create(4, 12, 10, 3, 96, 5, 5), true },
        // K = 20 is not a multiple of 16, C < 8, unpadded: the tap tiles (Conv2D.BackwardWeightsTaps.cs).
        { "C=3, K=20, tap tiles, N=6", Conv2DDims.Create(6, 10, 10, 3, 20, 3, 3), false },
        { "pad 1, C=512, K=512, 4x4, N=4 (a CIFAR ResNet-18's last stage)", Conv2DDims.Create(4, 4, 4, 512, 512, 3, 3, 1, 1, 1, 1, 1, 1), true },
        { "pad 1, C=256, K=256, 8x8, N=3", Conv2DDims.Create(3, 8, 8, 256, 256, 3, 3, 1, 1, 1, 1, 1, 1), true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Weight_gradient_matches_a_float64_direct_sum(string name, Conv2DDims d, bool wide)
    {
        var path = KernelPath.Hardware;
        Assert.Equal(wide && path.Use512, Conv2D.WideTiled(d, path));
        var rng = new Random(name.Length);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var dY = TestData.Uniform(rng, d.N * d.P * d.Q * d.K);
        var dW0 = TestData.Uniform(rng, d.K * d.GroupC * d.R * d.S);
        var dW = (float[])dW0.Clone();
        Conv2D.BackwardWeights(dW, dY, x, d, path);
        // Each element sums up to 43,264 float32 products of magnitude ~0.3 whose partial sums reach
        // ~100, so float32 rounding alone reaches a few 1e-4 absolute; a wrong index or a chunk
        // summed twice or skipped moves elements by O(1).
        TensorAssert.Close(TestData.Add(dW0, DirectWeightGradient(x, dY, d)), dW, 1e-4, 2e-3, "dW");
    }

    public static TheoryData<string, Conv2DDims> SmallWideCases() => new()
    {
        { "C=5, K=96, 3x3", Conv2DDims.Create(1, 5, 6, 5, 96, 3, 3) },
        { "C=2, K=32, 2x2 (8 combinations of a 9-wide tile)", Conv2DDims.Create(2, 4, 5, 2, 32, 2, 2) },
        { "groups 2, C/G=3, K/G=64, stride 2, dilation 2", Conv2DDims.Create(1, 9, 9, 6, 128, 3, 3, 2, 2, 0, 0, 0, 0, 2, 2, 2) },
        { "pad 1, C=7, K=96, 3x3", Conv2DDims.Create(1, 5, 6, 7, 96, 3, 3, 1, 1, 1, 1, 1, 1) },
        { "pad 1, C=3, K=80 (64 + 16), 3x3", Conv2DDims.Create(1, 5, 5, 3, 80, 3, 3, 1, 1, 1, 1, 1, 1) },
        // Padding wider than the input reaches: some output pixels see only padding, some taps none of it.
        { "pad 3 on 4x4, C=2, K=32, 3x3, stride 2", Conv2DDims.Create(2, 4, 4, 2, 32, 3, 3, 2, 2, 3, 3, 3, 3) },
    };

    /// <summary>
    /// The wide tiles on small layers, every element of dW (each lane of each tile, the tails)
    /// against the float64 direct sum, from a dW that already holds values (the kernel accumulates).
    /// The direct sum itself is checked against finite differences of the forward reference below:
    /// L(w) = sum(dY * conv(x, w)) is linear in w, so the two agree to rounding, and finite
    /// differences of every element here took a minute and a half in Debug.
    /// </summary>
    [Theory]
    [MemberData(nameof(SmallWideCases))]
    public void Wide_tiles_match_the_direct_sum_on_small_layers(string name, Conv2DDims d)
    {
        var path = KernelPath.Hardware;
        Assert.Equal(path.Use512, Conv2D.WideTiled(d, path));
        var rng = new Random(name.Length * 13 + 1);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var dY = TestData.Uniform(rng, d.N * d.P * d.Q * d.K);
        var dW0 = TestData.Uniform(rng, d.K * d.GroupC * d.R * d.S);
        var dW = (float[])dW0.Clone();
        Conv2D.BackwardWeights(dW, dY, x, d, path);
        TensorAssert.Close(TestData.Add(dW0, DirectWeightGradient(x, dY, d)), dW, 1e-4, 1e-4, "dW");
    }

    /// <summary>
    /// The direct sum the tests above compare with is the gradient of the forward reference:
    /// finite differences of L(w) = sum(dY * conv(x, w)) in float64, on layers small enough to
    /// probe every weight, with groups, strides, dilations and uneven padding moving every index.
    /// </summary>
    [Theory]
    [InlineData(2, 4, 5, 2, 6, 2, 2, 1, 1, 0, 0, 0, 0, 1, 1, 1)]
    [InlineData(2, 4, 4, 2, 4, 3, 3, 2, 2, 3, 3, 3, 3, 1, 1, 1)]
    [InlineData(1, 9, 8, 4, 6, 3, 2, 2, 1, 2, 1, 0, 1, 2, 3, 2)]
    public void The_direct_sum_matches_finite_differences_of_the_forward(int n, int h, int w, int c, int k, int r, int s,
        int strideH, int strideW, int padTop, int padBottom, int padLeft, int padRight, int dilationH, int dilationW, int groups)
    {
        var d = Conv2DDims.Create(n, h, w, c, k, r, s, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW, groups);
        var rng = new Random(h * 31 + k);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var weights = TestData.Uniform(rng, d.K * d.GroupC * d.R * d.S, 0.5f);
        var dY = TestData.Uniform(rng, d.N * d.P * d.Q * d.K);
        var g = TestData.NhwcToNchw(dY, d.N, d.K, d.P, d.Q);
        var xd = TestData.NhwcToNchw(x, d.N, d.C, d.H, d.W);
        double Loss(double[] ws) => TestData.Dot(g, Reference.Conv2D(xd, ws, null, d));
        var numeric = Numeric.Gradient(Loss, TestData.ToDouble(weights));
        var direct = DirectWeightGradient(x, dY, d);
        Assert.Contains(direct, v => Math.Abs(v) > 0.1);
        TensorAssert.Close(numeric, Array.ConvertAll(direct, v => (float)v), 1e-5, 1e-5, "direct dW");
    }

    /// <summary>
    /// The same call twice gives the same bits (training's pool and no-pool runs rely on it), and the
    /// wide tiles agree with the 256-bit path's channel tiles, which sum in another order.
    /// </summary>
    [Fact]
    public void Wide_tiles_are_deterministic_and_agree_with_the_256_bit_path()
    {
        var d = Conv2DDims.Create(5, 13, 13, 32, 96, 3, 3);
        var rng = new Random(3);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var dY = TestData.Uniform(rng, d.N * d.P * d.Q * d.K);
        float[] Run(KernelPath path)
        {
            var dW = new float[d.K * d.GroupC * d.R * d.S];
            Conv2D.BackwardWeights(dW, dY, x, d, path);
            return dW;
        }
        var first = Run(KernelPath.Hardware);
        Assert.Equal(first, Run(KernelPath.Hardware));
        Assert.False(Conv2D.WideTiled(d, KernelPath.Vector256));
        TensorAssert.Close(Run(KernelPath.Vector256), first, 1e-5, 1e-5, "dW");
        TensorAssert.Close(Run(KernelPath.Vector128), first, 1e-5, 1e-5, "dW 128-bit");
        TensorAssert.Close(Run(KernelPath.Vector128Unfused), first, 1e-5, 1e-5, "dW 128-bit unfused");
    }

    [Fact]
    public void Wide_tiles_do_not_allocate()
    {
        // Stacked, in parts (96 x 64 x 3 x 3 > 48 Ki floats), padded.
        foreach (var d in new[] { Conv2DDims.Create(3, 13, 13, 32, 64, 3, 3), Conv2DDims.Create(2, 6, 6, 64, 96, 3, 3), Conv2DDims.Create(2, 8, 8, 8, 32, 3, 3, 1, 1, 1, 1, 1, 1) })
        {
            var x = new float[d.N * d.H * d.W * d.C];
            var dY = new float[d.N * d.P * d.Q * d.K];
            var dW = new float[d.K * d.GroupC * d.R * d.S];
            // Past tiering: the JIT's call counting and tier-up can allocate on the calling thread.
            for (int i = 0; i < 40; i++)
            {
                Conv2D.BackwardWeights(dW, dY, x, d);
            }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                Conv2D.BackwardWeights(dW, dY, x, d);
            }
            long grown = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(grown == 0, $"Conv2D.BackwardWeights (K={d.K}) allocated {grown} bytes over 10 calls.");
        }
    }

    /// <summary>
    /// dW[k, c, r, s] = sum over n, p, q of dY[n, p, q, k] x[n, p sh - pt + r dh, q sw - pl + s dw, g C/G + c], channels-last tensors.
    /// dY is laid out as (K, N P Q) and, per tap, the input it meets as (C, N P Q) with zeros where the tap
    /// reads padding, so each element is one float64 dot product (vectorised, which matters in Debug:
    /// the 512-channel case sums 151 million products).
    /// </summary>
    private static double[] DirectWeightGradient(float[] x, float[] dY, Conv2DDims d)
    {
        int cg = d.GroupC, kg = d.GroupK, pixels = d.N * d.P * d.Q;
        var dW = new double[d.K * cg * d.R * d.S];
        var gradients = new double[d.K * pixels];
        for (int pixel = 0; pixel < pixels; pixel++)
        for (int k = 0; k < d.K; k++)
            gradients[k * pixels + pixel] = dY[pixel * d.K + k];
        var inputs = new double[d.C * pixels];
        for (int r = 0; r < d.R; r++)
        for (int s = 0; s < d.S; s++)
        {
            Array.Clear(inputs);
            for (int n = 0; n < d.N; n++)
            for (int p = 0; p < d.P; p++)
            for (int q = 0; q < d.Q; q++)
            {
                int ih = p * d.StrideH - d.PadTop + r * d.DilationH, iw = q * d.StrideW - d.PadLeft + s * d.DilationW;
                if (ih < 0 || ih >= d.H || iw < 0 || iw >= d.W) continue;
                int pixel = (n * d.P + p) * d.Q + q, from = ((n * d.H + ih) * d.W + iw) * d.C;
                for (int c = 0; c < d.C; c++) inputs[c * pixels + pixel] = x[from + c];
            }
            for (int k = 0; k < d.K; k++)
            {
                int g = k / kg;
                for (int c = 0; c < cg; c++)
                    dW[((k * cg + c) * d.R + r) * d.S + s] =
                        TensorPrimitives.Dot<double>(gradients.AsSpan(k * pixels, pixels), inputs.AsSpan((g * cg + c) * pixels, pixels));
            }
        }
        return dW;
    }
}
