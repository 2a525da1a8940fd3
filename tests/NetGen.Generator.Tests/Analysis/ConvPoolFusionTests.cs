using NetGen.Generator.Analysis;
using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Model;
using NetGen.Generator.Tests.Parsing;
using Xunit;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>Which convolutions run with their max pool at inference, and what that does to the inference plan and kernel buffers.</summary>
public class ConvPoolFusionTests
{
    private const string Text = """
        network Net {
            input 3x13x13
            batch 4
            c1 = conv2d(16, 3, activation: relu)         # (16, 11, 11): fuses, floor drops row and column 10
            p1 = maxpool2d(2)                            # (16, 5, 5)
            c2 = conv2d(8, 3, padding: same)             # (8, 5, 5): takes the leaky ReLU node in, then fuses
            r2 = leaky_relu
            p2 = maxpool2d(3, stride: 1)                 # (8, 3, 3)
            c3 = conv2d(8, 1)                            # (8, 3, 3): no, p3's last window hangs past the edge
            p3 = maxpool2d(2, ceil: true)                # (8, 2, 2)
            c4 = conv2d(8, 1, activation: relu)          # no: padded pool
            p4 = maxpool2d(3, stride: 1, padding: same)  # (8, 2, 2)
            c5 = conv2d(8, 1)                            # no: the add reads it too
            p5 = maxpool2d(1)
            sum = add(p5, c5)
            fc = flatten -> dense(4)
        }
        """;

    private static int Index(NetworkIR n, string name) => n.Nodes.AsImmutableArray().IndexOf(Cnn.Node(n, name));

    [Fact]
    public void A_convolution_fuses_with_a_max_pool_that_is_its_only_reader_and_stays_inside_it()
    {
        var a = TestIr.Analyze(Cnn.Network(Text));
        var n = a.Network;
        var graph = new ComputedGraph(n, a.Layers);
        var chains = ConvPoolFusion.All(graph);
        Assert.Equal(2, chains.Count);
        // c1: C = 3, 2 pool rows of 10 used columns (of 11) x 16 channels.
        Assert.Equal(new FusedConvPool(Index(n, "c1"), -1, Index(n, "p1"), 3 + 16 + 2 * 10 * 16), chains[0]);
        // c2 with the LeakyReLU node fused into it (the node is gone): 3 pool rows x 5 columns x 8 channels.
        Assert.Equal(ActivationKind.LeakyReLU, Cnn.Node(n, "c2").Args.Activation);
        Assert.DoesNotContain(n.Nodes, node => node.Name == "r2");
        Assert.Equal(new FusedConvPool(Index(n, "c2"), -1, Index(n, "p2"), 16 + 16 + 3 * 5 * 8), chains[1]);
        Assert.Null(ConvPoolFusion.Of(graph, Index(n, "c3")));
        Assert.Null(ConvPoolFusion.Of(graph, Index(n, "c4")));
        Assert.Null(ConvPoolFusion.Of(graph, Index(n, "c5")));
    }

    [Fact]
    public void A_fused_convolution_stores_nothing_and_its_pool_output_does_not_overlap_its_input()
    {
        var a = TestIr.Analyze(Cnn.Network(Text));
        var n = a.Network;
        var plan = a.InferencePlan;
        Assert.Equal(0, plan.SlotOf(Index(n, "c1"))!.Bytes);
        Assert.Equal(0, plan.SlotOf(Index(n, "c2"))!.Bytes);
        Assert.Equal(8L * 3 * 3 * 4, plan.SlotOf(Index(n, "c3"))!.Bytes);
        // The fused step for c2 writes p2 while it reads p1: their bytes must not be shared.
        var p1 = plan.SlotOf(Index(n, "p1"))!;
        var p2 = plan.SlotOf(Index(n, "p2"))!;
        Assert.True(p1.Offset + p1.Bytes <= p2.Offset || p2.Offset + p2.Bytes <= p1.Offset,
            $"p1 [{p1.Offset}, {p1.Offset + p1.Bytes}) and p2 [{p2.Offset}, {p2.Offset + p2.Bytes}) overlap");
        // One shared inference-only scratch, the larger chain's.
        var scratch = CpuBackend.Buffers(a).Find(-1, KernelBufferKind.ConvPoolWorkspace)!;
        Assert.Equal((3L + 16 + 2 * 10 * 16, -1L), (scratch.Floats, scratch.TrainingOffset));
        Assert.True(scratch.InferenceOffset >= 0);
    }

    [Fact]
    public void Training_keeps_the_pre_pool_activations()
    {
        var a = TestIr.Analyze(Cnn.Network(Text));
        var n = a.Network;
        Assert.Equal(4L * 16 * 11 * 11 * 4, a.Training.ActivationPlan.SlotOf(Index(n, "c1"))!.Bytes);
    }
}
