using NetGen.Kernels;
using Xunit;

namespace NetGen.Tests.Kernels;

/// <summary>
/// The forward's interior register tiles (Conv2D.ForwardTiles*.cs): 4 pixels x 4 blocks, 8 x 2
/// and 8 x 1, the one-channel 3x3 rows (Conv2D.ForwardOneChannel.cs), tiles spanning output rows, a last tile with fewer pixels, a partial last block
/// of channels, and the border around them, each against the float64 reference and against
/// the border kernels run everywhere.
/// </summary>
public class Conv2DTileTests
{
    public static TheoryData<Conv2DTests.Case> Cases() => new()
    {
        // 6 blocks: one 4-block pass in 3-pixel tiles (3 x 3 output), one 2-block pass in 8-pixel tiles (8 + 1).
        new("K=96 (4 + 2 blocks), 5x5 -> 3x3, C=7", Conv2DDims.Create(1, 5, 5, 7, 96, 3, 3), true, Activation.ReLU),
        new("K=60, 1x5 output: 3-pixel tiles, the last of 2 pixels", Conv2DDims.Create(1, 3, 7, 5, 60, 3, 3), true, Activation.Tanh),
        // 5 blocks, the last of 8 channels: a 4-block pass, then 8 x 1 with a partial block.
        new("K=72 (4 + 1 partial blocks), pad 1, stride 2", Conv2DDims.Create(2, 9, 8, 5, 72, 3, 3, 2, 2, 1, 1, 1, 1), true, Activation.None),
        new("K=60 (a partial fourth block), 3x4 kernel, pad 2x1, dilation 2x1",
            Conv2DDims.Create(1, 10, 9, 3, 60, 3, 4, 1, 1, 2, 2, 1, 1, 2, 1), false, Activation.ELU, 1f),
        new("K=40 (2 + 1 partial blocks), dilation 1x2 (runs per tap), 7x11 interior", Conv2DDims.Create(2, 9, 15, 4, 40, 3, 3, dilationW: 2), true, Activation.ReLU),
        new("groups 2, K/G=32 (8 x 2 per group), pad 1", Conv2DDims.Create(1, 6, 7, 10, 64, 3, 3, 1, 1, 1, 1, 1, 1, groups: 2), true, Activation.Sigmoid),
        new("C=1, K=32, 28x28 (one-channel 3x3 rows of 8)", Conv2DDims.Create(1, 28, 28, 1, 32, 3, 3), true, Activation.ReLU),
        new("C=1 3x3 (9 weight vectors in registers), K=20, pad 1, dilation 2x1, 9-pixel interior rows (overlapping last 8)",
            Conv2DDims.Create(1, 12, 11, 1, 20, 3, 3, 1, 1, 1, 1, 1, 1, 2, 1), true, Activation.Sigmoid),
        new("C=1, K=5, 5x5 kernel pad 2, stride 3", Conv2DDims.Create(1, 13, 12, 1, 5, 5, 5, 3, 3, 2, 2, 2, 2), true, Activation.LeakyReLU, 0.2f),
        new("no interior: 3x3 pad 1 on a 1x2 input", Conv2DDims.Create(1, 1, 2, 3, 20, 3, 3, 1, 1, 1, 1, 1, 1), true, Activation.None),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Interior_tiles_match_float64_reference_and_border_kernels(Conv2DTests.Case t)
    {
        var d = t.Dims;
        var (x, packed, b, y) = ConvForwardCheck.AgainstReference(t, new Random(t.Name.Length * 31 + d.K), t.Alpha, Conv2D.Forward, KernelPath.Hardware);

        var border = new float[y.Length];
        Conv2D.Forward(border, x, packed, b, new float[Conv2D.ForwardWorkspaceFloats(d)], d, t.Act, t.Alpha, KernelPath.BorderKernels);
        TensorAssert.Close(border, y, 1e-6, 1e-6, "y against the border kernels");
    }

    [Fact]
    public void Interior_is_the_pixels_whose_taps_all_lie_inside()
    {
        // 3x3 pad 1 stride 2 on 9x8: rows 1..3 (row 4 reads row 9), columns 1..3 (column 0 reads column -1).
        var rect = Conv2D.InteriorOf(Conv2DDims.Create(1, 9, 8, 1, 16, 3, 3, 2, 2, 1, 1, 1, 1));
        Assert.Equal((1, 4, 1, 4), (rect.PLo, rect.PHi, rect.QLo, rect.QHi));
    }
}
