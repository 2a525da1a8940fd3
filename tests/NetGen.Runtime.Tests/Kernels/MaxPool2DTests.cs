using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

public class MaxPool2DTests
{
    public record Case(string Name, PoolDims Dims)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Cases() => new()
    {
        new("2x2/2 floor on 7x7, C=20", PoolDims.Create(2, 7, 7, 20, 2, 2, 2, 2)),
        new("2x2/2 ceil on 7x7, C=16", PoolDims.Create(1, 7, 7, 16, 2, 2, 2, 2, ceilMode: true)),
        new("3x3/2 pad 1, C=3", PoolDims.Create(2, 6, 5, 3, 3, 3, 2, 2, 1, 1, 1, 1)),
        new("3x2/1x2 asymmetric pads, C=33", PoolDims.Create(1, 5, 6, 33, 3, 2, 1, 2, 1, 0, 0, 1)),
        new("3x3/2 ceil, C=5 (GoogLeNet)", PoolDims.Create(1, 8, 8, 5, 3, 3, 2, 2, ceilMode: true)),
    };

    [Fact]
    public void Output_size_follows_pytorch_ceil_rule()
    {
        Assert.Equal(3, PoolDims.Create(1, 7, 7, 1, 2, 2, 2, 2).P);
        Assert.Equal(4, PoolDims.Create(1, 7, 7, 1, 2, 2, 2, 2, ceilMode: true).P);
        // ceil would give 4, but the 4th window would start in the padding: PyTorch drops it.
        Assert.Equal(3, PoolDims.Create(1, 5, 5, 1, 2, 2, 2, 2, 1, 1, 1, 1, ceilMode: true).P);
    }

    [Fact]
    public void Windows_entirely_in_the_padding_are_rejected()
    {
        var dims = PoolDims.Create(1, 4, 4, 1, 2, 2, 2, 2) with { P = 4 };
        var ex = Assert.Throws<ArgumentException>(() => MaxPool2D.Forward(new float[16], new float[16], dims));
        Assert.Contains("output 4x2 has windows that start past the input 4x4", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_and_backward_match_references(Case t)
    {
        var d = t.Dims;
        var rng = new Random(t.Name.Length);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var y = TestData.Uniform(rng, d.N * d.P * d.Q * d.C);
        MaxPool2D.Forward(y, x, d);
        foreach (var path in new[] { KernelPath.Vector256, KernelPath.Vector128, KernelPath.Vector128Unfused })
        {
            var narrow = new float[y.Length];
            MaxPool2D.Forward(narrow, x, d, path);
            Assert.Equal(y, narrow);
        }
        var xd = TestData.NhwcToNchw(x, d.N, d.C, d.H, d.W);
        TensorAssert.Close(TestData.NchwToNhwc(Reference.Pool(xd, d), d.N, d.C, d.P, d.Q), y, 0, 0, "y");

        var upstream = TestData.Uniform(rng, y.Length);
        var dX0 = TestData.Uniform(rng, x.Length);
        var dX = (float[])dX0.Clone();
        MaxPool2D.Backward(dX, upstream, x, d);
        var g = TestData.NhwcToNchw(upstream, d.N, d.C, d.P, d.Q);
        var gx = Numeric.Gradient(v => TestData.Dot(g, Reference.Pool(v, d)), xd, 1e-7);
        TensorAssert.Close(TestData.Add(dX0, TestData.NchwToNhwc(gx, d.N, d.C, d.H, d.W)), dX, 1e-4, 1e-4, "dX");

        foreach (var path in new[] { KernelPath.Vector256, KernelPath.Vector128, KernelPath.Vector128Unfused })
        {
            var narrow = (float[])dX0.Clone();
            MaxPool2D.Backward(narrow, upstream, x, d, path);
            Assert.Equal(dX, narrow);
        }
    }

    [Fact]
    public void Backward_sends_a_tied_window_gradient_to_its_first_maximum()
    {
        // 19 channels: one 16-lane block and a scalar tail. Channel ci's 2x2 window holds the
        // maximum 5 at the taps whose bit is set in (ci % 15) + 1, and 1 elsewhere, so every
        // pattern of ties occurs; the gradient must land on the first tied tap in row-major order.
        const int c = 19;
        var d = PoolDims.Create(1, 2, 2, c, 2, 2, 2, 2);
        var x = new float[4 * c];
        var dY = new float[c];
        for (int ci = 0; ci < c; ci++)
        {
            int pattern = ci % 15 + 1;
            for (int tap = 0; tap < 4; tap++) x[tap * c + ci] = (pattern >> tap & 1) != 0 ? 5f : 1f;
            dY[ci] = ci + 1;
        }
        foreach (var path in new[] { KernelPath.Hardware, KernelPath.Vector256, KernelPath.Vector128, KernelPath.Vector128Unfused })
        {
            var dX = new float[x.Length];
            MaxPool2D.Backward(dX, dY, x, d, path);
            for (int ci = 0; ci < c; ci++)
            {
                int pattern = ci % 15 + 1, firstTap = System.Numerics.BitOperations.TrailingZeroCount(pattern);
                for (int tap = 0; tap < 4; tap++)
                {
                    Assert.Equal(tap == firstTap ? ci + 1f : 0f, dX[tap * c + ci]);
                }
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(128)]
    [InlineData(-128)]
    public void Overwrite_of_tiling_windows_equals_backward_into_zeros(int bits)
    {
        // 26x26 in 2x2 windows (MNIST pool1), 20 channels: a 16-lane block and a scalar tail.
        var d = PoolDims.Create(3, 26, 26, 20, 2, 2, 2, 2);
        Assert.True(MaxPool2D.Tiles(d));
        var rng = new Random(11);
        var x = TestData.Uniform(rng, d.N * d.H * d.W * d.C);
        var dY = TestData.Uniform(rng, d.N * d.P * d.Q * d.C);
        var expected = new float[x.Length];
        var actual = TestData.Uniform(rng, x.Length);
        var path = KernelPaths.OfWidth(bits);
        MaxPool2D.Backward(expected, dY, x, d, path);
        MaxPool2D.BackwardOverwrite(actual, dY, x, d, path);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Overwrite_rejects_windows_that_leave_pixels_out()
    {
        // 11x11 in 2x2 windows (MNIST pool2): the last row and column are in no window.
        var d = PoolDims.Create(1, 11, 11, 4, 2, 2, 2, 2);
        Assert.False(MaxPool2D.Tiles(d));
        var ex = Assert.Throws<ArgumentException>(() => MaxPool2D.BackwardOverwrite(new float[484], new float[100], new float[484], d));
        Assert.Contains("do not tile the 11x11 input exactly", ex.Message);
    }
}
