using Xunit;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>Each shape diagnostic: id, full message, and the node's location.</summary>
public class ShapeDiagnosticTests
{
    private static DiagnosticInfo Single(NetworkIR network)
    {
        var errors = TestIr.Errors(network);
        Assert.True(errors.Count == 1, string.Join("\n", errors.Select(TestIr.Text)));
        return errors[0];
    }

    private static void AssertDiagnostic(DiagnosticInfo d, string id, string message, int line)
    {
        Assert.Equal(id + ": " + message, TestIr.Text(d));
        Assert.Equal(TestIr.At(line), d.Location);
    }

    [Fact]
    public void AddMismatchNamesBothInputsAndShapes()
    {
        var ir = TestIr.Chw(64, 56, 56);
        int a = ir.Then("a", OpKind.Conv2D, TestIr.Pad(64, 3, 1));
        int b = ir.Add("b", OpKind.Conv2D, TestIr.Pad(64, 3, 1, stride: 2), false, 0);
        ir.Merge("sum", OpKind.Add, a, b);
        AssertDiagnostic(Single(ir.Build()), "NG0101",
            "'sum' (add) needs inputs of the same shape, but 'a' (64, 56, 56) and 'b' (64, 28, 28) differ", 3);
    }

    [Fact]
    public void MultiplyRejectsAGateWithOtherChannels()
    {
        var ir = TestIr.Chw(64, 7, 7);
        int x = ir.Then("x", OpKind.ReLU);
        ir.Then("pool", OpKind.GlobalAvgPool);
        int fc = ir.Then("fc", OpKind.Dense, TestIr.Dense(32));
        ir.Merge("scale", OpKind.Multiply, x, fc);
        AssertDiagnostic(Single(ir.Build()), "NG0101",
            "'scale' (multiply) needs inputs of the same shape, but 'x' (64, 7, 7) and 'fc' (32) differ", 4);
    }

    [Fact]
    public void ConcatSpatialMismatch()
    {
        var ir = TestIr.Chw(8, 32, 32);
        int a = ir.Then("a", OpKind.Conv2D, TestIr.Conv(8, 3));
        int b = ir.Add("b", OpKind.Conv2D, TestIr.Pad(8, 3, 1), false, 0);
        ir.Merge("cat", OpKind.Concat, a, b);
        AssertDiagnostic(Single(ir.Build()), "NG0102",
            "'cat' (concat) joins channels, so inputs need the same height and width, but 'a' (8, 30, 30) and 'b' (8, 32, 32) differ", 3);
    }

    [Fact]
    public void KernelLargerThanInputCountsDilation()
    {
        var ir = TestIr.Chw(3, 4, 8);
        ir.Then("conv", OpKind.Conv2D, TestIr.Conv(8, 3, dilation: 2));
        AssertDiagnostic(Single(ir.Build()), "NG0103",
            "'conv': kernel 5x5 is larger than its padded input 4x8 (input shape (3, 4, 8))", 1);
    }

    [Fact]
    public void KernelLargerThanPaddedInput()
    {
        var ir = TestIr.Chw(3, 2, 2);
        ir.Then("pool", OpKind.MaxPool2D, TestIr.Pool(5, 1, PaddingMode.Explicit, 1));
        AssertDiagnostic(Single(ir.Build()), "NG0103",
            "'pool': kernel 5x5 is larger than its padded input 4x4 (input shape (3, 2, 2))", 1);
    }

    [Fact]
    public void DenseOn4DSuggestsFlatten()
    {
        var ir = TestIr.Chw(1, 28, 28);
        ir.Then("conv", OpKind.Conv2D, TestIr.Conv(64, 3, 2, PaddingMode.Same));
        ir.Then("fc", OpKind.Dense, TestIr.Dense(10));
        AssertDiagnostic(Single(ir.Build()), "NG0104",
            "'fc' (dense) receives a 4-D tensor (64, 14, 14); insert flatten (or global_avgpool) before it: it would receive 12,544 features", 2);
    }

    [Fact]
    public void NonPositiveOutput()
    {
        var ir = TestIr.Chw(4, 2, 2);
        ir.Then("up", OpKind.Conv2DTranspose, TestIr.Pad(4, 1, 2));
        AssertDiagnostic(Single(ir.Build()), "NG0105",
            "'up' would produce output (4, -2, -2) from input (4, 2, 2); every dimension must be positive", 1);
    }

    [Fact]
    public void GroupsMustDivideChannels()
    {
        var ir = TestIr.Chw(30, 8, 8);
        ir.Then("g", OpKind.Conv2D, TestIr.Conv(64, 1, groups: 4));
        var errors = TestIr.Errors(ir.Build());
        Assert.Equal(new[]
        {
            "NG0106: 'g': input channels 30 are not divisible by groups 4",
        }, errors.Select(TestIr.Text));
    }

    [Fact]
    public void GroupsMustDivideFilters()
    {
        var ir = TestIr.Chw(32, 8, 8);
        ir.Then("g", OpKind.Conv2D, TestIr.Conv(30, 1, groups: 4));
        AssertDiagnostic(Single(ir.Build()), "NG0106", "'g': output channels 30 are not divisible by groups 4", 1);
    }

    [Theory]
    [InlineData(OpKind.Conv2D, "conv2d")]
    [InlineData(OpKind.MaxPool2D, "maxpool2d")]
    [InlineData(OpKind.GlobalAvgPool, "global_avgpool")]
    [InlineData(OpKind.Upsample, "upsample")]
    public void SpatialLayerOnAVector(OpKind op, string kind)
    {
        var ir = new TestIr(Shape.Vector(100));
        ir.Then("fc", OpKind.Dense, TestIr.Dense(20));
        ir.Then("x", op, TestIr.Conv(4, 3) with { ScaleH = 2, ScaleW = 2 });
        AssertDiagnostic(Single(ir.Build()), "NG0107", $"'x' ({kind}) needs a (C, H, W) input but receives (20)", 2);
    }

    [Fact]
    public void ReportsEveryIndependentErrorAndSkipsDependents()
    {
        var ir = TestIr.Chw(3, 8, 8);
        ir.Then("big", OpKind.Conv2D, TestIr.Conv(4, 9));                        // NG0103
        ir.Then("after_big", OpKind.Conv2D, TestIr.Conv(4, 50));                 // depends on an error: silent
        ir.Add("fc", OpKind.Dense, TestIr.Dense(10), false, 0);                  // NG0104, output still (10)
        ir.Then("pool", OpKind.MaxPool2D, TestIr.Pool(2, 2));                    // NG0107 on fc's (10)
        int c = ir.Add("ok", OpKind.Conv2D, TestIr.Conv(4, 3), false, 0);
        int d = ir.Add("other", OpKind.Conv2D, TestIr.Conv(4, 5), false, 0);
        ir.Merge("sum", OpKind.Add, c, d);                                       // NG0101
        var errors = TestIr.Errors(ir.Build());
        Assert.Equal(new[] { "NG0103", "NG0104", "NG0107", "NG0101" }, errors.Select(e => e.Id));
        Assert.Equal(new[] { 1, 3, 4, 7 }, errors.Select(e => e.Location!.StartLine));
    }

    [Fact]
    public void TooLargeTensor()
    {
        var ir = TestIr.Chw(64, 1000, 1000);
        ir.Then("up", OpKind.Upsample, new LayerArgs { ScaleH = 8, ScaleW = 8 });
        AssertDiagnostic(Single(ir.Build()), "NG0108",
            "'up': output (64, 8000, 8000) of 4,096,000,000 elements exceeds the largest size NetGen supports (2,147,483,647 elements per tensor)", 1);
    }
}
