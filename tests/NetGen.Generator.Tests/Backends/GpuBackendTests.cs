using System.Reflection;
using Microsoft.CodeAnalysis;
using NetGen.Generator.Analysis;
using NetGen.Generator.Backends.Gpu;
using NetGen.Generator.Model;
using NetGen.Generator.Parsing;
using NetGen.Generator.Tests.Infrastructure;
using NetGen.Generator.Tests.Pipeline;
using Xunit;

namespace NetGen.Generator.Tests.Backends;

/// <summary>
/// The GPU backend behind the contract: its schedule keeps the CPU's parameter table, the nested Gpu class is
/// written only when the compilation references NetGen.Runtime.Gpu, and Create's device choice gives the
/// CPU class or a clear error.
/// </summary>
public class GpuBackendTests
{
    private const string FusedGelu = """
        namespace App

        network Gelu {
            input 3x6x6
            batch 2
            conv1 = conv2d(4, 3)
            conv2 = conv2d(4, 1, activation: gelu)
            pool = global_avgpool
            head = dense(3)
        }
        """;

    private const string Residual = """
        namespace App

        network Res {
            input 2x6x6
            batch 3
            optimizer sgd
            stem = conv2d(4, 3, padding: 1, bias: false)
            bn0 = batchnorm
            relu0 = relu
            b = relu0 -> conv1: conv2d(4, 3, padding: 1) -> bn1: batchnorm
            sum = add(b, relu0)
            out = relu
            pool = global_avgpool
            head = dense(3)
        }
        """;

    private static NetworkIR Network(string cnn) => Assert.Single(CnnParser.Parse("net.cnn", cnn, "App").Networks);

