using Xunit;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>
/// The explicit pads handed to the kernels reproduce, through the kernels' own output-size
/// formulas (Conv2DDims, Conv2DTransposeDims), the shapes analysis computed.
/// </summary>
public class WindowPaddingTests
{
    [Fact]
    public void SamePutsTheOddPixelAfter()
    {
        // TensorFlow: 75 with 3x3 stride 2 needs (38 - 1) * 2 + 3 - 75 = 2 -> 1 + 1; 300 -> 150 needs 1 -> 0 + 1.
        var args = TestIr.Conv(8, 3, 2, PaddingMode.Same);
        Assert.Equal(new WindowPadding(1, 1, 0, 1), WindowPadding.ForWindow(args, Shape.Chw(1, 75, 300)));
        Assert.Equal(default, WindowPadding.ForWindow(TestIr.Conv(8, 3), Shape.Chw(1, 9, 9)));
        Assert.Equal(new WindowPadding(3, 3, 3, 3), WindowPadding.ForWindow(TestIr.Pad(8, 7, 3), Shape.Chw(1, 9, 9)));
    }

    [Fact]
    public void SameTransposedCropsOrPads()
    {
        // 4x4 stride 2: crop 2 (1 + 1); 1x1 stride 2: nothing to crop, one row of output padding.
        Assert.Equal(new WindowPadding(1, 1, 1, 1), WindowPadding.ForTransposed(TestIr.Conv(8, 4, 2, PaddingMode.Same)));
        Assert.Equal(new WindowPadding(0, 0, 0, 0, 1, 1), WindowPadding.ForTransposed(TestIr.Conv(8, 1, 2, PaddingMode.Same)));
        Assert.Equal(new WindowPadding(1, 2, 1, 2), WindowPadding.ForTransposed(TestIr.Conv(8, 5, 2, PaddingMode.Same)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void KernelFormulasWithThesePadsGiveTheAnalysedShapes(int seed)
    {
        var r = new Random(seed);
        int checkedCount = 0;
        for (int i = 0; i < 2000; i++)
        {
            var input = Shape.Chw(r.Next(1, 4), r.Next(1, 40), r.Next(1, 40));
            var op = new[] { OpKind.Conv2D, OpKind.MaxPool2D, OpKind.AvgPool2D, OpKind.Conv2DTranspose }[r.Next(4)];
            var args = new LayerArgs
            {
                Filters = 2, KernelH = r.Next(1, 8), KernelW = r.Next(1, 8), StrideH = r.Next(1, 5), StrideW = r.Next(1, 5),
                DilationH = r.Next(1, 4), DilationW = r.Next(1, 4), Padding = (PaddingMode)r.Next(3),
                PadTop = r.Next(0, 4), PadBottom = r.Next(0, 4), PadLeft = r.Next(0, 4), PadRight = r.Next(0, 4),
                CeilMode = op != OpKind.Conv2D && op != OpKind.Conv2DTranspose && r.Next(2) == 0,
            };
            var ir = new TestIr(input);
            ir.Then("x", op, args);
            var result = NetworkAnalyzer.Analyze(ir.Build());
            if (result.Value is null) continue;
            var output = result.Value.OutputShape;
            checkedCount++;
            if (op == OpKind.Conv2DTranspose)
            {
                var t = WindowPadding.ForTransposed(args);
                Assert.Equal(output.H, (input.H - 1) * args.StrideH - t.Top - t.Bottom + (args.KernelH - 1) * args.DilationH + 1 + t.OutputPaddingH);
                Assert.Equal(output.W, (input.W - 1) * args.StrideW - t.Left - t.Right + (args.KernelW - 1) * args.DilationW + 1 + t.OutputPaddingW);
                Assert.True(t.Top >= 0 && t.Bottom >= 0 && t.OutputPaddingH < Math.Max(args.StrideH, args.DilationH));
                continue;
            }
            var p = WindowPadding.ForWindow(args, input);
            bool ceil = args.CeilMode && args.Padding != PaddingMode.Same;
            Assert.Equal(output.H, Size(input.H, p.Top, p.Bottom, args.KernelH, args.DilationH, args.StrideH, ceil));
            Assert.Equal(output.W, Size(input.W, p.Left, p.Right, args.KernelW, args.DilationW, args.StrideW, ceil));
        }
        Assert.True(checkedCount > 500, $"only {checkedCount} layers analysed");
    }

    /// <summary>PyTorch's rule (floor, or ceil dropping a window that starts in the trailing padding).</summary>
    private static int Size(int h, int before, int after, int kernel, int dilation, int stride, bool ceil)
    {
        int span = h + before + after - ((kernel - 1) * dilation + 1);
        int p = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (p - 1) * stride >= h + before) p--;
        return p;
    }
}
