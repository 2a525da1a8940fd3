using Xunit;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>IR the front ends should never produce still gets diagnostics, not exceptions.</summary>
public class StructureDiagnosticTests
{
    private static string[] Texts(NetworkIR network) => TestIr.Errors(network).Select(TestIr.Text).ToArray();

    [Fact]
    public void InputReferringForwardOrOutOfRange()
    {
        var ir = TestIr.Chw(3, 8, 8);
        ir.Add("a", OpKind.ReLU, null, false, 2);
        ir.Add("b", OpKind.ReLU, null, false, -1);
        Assert.Equal(new[]
        {
            "NG0005: 'a' refers to '#2', which is not a node of this network",
            "NG0005: 'b' refers to '#-1', which is not a node of this network",
        }, Texts(ir.Build()));
    }

    [Fact]
    public void WrongNumberOfInputs()
    {
        var ir = TestIr.Chw(3, 8, 8);
        int a = ir.Then("a", OpKind.ReLU);
        ir.Merge("sum", OpKind.Add, a);
        ir.Add("two", OpKind.ReLU, null, false, 0, a);
        Assert.Equal(new[]
        {
            "NG0004: Argument 'inputs' of 'sum' is 1; it must be at least 2",
            "NG0004: Argument 'inputs' of 'two' is 2; it must be exactly 1",
        }, Texts(ir.Build()));
    }

    [Fact]
    public void InvalidArgumentsAreReportedNotDividedBy()
    {
        var ir = TestIr.Chw(3, 8, 8);
        ir.Then("conv", OpKind.Conv2D, TestIr.Conv(4, 3, stride: 0));
        ir.Then("fc", OpKind.Dense, TestIr.Dense(0));
        Assert.Equal(new[]
        {
            "NG0004: Argument 'stride' of 'conv' is 0x0; it must be positive in both dimensions",
            "NG0004: Argument 'units' of 'fc' is 0; it must be a positive integer",
        }, Texts(ir.Build()));
    }

    [Fact]
    public void OutputAndBatchMustExist()
    {
        var ir = TestIr.Chw(3, 8, 8);
        ir.Then("a", OpKind.ReLU);
        Assert.Equal(new[]
        {
            "NG0005: 'Net' refers to '#9', which is not a node of this network",
            "NG0004: Argument 'batch' of 'Net' is 0; it must be a positive integer",
        }, Texts(ir.Build(batch: 0, output: 9)));
    }

    [Fact]
    public void NoLayersAndMissingInput()
    {
        Assert.Equal(new[] { "NG0013: Network 'Net' has no layers" }, Texts(TestIr.Chw(3, 8, 8).Build()));
        var ir = new TestIr(default);
        ir.Then("a", OpKind.ReLU);
        Assert.Equal(new[] { "NG0009: Network 'Net' declares no input shape" }, Texts(ir.Build()));
    }

    [Fact]
    public void NodesTheOutputDoesNotNeedAreNotComputed()
    {
        var ir = TestIr.Chw(3, 8, 8);
        int main = ir.Then("main", OpKind.Conv2D, TestIr.Conv(4, 3));
        int aux = ir.Then("aux", OpKind.Conv2D, TestIr.Conv(4, 3));
        var a = TestIr.Analyze(ir.Build(output: main));
        Assert.False(a.Layers[aux].Computed);
        Assert.Equal(Shape.Chw(4, 4, 4), a.Layers[aux].Output);
        Assert.Equal(0, a.Layers[aux].Params);
        Assert.Equal(3 * 9 * 4 + 4, a.TotalParams);
        Assert.Null(a.InferencePlan.SlotOf(aux));
    }

    [Fact]
    public void OverflowIsADiagnostic()
    {
        // in x units x 4 bytes is past 2^63.
        var ir = new TestIr(Shape.Vector(int.MaxValue));
        ir.Then("fc", OpKind.Dense, TestIr.Dense(int.MaxValue));
        Assert.Equal(new[]
        {
            "NG0108: 'Net': a parameter count or memory figure at batch 1 exceeds the largest size NetGen supports " +
            "(9,223,372,036,854,775,807, the 64-bit range)",
        }, Texts(ir.Build()));
    }
}