    // ILGPU is built against an older System.Runtime than the reference assemblies: CS1701 is the compiler's unification note, not a fault.
    private static Compilation WithGpuRuntime(Compilation compilation) => compilation
        .WithOptions(compilation.Options.WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1701"] = ReportDiagnostic.Suppress }))
        .AddReferences(
            MetadataReference.CreateFromFile(typeof(NetGen.Gpu.GpuDevice).Assembly.Location),
            MetadataReference.CreateFromFile(typeof(ILGPU.Context).Assembly.Location));

    [Fact]
    public void The_gpu_schedule_has_the_cpus_parameter_table_and_regions_without_slices()
    {
        var network = Network(Residual);
        var cpu = NetworkAnalyzer.Analyze(network).Value!;
        var gpu = NetworkAnalyzer.Analyze(network, GpuBackend.Instance).Value!;
        Assert.Equal(cpu.Schedule.Parameters, gpu.Schedule.Parameters);
        Assert.Equal(cpu.Schedule.RegionOf(RegionKind.Gradients), gpu.Schedule.RegionOf(RegionKind.Gradients));
        Assert.Equal(1, gpu.Schedule.Slices);
        Assert.True(gpu.Schedule.CanTrain);
        // The folded batch norm runs after its convolution on the GPU: the stem's step says which.
        var stem = gpu.Schedule.InferenceForward.Single(s => s.Node == 1);
        Assert.Equal(2, stem.Epilogue.FoldedBatchNorm);
        var buffers = GpuBackend.Buffers(gpu);
        Assert.NotNull(buffers.Find(2, GpuBufferKind.BatchNormMean));
        Assert.Equal(4L * 2 * 3 * 3, buffers.Find(1, GpuBufferKind.PackedWeights)!.Floats);
    }

    [Fact]
    public void Transposed_and_separable_convolutions_and_clip_run_on_the_gpu_with_their_buffers()
    {
        var network = Network("""
            namespace App

            network Spatial {
                input 3x6x6
                batch 2
                up = conv2d_transpose(4, 3, stride: 2, activation: relu)
                sep = separable_conv2d(5, 3, multiplier: 2, activation: relu6)
                big = separable_conv2d(2, 1, frozen: true)
                c = clip(-1, 1)
                pool = global_avgpool
                head = dense(3)
            }
            """);
        var gpu = NetworkAnalyzer.Analyze(network, GpuBackend.Instance).Value!;
        Assert.Equal(-1, GpuBackend.Instance.FirstUnsupported(network, gpu.Layers));
        Assert.True(gpu.Schedule.CanTrain);
        var buffers = GpuBackend.Buffers(gpu);
        // up: (C, K, R, S) = 3 x 4 x 3 x 3 to (4, 13, 13); sep: depthwise 4 x 6 x 3 x 3, pointwise 6 -> 5 at 11 x 11.
        Assert.Equal(3L * 4 * 3 * 3, buffers.Find(1, GpuBufferKind.PackedWeights)!.Floats);
        Assert.Equal(4L * 2 * 3 * 3, buffers.Find(2, GpuBufferKind.PackedWeights)!.Floats);
        Assert.Equal(8L * 5, buffers.Find(2, GpuBufferKind.PointwisePackedWeights)!.Floats);
        Assert.Equal(2L * 11 * 11 * 8, buffers.Find(2, GpuBufferKind.SavedDepthwiseOutput)!.Floats);
        Assert.Equal(-1, buffers.Find(2, GpuBufferKind.SavedDepthwiseOutput)!.InferenceOffset);
        // The shared depthwise result is the largest: big's 5 x 11 x 11 (1x1 kernel, multiplier 1) is smaller than sep's.
        Assert.Equal(11L * 11 * 8, buffers.Find(-1, GpuBufferKind.DepthwiseOutput)!.Floats);
        Assert.Equal(2L * 11 * 11 * 8, buffers.Find(-1, GpuBufferKind.DepthwiseOutputGradient)!.Floats);
    }

    [Fact]
    public void A_dropout_runs_on_the_gpu_with_a_mask_over_the_batch()
    {
        var network = Network("""
            namespace App

            network Drop {
                input 2x4x4
                batch 3
                conv1 = conv2d(4, 3, padding: 1, activation: relu)
                drop = dropout(0.5)
                pool = global_avgpool
                head = dense(3)
            }
            """);
        var gpu = NetworkAnalyzer.Analyze(network, GpuBackend.Instance).Value!;
        Assert.Equal(-1, GpuBackend.Instance.FirstUnsupported(network, gpu.Layers));
        Assert.True(gpu.Schedule.CanTrain);
        var mask = GpuBackend.Buffers(gpu).Find(2, GpuBufferKind.DropoutMask)!;
        Assert.Equal(3L * 4 * 4 * 4, mask.Floats);
        Assert.Equal(-1, mask.InferenceOffset);
    }

    /// <summary>
    /// The last CPU-only kinds run on the GPU: batch norm without gamma and/or beta (the kernels read an empty one as 1 / 0),
    /// scale, shift and crop; every layer is supported and the network trains there, with no kernel buffer beyond the batch norm's.
    /// </summary>
    [Theory]
    [InlineData("batchnorm")]
    [InlineData("batchnorm(scale: false)")]
    [InlineData("batchnorm(center: false)")]
    [InlineData("batchnorm(scale: false, center: false)")]
    [InlineData("scale(0.5)")]
    [InlineData("shift(-3)")]
    [InlineData("crop(1, 0, 2, 3)")]
    public void Batch_norm_without_scale_or_center_scale_shift_and_crop_run_on_the_gpu(string layer)
    {
        var network = Network("network G {\n input 3x4x4\n batch 2\n conv2d(4, 3, padding: 1)\n " + layer + "\n global_avgpool\n dense(2)\n}");
        var gpu = NetworkAnalyzer.Analyze(network, GpuBackend.Instance).Value!;
        Assert.Equal(-1, GpuBackend.Instance.FirstUnsupported(network, gpu.Layers));
        Assert.True(gpu.Schedule.CanTrain);
        var kinds = GpuBackend.Buffers(gpu).Slots.Where(s => s.Node == 2).Select(s => s.Kind).ToArray();
        Assert.Equal(layer.StartsWith("batchnorm", StringComparison.Ordinal) ? new[] { GpuBufferKind.BatchNormMean, GpuBufferKind.BatchNormInvStd } : [], kinds);
    }

    [Fact]
    public void A_fused_activation_that_reads_its_input_runs_on_the_gpu_with_its_pre_activation_kept()
    {
        var network = Network(FusedGelu);
        var gpu = NetworkAnalyzer.Analyze(network, GpuBackend.Instance).Value!;
        Assert.True(gpu.Schedule.CanPredict);
        Assert.Equal(-1, GpuBackend.Instance.FirstUnsupported(network, gpu.Layers));
        // conv2's (4, 4, 4) pre-activation over the batch of 2, training only; conv1 (no activation) keeps none.
        var pre = GpuBackend.Buffers(gpu).Find(2, GpuBufferKind.PreActivation)!;
        Assert.Equal(2L * 4 * 4 * 4, pre.Floats);
        Assert.Equal(-1, pre.InferenceOffset);
        Assert.Null(GpuBackend.Buffers(gpu).Find(1, GpuBufferKind.PreActivation));
    }

    [Fact]
    public void Without_the_gpu_runtime_there_is_no_gpu_class_and_cuda_asks_for_the_package()
    {
        var run = GeneratorTestHelper.Run(PipelineSources.AttributeNetwork);
        var source = Assert.Single(run.Sources).Value;
        Assert.DoesNotContain("class Gpu", source);
        Assert.DoesNotContain("global::NetGen.Gpu", source);
        var assembly = CompiledCode.Load(run.Output);
        var create = Create(assembly, "App.Mnist");
        using (var cpu = (NetGen.Execution.INetwork)create.Invoke(null, new object[] { 1UL, NetGen.Execution.ExecutionMode.Inference, NetGen.Execution.NetworkDevice.Cpu })!)
            Assert.Equal("App.Mnist", cpu.GetType().FullName);
        using (var auto = (NetGen.Execution.INetwork)create.Invoke(null, new object[] { 1UL, NetGen.Execution.ExecutionMode.Training, NetGen.Execution.NetworkDevice.Auto })!)
        {
            Assert.Equal("App.Mnist", auto.GetType().FullName);
            Assert.Equal("cpu", auto.DeviceName);
        }
        var error = Assert.Throws<TargetInvocationException>(() =>
            create.Invoke(null, new object[] { 1UL, NetGen.Execution.ExecutionMode.Inference, NetGen.Execution.NetworkDevice.Cuda }));
        var inner = Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal("Mnist cannot run on CUDA: reference the NetGen.Gpu package (NetGen.Runtime.Gpu), so that the generator writes its GPU class.", inner.Message);
    }

    [Fact]
    public void With_the_gpu_runtime_the_gpu_class_is_written_and_compiles()
    {
        var driver = GeneratorTestHelper.CreateDriver();
        var run = GeneratorTestHelper.Run(driver, WithGpuRuntime(GeneratorTestHelper.Compilation(PipelineSources.AttributeNetwork)));
        Assert.Empty(GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        var source = Assert.Single(run.Sources).Value;
        Snapshot.Verify("Generator.App.Mnist.Gpu", source);
        CompiledCode.AssertClean(run.Output);
        Assert.Contains("public sealed class Gpu : global::NetGen.Gpu.Execution.GpuTrainableNetwork", source);
        Assert.Contains("return new Gpu(global::NetGen.Gpu.GpuDevice.SharedCuda(), seed, mode);", source);
    }

    [Fact]
    public void With_the_gpu_runtime_every_layer_kind_gets_the_gpu_class_a_fused_gelu_included()
    {
        var texts = new[] { (AdditionalText)new InMemoryAdditionalText("Gelu.cnn", FusedGelu) };
        var run = GeneratorTestHelper.Run(GeneratorTestHelper.CreateDriver(texts), WithGpuRuntime(GeneratorTestHelper.Compilation()));
        Assert.Empty(GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        var source = Assert.Single(run.Sources).Value;
        CompiledCode.AssertClean(run.Output);
        Assert.Contains("public sealed class Gpu : global::NetGen.Gpu.Execution.GpuTrainableNetwork", source);
        Assert.Contains("GpuActivations.On(d).BackwardInPlaceWithInput(", source);
        Assert.DoesNotContain("cannot run on CUDA: layer", source);
    }

    private static MethodInfo Create(Assembly assembly, string type) =>
        assembly.GetType(type, throwOnError: true)!.GetMethod("Create", BindingFlags.Public | BindingFlags.Static)!;
}
