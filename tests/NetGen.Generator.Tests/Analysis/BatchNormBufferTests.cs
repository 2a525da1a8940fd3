using NetGen.Generator.Analysis;
using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Model;
using NetGen.Generator.Tests.Parsing;
using Xunit;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>Which batch norms fold into their convolution at inference, and the kernel buffers batch norms add.</summary>
public class BatchNormBufferTests
{
    private const string Text = """
        network Net {
            input 3x8x8
            batch 4
            c1 = conv2d(16, 3, padding: 1, bias: false)
            bn1 = batchnorm                              # folds: c1's only reader, no activation
            r1 = relu
            c2 = conv2d(8, 3, padding: 1, activation: relu)
            bn2 = batchnorm                              # no: c2 has a fused ReLU
            c3 = conv2d(8, 1)
            bn3 = batchnorm                              # no: c3 is also read by the add
            sum = add(bn3, c3)
            bn4 = batchnorm                              # no: its input is an add
            pool = global_avgpool
            fc = dense(4)
        }
        """;

    [Fact]
    public void Only_a_batch_norm_that_is_a_plain_convolutions_only_reader_folds()
    {
        var a = TestIr.Analyze(Cnn.Network(Text));
        var n = a.Network;
        int Index(string name) => n.Nodes.AsImmutableArray().IndexOf(Cnn.Node(n, name));
        var graph = new ComputedGraph(n, a.Layers);
        Assert.Equal(Index("c1"), BatchNormFolding.Target(graph, Index("bn1")));
        Assert.Equal(Index("bn1"), BatchNormFolding.FoldedInto(graph, Index("c1")));
        Assert.Equal(-1, BatchNormFolding.Target(graph, Index("bn2")));
        Assert.Equal(-1, BatchNormFolding.Target(graph, Index("bn3")));
        Assert.Equal(-1, BatchNormFolding.Target(graph, Index("bn4")));
        Assert.Equal(-1, BatchNormFolding.FoldedInto(graph, Index("c3")));
    }

    [Fact]
    public void Batch_norms_add_saved_statistics_scratch_and_folded_biases()
    {
        var a = TestIr.Analyze(Cnn.Network(Text));
        var n = a.Network;
        int Index(string name) => n.Nodes.AsImmutableArray().IndexOf(Cnn.Node(n, name));
        var k = CpuBackend.Buffers(a);
        // Training saves mean and 1/std (2 x C) per batch norm; inference has none.
        Assert.Equal(32, k.Find(Index("bn1"), KernelBufferKind.BatchNormStatistics)!.Floats);
        Assert.Equal(-1, k.Find(Index("bn1"), KernelBufferKind.BatchNormStatistics)!.InferenceOffset);
        Assert.Equal(16, k.Find(Index("bn4"), KernelBufferKind.BatchNormStatistics)!.Floats);
        // A folded bias (K) for c1 only, inference only.
        var folded = k.Find(Index("c1"), KernelBufferKind.FoldedBias)!;
        Assert.Equal((16L, -1L), (folded.Floats, folded.TrainingOffset));
        Assert.Null(k.Find(Index("c2"), KernelBufferKind.FoldedBias));
        // Scratch: training the backward's 3 x 16 (bn1); inference 2 x 8, the largest unfolded.
        var scratch = k.Find(-1, KernelBufferKind.BatchNormWorkspace)!;
        Assert.Equal(48, scratch.Floats);

        var without = TestIr.Analyze(Cnn.Network(Text.Replace("bn1 = batchnorm", "bn1 = relu").Replace("bn2 = batchnorm", "bn2 = relu")
            .Replace("bn3 = batchnorm", "bn3 = relu").Replace("bn4 = batchnorm", "bn4 = relu")));
        Assert.Equal(CpuBackend.Buffers(without).InferenceBytes + 4 * (16 + 16), k.InferenceBytes);
        // Both train in two sample slices. The batch norms add to them: each slice's batch-norm scratch (2 x 48), the
        // second slice's gradients of the four gammas and betas (2 x (16 + 8 + 8 + 8)), and one buffer of partials,
        // (2 x 2 slices + 3) x the widest C, 16.
        Assert.Equal(2, KernelBufferPlanner.TrainingSlices(n, a.Layers));
        Assert.Equal(2, KernelBufferPlanner.TrainingSlices(without.Network, without.Layers));
        Assert.Equal(7 * 16, k.Find(-1, KernelBufferKind.BatchNormSlicePartials)!.Floats);
        Assert.Null(CpuBackend.Buffers(without).Find(-1, KernelBufferKind.BatchNormSlicePartials));
        Assert.Equal(CpuBackend.Buffers(without).Find(-1, KernelBufferKind.SliceWorkspace)!.Floats + 2 * 48,
            k.Find(-1, KernelBufferKind.SliceWorkspace)!.Floats);
        Assert.Equal(CpuBackend.Buffers(without).TrainingBytes + 4 * (32 + 16 + 16 + 16 + 48) + 4 * (2 * 48 + 80 + 112), k.TrainingBytes);
    }
}
