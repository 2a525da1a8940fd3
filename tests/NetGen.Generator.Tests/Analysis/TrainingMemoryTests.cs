using Xunit;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;

namespace NetGen.Generator.Tests.Analysis;

public class TrainingMemoryTests
{
    private static NetworkAnalysis SmallResNet()
    {
        var ir = ResNets.BasicBlockNet(8, 10);
        ir.Then("pool", OpKind.GlobalAvgPool);
        ir.Then("drop", OpKind.Dropout, new LayerArgs { Rate = 0.2 });
        ir.Then("fc", OpKind.Dense, TestIr.Dense(3));
        return TestIr.Analyze(ir.Build(batch: 7, optimizer: OptimizerKind.Sgd));
    }

    [Fact]
    public void TrainingMemoryIsAffineInTheBatch()
    {
        var a = SmallResNet();
        var one = NetworkAnalyzer.TrainingAt(a, 1, OptimizerKind.Sgd);
        foreach (int b in new[] { 2, 3, 7, 64, 1000 })
        {
            var t = NetworkAnalyzer.TrainingAt(a, b, OptimizerKind.Sgd);
            Assert.Equal(b * one.Inputs, t.Inputs);
            Assert.Equal(b * one.Activations, t.Activations);
            Assert.Equal(b * one.Workspace, t.Workspace);
            Assert.Equal(one.FixedBytes, t.FixedBytes);
            Assert.Equal(one.FixedBytes + b * one.PerSampleBytes, t.Total);
        }
        Assert.Equal(a.Training, NetworkAnalyzer.TrainingAt(a, 7, OptimizerKind.Sgd));
    }

    [Fact]
    public void FiguresAddUpFromTheirDefinitions()
    {
        var a = SmallResNet();
        var t = a.Training;
        var nodes = a.Network.Nodes;
        // Inputs: 7 x (8, 10, 10) fp32.
        Assert.Equal(7L * 800 * 4, t.Inputs);
        // Activations: every computed output but the input and flatten views.
        long saved = a.Layers.Skip(1).Where(l => nodes[l.Node].Op != OpKind.Flatten).Sum(l => l.Output.Bytes) * 7;
        Assert.Equal(saved, t.Activations);
        Assert.Equal(a.TotalParams * 4, t.Parameters);
        Assert.Equal(a.TrainableParams * 4, t.Gradients);
        Assert.Equal(a.TrainableParams * 4, t.OptimizerState);
        Assert.Equal(t.GradientPlan.Bytes, t.Workspace);
        Assert.Equal(t.Inputs + t.Activations + t.Parameters + t.Gradients + t.OptimizerState + t.Workspace, t.Total);
    }

    [Fact]
    public void GradientPlanFollowsReverseLiveness()
    {
        var a = SmallResNet();
        var computed = PlanChecks.Computed(a);
        PlanChecks.CheckLiveness(a.Network, a.Training.GradientPlan, PlanChecks.LastUse(a.Network, computed));
        // The input needs no gradient.
        Assert.Null(a.Training.GradientPlan.SlotOf(0));
    }

    [Fact]
    public void FrozenLayersHaveNoGradientsOrOptimizerState()
    {
        var ir = TestIr.Chw(3, 8, 8);
        ir.Then("backbone", OpKind.Conv2D, TestIr.Conv(4, 3), frozen: true);
        ir.Then("bn", OpKind.BatchNorm, frozen: true);
        ir.Then("flat", OpKind.Flatten);
        ir.Then("head", OpKind.Dense, TestIr.Dense(2));
        var a = TestIr.Analyze(ir.Build(batch: 1, optimizer: OptimizerKind.Adam));
        long head = 4 * 6 * 6 * 2 + 2;
        Assert.Equal(head, a.TrainableParams);
        Assert.Equal(112 + 16, a.NonTrainableParams);
        Assert.Equal(head * 4, a.Training.Gradients);
        Assert.Equal(head * 8, a.Training.OptimizerState);
        Assert.Equal((head + 112 + 16) * 4, a.Training.Parameters);
    }
}
