using NetGen.Generator.Analysis;
using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Model;
using NetGen.Generator.Tests.Parsing;
using Xunit;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>Which convolutions run through Winograd F(2x2, 3x3), forward, with their pool, and for their input gradient, and the buffers the plan gives them.</summary>
public class WinogradConvTests
{
    private const string Text = """
        network Net {
            input 16x9x8
            batch 2
            a = conv2d(32, 3, padding: same, activation: relu)   # (32, 9, 8): Winograd; reads the input, no dX
            b = conv2d(16, 3)                                    # (16, 7, 6): Winograd, its dX too (only reader of a)
            r = relu                                             # fused into b
            p = maxpool2d(2)                                     # (16, 3, 3): fused with b through Winograd
            c = conv2d(16, 3, padding: same)                     # Winograd forward; the add also reads p: dX adds
            s = add(c, p)
            d = conv2d(16, 3, stride: 2, padding: same)         # no: stride 2
            e = conv2d(16, 3, groups: 2, padding: same)          # no: groups
            f = conv2d(8, 3, padding: same)                      # no: K = 8
            g = conv2d(16, 3, padding: same)                     # no: C = 8
            h = depthwise_conv2d(3, padding: same)               # no: depthwise
            i = conv2d(16, 3, padding: 3)                        # forward yes; dX no: padding past the kernel
            fc = flatten -> dense(4)
        }
        """;

    private static int Index(NetworkIR n, string name) => n.Nodes.AsImmutableArray().IndexOf(Cnn.Node(n, name));

    [Fact]
    public void Three_by_three_stride_one_convolutions_with_channels_in_sixteens_get_transformed_weights()
    {
        var a = TestIr.Analyze(Cnn.Network(Text));
        var n = a.Network;
        var buffers = CpuBackend.Buffers(a);
        foreach (var (name, c, k) in new[] { ("a", 16, 32), ("b", 32, 16), ("c", 16, 16), ("i", 16, 16) })
        {
            var slot = buffers.Find(Index(n, name), KernelBufferKind.WinogradWeights);
            Assert.True(slot is not null, name);
            Assert.Equal(16L * c * k, slot!.Floats);
            Assert.True(slot.InferenceOffset >= 0 && slot.TrainingOffset >= 0, name);
        }
        foreach (var name in new[] { "d", "e", "f", "g", "h" })
            Assert.Null(buffers.Find(Index(n, name), KernelBufferKind.WinogradWeights));
    }

    [Fact]
    public void The_input_gradient_runs_through_winograd_only_where_the_layer_starts_it()
    {
        var a = TestIr.Analyze(Cnn.Network(Text));
        var n = a.Network;
        var b = CpuBackend.Buffers(a).Find(Index(n, "b"), KernelBufferKind.WinogradBackwardWeights);
        Assert.NotNull(b);
        Assert.Equal((16L * 32 * 16, -1L), (b!.Floats, b.InferenceOffset));
        var graph = new ComputedGraph(n, a.Layers);
        Assert.True(WinogradConv.SuitsBackwardData(graph, Index(n, "b")));
        // a reads the network input; the add reads p after c; i's padding 3 is past the 3x3 kernel's reach.
        foreach (var name in new[] { "a", "c", "i" })
        {
            Assert.False(WinogradConv.SuitsBackwardData(graph, Index(n, name)), name);
            Assert.Null(CpuBackend.Buffers(a).Find(Index(n, name), KernelBufferKind.WinogradBackwardWeights));
        }
    }

    [Fact]
    public void Scratch_holds_the_largest_winograd_block_and_the_fused_pool_takes_none_of_its_own()
    {
        var a = TestIr.Analyze(Cnn.Network(Text));
        var n = a.Network;
        // a and b: 16 x 32 x (16 + 32) floats, the largest.
        long winograd = 16L * 32 * 48;
        Assert.Equal(winograd, CpuBackend.Buffers(a).Find(-1, KernelBufferKind.ConvWorkspace)!.Floats);
        Assert.Equal(winograd, CpuBackend.Buffers(a).Find(-1, KernelBufferKind.BackwardDataWorkspace)!.Floats);
        var chain = Assert.Single(ConvPoolFusion.All(new ComputedGraph(n, a.Layers)));
        Assert.Equal(new FusedConvPool(Index(n, "b"), -1, Index(n, "p"), 0, Winograd: true), chain);
        Assert.Null(CpuBackend.Buffers(a).Find(-1, KernelBufferKind.ConvPoolWorkspace));
    }

    [Fact]
    public void A_convolution_fused_with_a_pool_winograd_does_not_take_keeps_its_transform_for_training_only()
    {
        var a = TestIr.Analyze(Cnn.Network("""
            network Net {
                input 16x8x8
                c = conv2d(16, 3, padding: same)
                p = maxpool2d(3, stride: 1)
                fc = flatten -> dense(4)
            }
            """));
        var n = a.Network;
        var chain = Assert.Single(ConvPoolFusion.All(new ComputedGraph(n, a.Layers)));
        Assert.False(chain.Winograd);
        var slot = CpuBackend.Buffers(a).Find(Index(n, "c"), KernelBufferKind.WinogradWeights)!;
        Assert.Equal(-1L, slot.InferenceOffset);
        Assert.True(slot.TrainingOffset >= 0);
        Assert.NotNull(CpuBackend.Buffers(a).Find(-1, KernelBufferKind.ConvPoolWorkspace));
    }
}
