using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Execution;

/// <summary>What the execution emitter generates for Conv2DTranspose, SeparableConv2D, Upsample, LocalResponseNorm and Concat.</summary>
public class SpatialEmitTests
{
    private const string Network = """
        network Spatial {
            input 3x6x6
            batch 2
            optimizer sgd
            a = conv2d(4, 3, padding: same, activation: relu)             # (4, 6, 6)
            s = separable_conv2d(8, 3, padding: same, activation: relu)   # (8, 6, 6)
            c = concat(a, s)                                              # (12, 6, 6)
            l = lrn(2)
            t = conv2d_transpose(5, 2, stride: 2)                         # (5, 12, 12)
            u = upsample(2)                                               # (5, 24, 24)
            global_avgpool
            fc = dense(3, activation: softmax)
        }
        """;

    [Fact]
    public void Spatial_layers_get_forward_and_backward_calls_that_compile_clean()
    {
        var run = GeneratorTestHelper.Run(Array.Empty<string>(), new[] { ("/repo/spatial.cnn", Network) });
        Assert.Empty(GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        CompiledCode.AssertClean(run.Output);
        string code = Assert.Single(run.Sources).Value;

        Assert.Contains("partial class Spatial : global::NetGen.Execution.CompiledTrainableNetwork", code);
        // Inference and training forward: two of each call per layer (the separable layer's two halves, concat's two inputs).
        Assert.Equal(2, Count(code, "Kernels.Conv2DTranspose.Forward("));
        Assert.Equal(4, Count(code, "Kernels.Concat.Forward("));
        Assert.Equal(2, Count(code, "Kernels.LocalResponseNorm.Forward("));
        Assert.Equal(2, Count(code, "Kernels.Upsample.Forward("));
        // Separable halves call the kernel directly; plain convolutions at inference go through LayerBands.
        Assert.Equal(5, Count(code, "Kernels.Conv2D.Forward("));
        Assert.Equal(1, Count(code, "Execution.LayerBands.Conv2DForward(bands, "));
        // Backward: each input's slice of the concat's gradient; both halves of the separable layer.
        Assert.Equal(2, Count(code, "Kernels.Concat.Backward("));
        Assert.Equal(1, Count(code, "Kernels.LocalResponseNorm.Backward("));
        Assert.Equal(1, Count(code, "Kernels.Upsample.Backward("));
        Assert.Equal(1, Count(code, "Kernels.Conv2DTranspose.BackwardData("));
        Assert.Equal(3, Count(code, "Kernels.Conv2D.BackwardWeights("));
        // Training runs in two sample slices (a worker each): every layer, transposed and separable convolutions and
        // LRN included, on the slice's samples and its own share of the gradients, so no layer splits its backward halves.
        Assert.Contains("Slices = 2,", code);
        Assert.Contains("protected override void BackwardSlice(global::NetGen.Execution.ArenaView m, int phase, int s, int n, int slice, long scratch, long g)", code);
        Assert.DoesNotContain("override void Backward(int n)", code);
        Assert.Equal(0, Count(code, "new global::NetGen.Execution.ConvBackwardWork("));
        Assert.Equal(0, Count(code, "new global::NetGen.Execution.TransposedConvBackwardWork("));
        Assert.Contains("Kernels.Conv2DTranspose.Forward(m.Slice(", code);
        Assert.Matches(@"Conv2DTranspose\.Forward\(m\.Slice\(NetgenOffsets\.Saved_t \+ s \* 720, n \* 720\)", code);
        Assert.Matches(@"LocalResponseNorm\.Backward\(m\.Slice\(\d+ \+ s \* \d+( \+ n \* \d+)?, n \* 432\)", code);
        Assert.Contains("Conv2DTransposeDims.Create(1, 6, 6, 12, 5, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 1, 1); // t", code);
        Assert.Contains("new(\"s.depthwise.weight\", 112, new[] { 4, 1, 3, 3 }", code);
        Assert.Contains("new(\"s.pointwise.weight\", 148, new[] { 8, 4, 1, 1 }", code);
        Assert.Contains("new(\"t.weight\", 188, new[] { 12, 5, 2, 2 }", code);
    }

    [Fact]
    public void Kernel_buffers_of_the_spatial_layers()
    {
        var run = GeneratorTestHelper.Run(Array.Empty<string>(), new[] { ("/repo/spatial.cnn", Network) });
        string code = Assert.Single(run.Sources).Value;
        // Forward packings: a 1 x 9 x 3 x 16 = 432; s depthwise 9 x 16 = 144 and pointwise 1 x 4 x 16 = 64;
        // t ceil(5 / 16) x 4 x 12 x 16 = 768; fc 1 x 5 x 16 = 80. Scratch: the largest C/G + 16, s's pointwise 20.
        // Inference adds s's depthwise result for one sample, 6 x 6 x 4 = 144, and the input transpose, 108.
        Assert.Contains("InferenceKernelBytes = 7040;", code);
        // Training: backward packings s depthwise 144, pointwise ceil(4 / 16) x 8 x 16 = 128, t ceil(12 / 16) x 4 x 5 x 16 = 320;
        // s's depthwise result saved at batch 2 and its gradient, 2 x 2 x 144; backward scratch the largest of
        // s's pointwise K + 16 = 24, t's K + 16 = 21 and lrn's 2C = 24: 2700 floats. The two sample slices add their own
        // copies of both scratches, 2 x (20 + 24), and the second slice a block of the 451 trainable floats.
        Assert.Contains("TrainingKernelBytes = 12956;", code);
    }

    private static int Count(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
