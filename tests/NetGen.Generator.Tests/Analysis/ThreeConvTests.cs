using Xunit;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>
/// The textbook exercise (docs/memory.md): input 3x200x300, three 3x3 stride-2 'same'
/// convolutions with 100, 200, 400 filters. Figures worked out by hand:
/// outputs (100, 100, 150), (200, 50, 75), (400, 25, 38) = 6,000,000, 3,000,000, 1,520,000 bytes.
/// </summary>
public class ThreeConvTests
{
    internal static NetworkIR ThreeConv(int batch = 50, OptimizerKind optimizer = OptimizerKind.Adam, Budgets? budgets = null)
    {
        var ir = TestIr.Chw(3, 200, 300);
        ir.Then("conv1", OpKind.Conv2D, TestIr.Conv(100, 3, 2, PaddingMode.Same));
        ir.Then("conv2", OpKind.Conv2D, TestIr.Conv(200, 3, 2, PaddingMode.Same));
        ir.Then("conv3", OpKind.Conv2D, TestIr.Conv(400, 3, 2, PaddingMode.Same));
        return ir.Build(batch, optimizer, budgets);
    }

    [Fact]
    public void Shapes()
    {
        var a = TestIr.Analyze(ThreeConv());
        Assert.Equal(Shape.Chw(100, 100, 150), a.Layers[1].Output);
        Assert.Equal(Shape.Chw(200, 50, 75), a.Layers[2].Output);
        Assert.Equal(Shape.Chw(400, 25, 38), a.Layers[3].Output);
    }

    [Fact]
    public void Parameters()
    {
        var a = TestIr.Analyze(ThreeConv());
        // 3*3*3*100 + 100; 100*3*3*200 + 200; 200*3*3*400 + 400.
        Assert.Equal(new long[] { 0, 2_800, 180_200, 720_400 }, a.Layers.Select(l => l.Params).ToArray());
        Assert.Equal(903_400, a.TotalParams);
        Assert.Equal(903_400, a.TrainableParams);
        Assert.Equal(3_613_600, a.ParameterBytes);
    }

    [Fact]
    public void Macs()
    {
        var a = TestIr.Analyze(ThreeConv());
        // P*Q*K*C*R*S.
        Assert.Equal(100L * 150 * 100 * 3 * 9, a.Layers[1].Macs);
        Assert.Equal(50L * 75 * 200 * 100 * 9, a.Layers[2].Macs);
        Assert.Equal(25L * 38 * 400 * 200 * 9, a.Layers[3].Macs);
    }

    [Fact]
    public void InferenceArenaIsConv1PlusConv2()
    {
        var a = TestIr.Analyze(ThreeConv());
        // conv1 and conv2 are alive together while conv2 runs; conv3 reuses conv1's bytes.
        Assert.Equal(9_000_000, a.InferencePlan.Bytes);
        Assert.Equal(3_613_600 + 9_000_000, a.InferenceBytes);
        Assert.Equal(3, a.InferencePlan.Slots.Count);
        Assert.Null(a.InferencePlan.SlotOf(0));
        Assert.Equal(new TensorSlot(1, 0, 6_000_000), a.InferencePlan.SlotOf(1));
        Assert.Equal(new TensorSlot(2, 6_000_000, 3_000_000), a.InferencePlan.SlotOf(2));
        Assert.Equal(new TensorSlot(3, 0, 1_520_000), a.InferencePlan.SlotOf(3));
    }

    [Fact]
    public void TrainingAtBatch50WithAdam()
    {
        var t = TestIr.Analyze(ThreeConv()).Training;
        Assert.Equal(50, t.Batch);
        Assert.Equal(36_000_000, t.Inputs);
        Assert.Equal(526_000_000, t.Activations);
        Assert.Equal(3_613_600, t.Parameters);
        Assert.Equal(3_613_600, t.Gradients);
        Assert.Equal(7_227_200, t.OptimizerState);
        // Gradients of conv1 (300 MB) and conv2 (150 MB) meet at conv2's backward step.
        Assert.Equal(450_000_000, t.Workspace);
        Assert.Equal(36_000_000 + 526_000_000 + 4 * 3_613_600 + 450_000_000, t.Total);
        Assert.Equal("526.0 MB", Units.FormatBytes(t.Activations));
        Assert.Equal("36.0 MB", Units.FormatBytes(t.Inputs));
    }

    [Theory]
    [InlineData(OptimizerKind.None, 0)]
    [InlineData(OptimizerKind.Sgd, 3_613_600)]
    [InlineData(OptimizerKind.Adam, 7_227_200)]
    public void OptimizerState(OptimizerKind optimizer, long expected)
    {
        Assert.Equal(expected, TestIr.Analyze(ThreeConv(optimizer: optimizer)).Training.OptimizerState);
    }

    [Fact]
    public void SavedActivationsAreBackToBack()
    {
        var plan = TestIr.Analyze(ThreeConv()).Training.ActivationPlan;
        Assert.Equal(new[] { 0L, 300_000_000, 450_000_000 }, plan.Slots.Select(s => s.Offset).ToArray());
        Assert.Equal(526_000_000, plan.Bytes);
    }
}
