using System.Linq;
using NetGen.Generator.Analysis;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using Xunit;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>The execution schedule Analysis computes: regions, places, steps and their fusion decisions.</summary>
public class ExecutionScheduleTests
{
    private const string Residual = """
        network Res {
            input 3x8x8
            batch 4
            optimizer sgd
            stem = conv2d(8, 3, padding: 1, bias: false)
            bn1 = batchnorm
            relu1 = relu
            b = relu1 -> conv2d(8, 3, padding: 1) -> bn2: batchnorm
            sum = add(b, relu1)
            relu2 = relu
            global_avgpool
            dense(5)
        }
        """;

    private static NetworkAnalysis Analyze(string text, int? batch = null)
    {
        var network = Assert.Single(CnnParser.Parse("/s/net.cnn", text).Networks);
        if (batch is { } b) network = network with { Batch = b };
        var result = NetworkAnalyzer.Analyze(network);
        Assert.Empty(result.Diagnostics);
        return result.Value!;
    }

    private static int Index(NetworkAnalysis a, string name)
    {
        for (int n = 0; n < a.Network.Nodes.Count; n++)
            if (a.Network.Nodes[n].Name == name) return n;
        throw new System.ArgumentException(name);
    }

    [Fact]
    public void The_schedule_has_value_equality()
    {
        Assert.Equal(Analyze(Residual).Schedule, Analyze(Residual).Schedule);
        Assert.NotEqual(Analyze(Residual).Schedule, Analyze(Residual, batch: 2).Schedule);
    }

    [Fact]
    public void Regions_lie_back_to_back_and_add_up_to_the_allocations()
    {
        var a = Analyze(Residual);
        var s = a.Schedule;
        long End(RegionKind kind) => s.RegionOf(kind).Start + s.RegionOf(kind).Floats;
        Assert.Equal(0, s.RegionOf(RegionKind.Parameters).Start);
        Assert.Equal(End(RegionKind.Parameters), s.RegionOf(RegionKind.InferenceArena).Start);
        Assert.Equal(End(RegionKind.InferenceArena), s.RegionOf(RegionKind.InferenceKernelBuffers).Start);
        Assert.Equal(End(RegionKind.Parameters), s.RegionOf(RegionKind.Gradients).Start);
        Assert.Equal(End(RegionKind.Gradients), s.RegionOf(RegionKind.OptimizerState).Start);
        Assert.Equal(End(RegionKind.OptimizerState), s.RegionOf(RegionKind.Inputs).Start);
        Assert.Equal(End(RegionKind.Inputs), s.RegionOf(RegionKind.SavedActivations).Start);
        Assert.Equal(End(RegionKind.SavedActivations), s.RegionOf(RegionKind.ActivationGradients).Start);
        Assert.Equal(End(RegionKind.ActivationGradients), s.RegionOf(RegionKind.TrainingKernelBuffers).Start);
        Assert.Equal((a.InferenceBytes + a.KernelBuffers.InferenceBytes) / 4, s.InferenceFloats);
        Assert.Equal((a.Training.Total + a.KernelBuffers.TrainingBytes) / 4, s.TrainingFloats);
        // Parameters: 8 x 3 x 9 (stem, no bias) + 4 x 8 (bn1) + 8 x 8 x 9 + 8 + 4 x 8 (bn2) + 8 x 5 + 5.
        Assert.Equal(216 + 32 + 584 + 32 + 45, s.RegionOf(RegionKind.Parameters).Floats);
        Assert.Equal(216 + 16 + 584 + 16 + 45, s.TrainableFloats);
    }

    [Fact]
    public void Places_follow_the_plans()
    {
        var a = Analyze(Residual);
        var s = a.Schedule;
        int bn2 = Index(a, "bn2");
        var saved = a.Training.ActivationPlan.SlotOf(bn2)!;
        var gradient = a.Training.GradientPlan.SlotOf(bn2)!;
        var inference = a.InferencePlan.SlotOf(bn2)!;
        var places = s.Places[bn2];
        Assert.Equal(s.RegionOf(RegionKind.SavedActivations).Start + saved.Offset / 4, places.Saved!.Value.Start);
        Assert.Equal(s.RegionOf(RegionKind.ActivationGradients).Start + gradient.Offset / 4, places.Gradient!.Value.Start);
        Assert.Equal(s.RegionOf(RegionKind.InferenceArena).Start + inference.Offset / 4, places.Inference!.Value.Start);
        Assert.Equal(8 * 8 * 8, places.Saved.Value.PerSample);
        // The input: the caller's at inference, the inputs region in training, no gradient.
        Assert.True(s.Places[0].Inference!.Value.IsCallerInput);
        Assert.Equal(s.RegionOf(RegionKind.Inputs).Start, s.Places[0].Saved!.Value.Start);
        Assert.Null(s.Places[0].Gradient);
    }

