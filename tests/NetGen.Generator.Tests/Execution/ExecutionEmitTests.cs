using NetGen.Generator.Analysis;
using NetGen.Generator.Backends.Cpu;
using NetGen.Generator.Tests.Infrastructure;
using Xunit;

namespace NetGen.Generator.Tests.Execution;

/// <summary>What the execution emitter generates, and what it declines to generate, with which diagnostics.</summary>
public class ExecutionEmitTests
{
    private const string Mnist = """
        using NetGen;
        namespace App;
        [Network(1, 28, 28, Batch = 64)]
        [Conv2D(32, 3, Activation = Activation.ReLU, Name = "conv1")]
        [MaxPool2D(2, Name = "pool1")]
        [Conv2D(64, 3, Activation = Activation.ReLU, Name = "conv2")]
        [MaxPool2D(2, Name = "pool2")]
        [Conv2D(64, 3, Activation = Activation.ReLU, Name = "conv3")]
        [Flatten(Name = "flatten")]
        [Dense(64, Activation = Activation.ReLU, Name = "dense_1")]
        [Dense(10, Activation = Activation.Softmax, Name = "dense_2")]
        public partial class Net;
        """;

    [Fact]
    public void Runnable_network_gets_straight_line_code_that_compiles_clean()
    {
        var run = GeneratorTestHelper.Run(Mnist);
        Assert.Empty(GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        Assert.Empty(GeneratorTestHelper.Describe(run.CompilationDiagnostics));
        string code = run.Sources["App.Net.Network.g.cs"];

        Assert.Contains("partial class Net : global::NetGen.Execution.CompiledTrainableNetwork", code);
        // One kernel call per layer and pass, no loop over layers: training runs three convolutions and
        // two pools; inference runs conv1 and conv2 each with its pool in one call, and conv3 through
        // LayerBands, which splits a large convolution over a pool given to UseWorkerPool. conv2 and conv3
        // (3x3, stride 1, channels multiples of 16) run through Winograd F(2x2, 3x3), conv2 with its 2x2 pool.
        Assert.Equal(1, Count(code, "global::NetGen.Kernels.Conv2D.Forward("));
        Assert.Equal(2, Count(code, "global::NetGen.Kernels.Conv2D.ForwardWinograd("));
        Assert.Equal(1, Count(code, "global::NetGen.Execution.LayerBands.Conv2DForwardWinograd(bands, "));
        Assert.Equal(0, Count(code, "global::NetGen.Execution.LayerBands.Conv2DForward(bands, "));
        Assert.Equal(2, Count(code, "global::NetGen.Kernels.MaxPool2D.Forward("));
        Assert.Equal(1, Count(code, "global::NetGen.Kernels.Conv2D.ForwardMaxPool("));
        Assert.Equal(1, Count(code, "global::NetGen.Execution.LayerBands.Conv2DForwardWinogradMaxPool(bands, "));
        Assert.Equal(3, Count(code, "global::NetGen.Kernels.Conv2D.BackwardWeights("));
        // conv1 reads the network input: no input gradient, no backward packing; conv2's and conv3's
        // are in the sample slices' shares of the repack (together the whole repack), each followed by
        // its Winograd transform, and their input gradients run through Winograd, overwriting dX.
        Assert.Equal(2, Count(code, "global::NetGen.Kernels.Conv2D.PackForBackward("));
        Assert.Equal(2, Count(code, "global::NetGen.Kernels.Conv2D.PackWinogradForBackward("));
        // Inference packs conv2 and conv3 once; training in the slices' shares.
        Assert.Equal(4, Count(code, "global::NetGen.Kernels.Conv2D.PackWinograd("));
        Assert.Equal(2, Count(code, "global::NetGen.Kernels.Conv2D.BackwardDataWinograd("));
        Assert.Equal(0, Count(code, "global::NetGen.Kernels.Conv2D.BackwardData("));
        Assert.Contains("Slices = 2,", code);
        Assert.Contains("Conv2DDims.Create(1, 28, 28, 1, 32, 3, 3, 1, 1, 0, 0, 0, 0, 1, 1, 1); // conv1", code);
        Assert.Contains("new(1, 576, 64); // dense_1", code);
        Assert.Contains("new(\"dense_1.weight\", 55744, new[] { 64, 576 }", code);
        Assert.Contains("new[] { 64, 3, 3 })", code);
        Assert.DoesNotContain("foreach", code);
    }

    [Fact]
    public void Unsupported_layer_kinds_get_one_warning_each_and_no_execution_members()
    {
        // Every layer kind runs; a multiply of three inputs is the one form its kernels do not take.
        var run = GeneratorTestHelper.Run(Array.Empty<string>(), new[]
        {
            ("Gates.cnn", """
                network Gates {
                    input 4x6x6
                    a = conv2d(4, 3, padding: same)
                    b = input -> conv2d(4, 3, padding: same)
                    c = input -> conv2d(4, 3, padding: same)
                    g = multiply(a, b, c) -> global_avgpool -> dense(3)
                }
                """),
        });
        Assert.Equal(new[]
        {
            "NG0301 Gates.cnn(6,9): Layer 'multiply_1' (Multiply) cannot run on the CPU yet; the network's constants and summary are still generated, but no Predict or TrainStep",
        }, GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        Assert.Empty(GeneratorTestHelper.Describe(run.CompilationDiagnostics.Where(d => d.Id != "NG0301")));
        string code = run.Sources.Single(pair => pair.Key.Contains("Gates", StringComparison.Ordinal)).Value;
        Assert.Contains("public const long ParameterCount", code);
        Assert.Contains("public const long InferenceKernelBytes", code);
        Assert.DoesNotContain("Predict", code);
    }

    [Theory]
    [InlineData("Adam", 1e-3f, 0.9f)]
    [InlineData("Sgd", 1e-2f, 0.9f)]
    [InlineData("None", 1e-2f, 0f)]
    public void The_declared_optimizer_steps_through_the_shared_update_rules(string optimizer, float rate, float momentum)
    {
        var run = GeneratorTestHelper.Run(Mnist.Replace("Batch = 64", "Batch = 64, Optimizer = OptimizerType." + optimizer));
        Assert.Empty(GeneratorTestHelper.Describe(run.CompilationDiagnostics));
        string code = run.Sources["App.Net.Network.g.cs"];
        // The base class steps with the declared optimizer's update rule and defaults; the class names it once.
        Assert.Contains("Optimizer = global::NetGen.OptimizerType." + optimizer + ",", code);
        Assert.DoesNotContain("OptimizerStep.", code);
        var assembly = CompiledCode.Load(run.Output);
        using var net = (NetGen.Execution.CompiledTrainableNetwork)Activator.CreateInstance(
            assembly.GetType("App.Net")!, 1UL, NetGen.Execution.ExecutionMode.Training)!;
        Assert.Equal(rate, net.TrainingSettings.LearningRate);
        Assert.Equal(momentum, net.TrainingSettings.Momentum);
    }

    [Fact]
    public void Each_worker_copy_is_the_whole_inference_memory()
    {
        var assembly = CompiledCode.Load(GeneratorTestHelper.Run(Mnist).Output);
        long inference = (long)CompiledCode.Static(assembly, "App.Net", "InferenceBytes")!;
        long kernels = (long)CompiledCode.Static(assembly, "App.Net", "InferenceKernelBytes")!;
        Assert.Equal(inference + kernels, (long)CompiledCode.Static(assembly, "App.Net", "WorkerInferenceBytes")!);
    }

    [Fact]
    public void Single_channel_image_output_gets_predict_and_an_info_instead_of_train_step()
    {
        var run = GeneratorTestHelper.Run("""
            using NetGen;
            [Network(3, 8, 8)]
            [Conv2D(1, 3, Padding = Padding.Same)]
            public partial class Net;
            """);
        Assert.Equal(new[]
        {
            "NG0302 Source0.cs(2,2): Network 'Net' gets no TrainStep: its output (1, 8, 8) has one channel, and per-pixel softmax cross-entropy needs at least two classes",
        }, GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        Assert.Empty(GeneratorTestHelper.Describe(run.CompilationDiagnostics.Where(d => d.Id != "NG0302")));
        string code = run.Sources["Net.Network.g.cs"];
        Assert.Contains("partial class Net : global::NetGen.Execution.CompiledNetwork\n", code);
        Assert.DoesNotContain("TrainStep", code);
    }

    [Fact]
    public void Per_pixel_class_scores_get_train_step_with_one_label_per_pixel()
    {
        var run = GeneratorTestHelper.Run("""
            using NetGen;
            [Network(3, 8, 6)]
            [Conv2D(4, 3, Padding = Padding.Same, Activation = Activation.Softmax)]
            public partial class Net;
            """);
        Assert.Empty(GeneratorTestHelper.Describe(run.GeneratorDiagnostics));
        Assert.Empty(GeneratorTestHelper.Describe(run.CompilationDiagnostics));
        string code = run.Sources["Net.Network.g.cs"];
        Assert.Contains("partial class Net : global::NetGen.Execution.CompiledTrainableNetwork\n", code);
        // Predict on a training instance (the base class): softmax over each pixel's 4 channels, then back to channels-first.
        Assert.Contains("LabelsPerSample = 48, LabelGrid = \"8x6\", Classes = 4, OutputHeight = 8, OutputWidth = 6,", code);
        Assert.Contains("FinalSoftmax = true,", code);
    }

    [Fact]
    public void Kernel_buffers_of_the_textbook_exercise()
    {
        var analysis = HandBuiltAnalyses.ThreeConv();
        var buffers = KernelBufferPlanner.Plan(analysis.Network, analysis.Layers);
        // Forward packings pad K to 16: conv1 112*3*9, conv2 208*100*9, conv3 400*200*9 floats;
        // the scratch is conv3's 200 + 16; the input transpose one 3x200x300 sample.
        long forward = 112 * 3 * 9 + 208 * 100 * 9 + 400 * 200 * 9;
        Assert.Equal((forward + 216 + 3 * 200 * 300) * 4, buffers.InferenceBytes);
        // Backward packings pad C to 16 (conv2: 112*200*9, conv3: 208*400*9); conv1 reads the input.
        // Training runs two sample slices: each its own scratch (2 x 216), the second its own weight
        // gradients (2,800 + 180,200 + 720,400 parameters).
        long slices = 2 * 216 + 2_800 + 180_200 + 720_400;
        Assert.Equal((forward + 112 * 200 * 9 + 208 * 400 * 9 + 216 + slices) * 4, buffers.TrainingBytes);
        Assert.Contains("Kernel buffers beside the plans (packed weights, scratch): 4.4 MB inference, 11.1 MB training",
            NetGen.Generator.Emit.SummaryWriter.Write(analysis));
    }

    private static int Count(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
