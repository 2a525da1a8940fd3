using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Model;
using NetGen.Generator.Tests.Parsing;
using Xunit;

namespace NetGen.Generator.Tests.Analysis;

/// <summary>
/// A fused activation whose backward needs its input keeps the layer's pre-activation in training:
/// the kernel buffers (and so the summary's kernel-buffer line and the allocation) say so.
/// </summary>
public class PreActivationBufferTests
{
    private static string Text(string act) => $$"""
        network Net {
            input 3x8x8
            batch 4
            c1 = conv2d(16, 3, padding: 1, activation: {{act}})   # (16, 8, 8)
            c2 = conv2d(8, 1) -> {{(act == "gelu_tanh" ? "gelu(approximate: tanh)" : act)}}   # a chain fuses the same way
            pool = global_avgpool
            fc = dense(5, activation: {{act}})
            head = dense(3)
        }
        """;

    [Theory]
    [InlineData("hardswish")]
    [InlineData("silu")]
    [InlineData("gelu")]
    [InlineData("gelu_tanh")]
    [InlineData("mish")]
    public void Training_saves_batch_times_the_output_of_each_layer_inference_nothing(string act)
    {
        var a = TestIr.Analyze(Cnn.Network(Text(act)));
        var relu = TestIr.Analyze(Cnn.Network(Text("relu")));
        var n = a.Network;
        int Index(string name) => n.Nodes.AsImmutableArray().IndexOf(Cnn.Node(n, name));
        var k = CpuBackend.Buffers(a);
        var kRelu = CpuBackend.Buffers(relu);
        long[] expected = { 4 * 16 * 64, 4 * 8 * 64, 4 * 5 };
        string[] layers = { "c1", "c2", "fc" };
        for (int i = 0; i < layers.Length; i++)
        {
            var slot = k.Find(Index(layers[i]), KernelBufferKind.SavedPreActivation)!;
            Assert.Equal((expected[i], -1L), (slot.Floats, slot.InferenceOffset));
        }
        Assert.Null(k.Find(Index("head"), KernelBufferKind.SavedPreActivation));
        Assert.Null(kRelu.Find(Index("c1"), KernelBufferKind.SavedPreActivation));
        Assert.Equal(kRelu.InferenceBytes, k.InferenceBytes);
        Assert.Equal(kRelu.TrainingBytes + 4 * (expected[0] + expected[1] + expected[2]), k.TrainingBytes);
        Assert.Equal(n.Nodes.Count, relu.Network.Nodes.Count);
    }
}

/// <summary>A convolution with a non-monotonic fused activation does not run with its max pool (the pooled kernels may apply the activation after the pool).</summary>
public class PreActivationPoolTests
{
    [Theory]
    [InlineData("silu", false)]
    [InlineData("gelu", false)]
    [InlineData("relu6", true)]
    public void Only_a_non_decreasing_fused_activation_runs_with_the_pool(string act, bool fuses)
    {
        var a = TestIr.Analyze(Cnn.Network("network N {\n input 3x8x8\n c = conv2d(16, 3, padding: 1, activation: " + act + ")\n maxpool2d(2)\n flatten\n dense(2)\n}"));
        var n = a.Network;
        int conv = n.Nodes.AsImmutableArray().IndexOf(Cnn.Node(n, "c"));
        var chain = ConvPoolFusion.Of(new NetGen.Generator.Analysis.ComputedGraph(n, a.Layers), conv);
        Assert.Equal(fuses, chain is not null);
    }
}
