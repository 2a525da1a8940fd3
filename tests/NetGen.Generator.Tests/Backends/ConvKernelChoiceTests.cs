using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Tests.Analysis;
using NetGen.Generator.Tests.Infrastructure;
using NetGen.Generator.Tests.Parsing;
using NetGen.Kernels;
using Xunit;

namespace NetGen.Generator.Tests.Backends;

/// <summary>The CPU kernel-choice table (one file shared with the runtime): its rows, and the training code the generator emits from it.</summary>
public class ConvKernelChoiceTests
{
    private static ConvShape Shape(int c, int k, int r, int stride, int p, int groups = 1, int dilation = 1, int pad = 0) =>
        new(c, k, r, r, stride, stride, dilation, dilation, groups, pad, pad, p, p);

    [Fact]
    public void Each_row_of_the_table_picks_its_kernel_first_match_wins()
    {
        // ResNet-18 shapes: 3x3 stride 1 over 64..512 channels: Winograd; stem 7x7/2 from 3 channels: row taps;
        // the stride-2 3x3 and 1x1 downsamples: pixel tiles; a depthwise layer; a 3x3 output: direct (a tile 1/3 full).
        Assert.Equal(ConvKernel.Winograd, ConvKernelChoice.Forward(Shape(256, 256, 3, 1, 14, pad: 1)));
        Assert.Equal(ConvKernel.RowTaps, ConvKernelChoice.Forward(Shape(3, 64, 7, 2, 112, pad: 3)));
        Assert.Equal(ConvKernel.PixelTiles, ConvKernelChoice.Forward(Shape(128, 256, 3, 2, 14, pad: 1)));
        Assert.Equal(ConvKernel.PixelTiles, ConvKernelChoice.Forward(Shape(128, 256, 1, 2, 14)));
        Assert.Equal(ConvKernel.Depthwise, ConvKernelChoice.Forward(Shape(32, 32, 3, 1, 8, groups: 32, pad: 1)));
        Assert.Equal(ConvKernel.Direct, ConvKernelChoice.Forward(Shape(64, 64, 1, 1, 3)));
        Assert.Equal(ConvKernel.Direct, ConvKernelChoice.Forward(Shape(8, 32, 1, 1, 8)));     // C < 16
        Assert.Equal(ConvKernel.Direct, ConvKernelChoice.Forward(Shape(16, 48, 1, 1, 8)));    // K not a multiple of 32
        Assert.Equal(ConvKernel.Direct, ConvKernelChoice.Forward(Shape(3, 48, 3, 1, 8)));     // stem with K not a multiple of 64
        // Where only packed weights exist, a Winograd shape takes the next row.
        Assert.Equal(ConvKernel.PixelTiles, ConvKernelChoice.ForwardPacked(Shape(256, 256, 3, 1, 14, pad: 1)));
    }

    [Fact]
    public void Pooled_and_backward_choices()
    {
        var winograd = Shape(32, 64, 3, 1, 10);
        Assert.Equal(ConvPoolKernel.Winograd, ConvKernelChoice.ForwardPooled(winograd, 2, 2, 2, 2, 0, 0, 5, 5));
        Assert.Equal(ConvPoolKernel.Direct, ConvKernelChoice.ForwardPooled(winograd, 2, 2, 1, 1, 0, 0, 9, 9));
        Assert.Equal(ConvPoolKernel.Direct, ConvKernelChoice.ForwardPooled(Shape(1, 32, 3, 1, 26), 2, 2, 2, 2, 0, 0, 13, 13));
        Assert.True(ConvKernelChoice.OneChannelPooled(Shape(1, 32, 3, 1, 26)));
        Assert.Equal(ConvBackwardKernel.Winograd, ConvKernelChoice.BackwardData(winograd, startsGradient: true));
        Assert.Equal(ConvBackwardKernel.AsConvolution, ConvKernelChoice.BackwardData(winograd, startsGradient: false));
        Assert.Equal(ConvBackwardKernel.Scatter, ConvKernelChoice.BackwardData(Shape(32, 64, 3, 2, 5), startsGradient: true));
        Assert.Equal(ConvBackwardKernel.AsConvolution, ConvKernelChoice.BackwardData(Shape(32, 64, 3, 1, 12, pad: 2), startsGradient: false));
        Assert.Equal(ConvBackwardKernel.Scatter, ConvKernelChoice.BackwardData(Shape(32, 64, 3, 1, 14, pad: 3), startsGradient: true));
        Assert.Equal(16L * 32 * 64, ConvKernelChoice.WinogradWeightFloats(winograd));
        Assert.Equal(16L * 32 * (32 + 64), ConvKernelChoice.WinogradWorkspaceFloats(winograd));
    }

    [Fact]
    public void Generator_reads_a_node_shape_with_its_groups_and_padding()
    {
        var n = Cnn.Network("""
            network Net {
                input 3x12x12
                stem = conv2d(64, 7, stride: 2, padding: same)
                dw = depthwise_conv2d(3, padding: same)
                fc = flatten -> dense(4)
            }
            """);
        var a = TestIr.Analyze(n);
        var stem = Cnn.Node(n, "stem");
        var shape = ConvShapes.Of(stem, a.Layers[0].Output, a.Layers[1].Output);
        Assert.Equal((3, 64, 7, 2, 6, 6, 1), (shape.C, shape.K, shape.R, shape.StrideH, shape.P, shape.Q, shape.Groups));
        Assert.Equal(ConvKernel.RowTaps, ConvShapes.Forward(stem, a.Layers[0].Output, a.Layers[1].Output));
        Assert.Equal(ConvKernel.Depthwise, ConvShapes.Forward(Cnn.Node(n, "dw"), a.Layers[1].Output, a.Layers[2].Output));
    }

    [Fact]
    public void Training_forward_takes_the_row_tap_and_pixel_tile_kernels_the_table_picks()
    {
        var run = GeneratorTestHelper.Run("""
            using NetGen;
            namespace App;
            [Network(3, 16, 16, Batch = 4)]
            [Conv2D(64, 3, Stride = 2, Padding = Padding.Same, Activation = Activation.ReLU, Name = "stem")]
            [Conv2D(32, 1, Name = "mix")]
            [Conv2D(32, 3, Padding = Padding.Same, Name = "same")]
            [Conv2D(24, 1, Name = "narrow")]
            [GlobalAvgPool(Name = "gap")]
            [Dense(5, Activation = Activation.Softmax, Name = "fc")]
            public partial class Net;
            """);
        Assert.Empty(GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        Assert.Empty(GeneratorTestHelper.Describe(run.CompilationDiagnostics));
        string code = run.Sources["App.Net.Network.g.cs"];
        // Training: stem on row taps, mix (1x1, 64 -> 32, 8x8) on pixel tiles, same through Winograd, narrow (K = 24) direct.
        Assert.Equal(1, Count(code, "global::NetGen.Kernels.Conv2D.ForwardRowTaps("));
        Assert.Equal(1, Count(code, "global::NetGen.Kernels.Conv2D.ForwardPixelTiles("));
        Assert.Equal(1, Count(code, "global::NetGen.Kernels.Conv2D.ForwardWinograd("));
        Assert.Equal(1, Count(code, "global::NetGen.Kernels.Conv2D.Forward("));
        // Inference: LayerBands, which chooses by the same table and only splits that kernel's work.
        Assert.Equal(3, Count(code, "global::NetGen.Execution.LayerBands.Conv2DForward(bands, "));
    }

    private static int Count(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, System.StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, System.StringComparison.Ordinal)) count++;
        return count;
    }
}