    [Fact]
    public void Inference_steps_carry_the_folds_and_fusions()
    {
        var a = Analyze(Residual);
        var steps = a.Schedule.InferenceForward.ToDictionary(step => a.Network.Nodes[step.Node].Name);
        int bn1 = Index(a, "bn1"), stem = Index(a, "stem"), sum = Index(a, "sum"), relu2 = Index(a, "relu2");
        Assert.Equal((StepKind.FusedAway, stem), (steps["bn1"].Kind, steps["bn1"].Epilogue.FusedInto));
        Assert.Equal(bn1, steps["stem"].Epilogue.FoldedBatchNorm);
        // bn1's only reader is relu1, in place: the folded convolution applies it.
        Assert.Equal(ActivationKind.ReLU, steps["stem"].Epilogue.Activation);
        Assert.Equal(StepKind.FusedAway, steps["relu1"].Kind);
        Assert.Equal(relu2, steps["sum"].Epilogue.FusedReLU);
        Assert.Equal((StepKind.FusedAway, sum), (steps["relu2"].Kind, steps["relu2"].Epilogue.FusedInto));
        // Training folds nothing.
        Assert.All(a.Schedule.TrainingForward, step => Assert.Equal(-1, step.Epilogue.FoldedBatchNorm));
    }

    [Fact]
    public void Sliced_training_passes_split_into_phases_at_the_batch_norms()
    {
        var a = Analyze(Residual);
        var s = a.Schedule;
        Assert.Equal(2, s.Slices);
        Assert.Equal(3, s.ForwardPhases);
        Assert.Equal(3, s.BackwardPhases);
        var partials = s.TrainingForward.Where(step => step.Kind == StepKind.SlicePartials).Select(step => a.Network.Nodes[step.Node].Name);
        Assert.Equal(new[] { "bn1", "bn2" }, partials);
        // Each batch norm's own step opens the phase its partials closed.
        foreach (var step in s.TrainingForward.Where(step => step.Kind == StepKind.SlicePartials))
            Assert.Equal(step.Phase + 1, s.TrainingForward.Single(t => t.Node == step.Node && t.Kind == StepKind.Layer).Phase);
        // Backward runs in reverse node order: the dense first, in phase 0.
        Assert.Equal(a.Network.Nodes.Count - 1, s.Backward[0].Node);
        Assert.Equal(0, s.Backward[0].Phase);
        // The repack: every layer with packed weights in one of the two slices, both used.
        var packed = s.TrainingPack.Where(step => step.PackedFloats > 0).ToList();
        Assert.All(packed, step => Assert.InRange(step.RepackSlice, 0, 1));
        Assert.Equal(2, packed.Select(step => step.RepackSlice).Distinct().Count());

        var one = Analyze(Residual, batch: 1).Schedule;
        Assert.Equal((1, 1, 1), (one.Slices, one.ForwardPhases, one.BackwardPhases));
        Assert.DoesNotContain(one.TrainingForward, step => step.Kind == StepKind.SlicePartials);
        Assert.All(one.TrainingPack, step => Assert.Equal(-1, step.RepackSlice));
    }

    [Fact]
    public void Backward_steps_say_which_gradients_they_start()
    {
        var a = Analyze(Residual);
        int relu1 = Index(a, "relu1"), sum = Index(a, "sum");
        var add = a.Schedule.Backward.Single(step => step.Node == sum && step.Kind == StepKind.Layer);
        // relu1's output feeds the second convolution and the add: the add is its last reader.
        Assert.Contains(relu1, add.StartsGradientOf);
        Assert.All(add.InputGradients, g => Assert.NotNull(g.Value));
        var first = a.Schedule.Backward.Single(step => step.Node == Index(a, "stem"));
        // The stem's input is the network input: no gradient.
        Assert.Null(Assert.Single(first.InputGradients).Value);
        Assert.Empty(first.StartsGradientOf);
    }
}
