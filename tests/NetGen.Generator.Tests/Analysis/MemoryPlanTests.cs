using Xunit;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

public class MemoryPlanTests
{
    private static void CheckAll(NetworkAnalysis a)
    {
        var computed = PlanChecks.Computed(a);
        var last = PlanChecks.LastUse(a.Network, computed);
        PlanChecks.CheckLiveness(a.Network, a.InferencePlan, last);
        PlanChecks.CheckLiveness(a.Network, a.Training.GradientPlan, last);
        PlanChecks.CheckInPlaceIsSafe(a);
    }

    [Fact]
    public void ResNet18PlansHoldTheirProperties()
    {
        CheckAll(TestIr.Analyze(ResNets.ResNet18().Build(batch: 4)));
    }

    [Fact]
    public void ResidualKeepsTheSkipTensorAlive()
    {
        var ir = TestIr.Chw(16, 8, 8);
        int stem = ir.Then("stem", OpKind.Conv2D, TestIr.Pad(16, 3, 1));
        ir.Then("c1", OpKind.Conv2D, TestIr.Pad(16, 3, 1));
        ir.Then("c2", OpKind.Conv2D, TestIr.Pad(16, 3, 1));
        int c3 = ir.Then("c3", OpKind.Conv2D, TestIr.Pad(16, 3, 1));
        ir.Merge("add", OpKind.Add, c3, stem);
        var a = TestIr.Analyze(ir.Build());
        var plan = a.InferencePlan;
        var skip = plan.SlotOf(stem)!;
        // stem's output is read by add (step 5), so c2 and c3 must not take its bytes.
        foreach (int n in new[] { 3, 4, 5 })
        {
            var s = plan.SlotOf(n)!;
            Assert.True(s.Offset + s.Bytes <= skip.Offset || skip.Offset + skip.Bytes <= s.Offset, $"node {n} overwrites the skip tensor");
        }
        // stem + the two tensors alive at c3 (c2 in, c3 out) are alive together; c1 reuses nothing yet.
        Assert.Equal(3 * 4096, plan.Bytes);
        CheckAll(a);
    }

    [Fact]
    public void ElementwiseRunsInPlaceOnlyWhenItIsTheOnlyReader()
    {
        var ir = TestIr.Chw(4, 6, 6);
        int conv = ir.Then("conv", OpKind.Conv2D, TestIr.Pad(4, 3, 1));
        int bn = ir.Then("bn", OpKind.BatchNorm);
        int relu = ir.Then("relu", OpKind.ReLU);
        int branch = ir.Add("branch", OpKind.Sigmoid, null, false, relu);
        int tanh = ir.Add("tanh", OpKind.Tanh, null, false, relu);
        ir.Merge("sum", OpKind.Add, branch, tanh);
        var a = TestIr.Analyze(ir.Build());
        var plan = a.InferencePlan;
        Assert.Equal(-1, plan.SlotOf(conv)!.AliasOf);
        Assert.Equal(conv, plan.SlotOf(bn)!.AliasOf);
        Assert.Equal(conv, plan.SlotOf(relu)!.AliasOf);
        // relu's output has two readers: neither may overwrite it.
        Assert.Equal(-1, plan.SlotOf(branch)!.AliasOf);
        Assert.Equal(-1, plan.SlotOf(tanh)!.AliasOf);
        CheckAll(a);
    }

    [Fact]
    public void ElementwiseNeverWritesTheCallersInput()
    {
        var ir = TestIr.Chw(4, 6, 6);
        int relu = ir.Then("relu", OpKind.ReLU);
        int flat = ir.Then("flat", OpKind.Flatten);
        int sig = ir.Add("sig", OpKind.Sigmoid, null, false, 0);
        var a = TestIr.Analyze(ir.Build(output: relu));
        Assert.Equal(-1, a.InferencePlan.SlotOf(relu)!.AliasOf);
        // flat and sig do not lead to the output: not computed, no slots.
        Assert.Null(a.InferencePlan.SlotOf(flat));
        Assert.Null(a.InferencePlan.SlotOf(sig));
        Assert.False(a.Layers[flat].Computed);
    }

    [Fact]
    public void FlattenAndDropoutAreViews()
    {
        var ir = TestIr.Chw(8, 4, 4);
        int conv = ir.Then("conv", OpKind.Conv2D, TestIr.Pad(8, 3, 1));
        int flat = ir.Then("flat", OpKind.Flatten);
        int drop = ir.Then("drop", OpKind.Dropout, new LayerArgs { Rate = 0.5 });
        ir.Then("fc", OpKind.Dense, TestIr.Dense(10));
        var a = TestIr.Analyze(ir.Build(batch: 2));
        Assert.Equal(conv, a.InferencePlan.SlotOf(flat)!.AliasOf);
        Assert.Equal(conv, a.InferencePlan.SlotOf(drop)!.AliasOf);
        Assert.Equal(512 + 40, a.InferencePlan.Bytes);
        // Training saves conv, dropout (its mask applied) and fc; flatten is a view of conv.
        var saved = a.Training.ActivationPlan;
        Assert.Equal(conv, saved.SlotOf(flat)!.AliasOf);
        Assert.Equal(-1, saved.SlotOf(drop)!.AliasOf);
        Assert.Equal(2 * (512 + 512 + 40), saved.Bytes);
        // Gradients: fc's, then dropout's turns into flatten's and conv's in place.
        var grads = a.Training.GradientPlan;
        Assert.Equal(drop, grads.SlotOf(conv)!.AliasOf);
        Assert.Equal(drop, grads.SlotOf(flat)!.AliasOf);
        Assert.Equal(2 * (512 + 40), grads.Bytes);
        CheckAll(a);
    }

    [Fact]
    public void ViewOfTheInputTakesNoArenaBytes()
    {
        var ir = TestIr.Chw(2, 3, 3);
        ir.Then("flat", OpKind.Flatten);
        ir.Then("fc", OpKind.Dense, TestIr.Dense(5));
        var a = TestIr.Analyze(ir.Build());
        Assert.Equal(new TensorSlot(1, 0, 72, 0), a.InferencePlan.SlotOf(1));
        Assert.Equal(20, a.InferencePlan.Bytes);
        Assert.Equal(20, a.Training.Activations);
    }
}
