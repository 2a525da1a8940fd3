using NetGen.Execution;
using NetGen.Kernels;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>What an instance allocates is what the generated constants say, and nothing more per call.</summary>
public class MemoryTests
{
    public static TheoryData<string> Names() => new(Cases.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Allocation_equals_the_plan_plus_kernel_buffers(string name)
    {
        var (inference, training) = Cases.PlannedBytes(name);
        Assert.Equal(inference, Cases.Make(name, 1, ExecutionMode.Inference).AllocatedBytes);
        Assert.Equal(training, Cases.Make(name, 1, ExecutionMode.Training).AllocatedBytes);
    }

    [Fact]
    public void Mnist_figures_are_the_plan_and_the_kernels_own_sizes()
    {
        Assert.Equal(93_322L, MnistCnn.ParameterCount);
        // Kernel buffers from the kernels' own size functions: forward packings, conv2/conv3
        // backward packings (conv1 reads the network input, which needs no gradient), and in
        // training the backward-data scratch of the stride-1 convolutions.
        var conv1 = Conv2DDims.Create(1, 28, 28, 1, 32, 3, 3);
        var conv2 = Conv2DDims.Create(1, 13, 13, 32, 64, 3, 3);
        var conv3 = Conv2DDims.Create(1, 5, 5, 64, 64, 3, 3);
        var dense1 = new DenseDims(1, 576, 64);
        var dense2 = new DenseDims(1, 64, 10);
        long forward = Conv2D.PackedWeightFloats(conv1) + Conv2D.PackedWeightFloats(conv2) + Conv2D.PackedWeightFloats(conv3)
            + Dense.PackedWeightFloats(dense1) + Dense.PackedWeightFloats(dense2);
        long backward = Conv2D.PackedBackwardWeightFloats(conv2) + Conv2D.PackedBackwardWeightFloats(conv3);
        // conv2 and conv3 (3x3 stride 1, channels multiples of 16) run through Winograd F(2x2, 3x3), forward and
        // input gradient (each is the only reader of its input): two transformed copies of their weights, and the
        // largest Winograd scratch (conv3's, 16 x 32 x (64 + 64)) as both the convolution and the backward-data scratch.
        Assert.False(Conv2D.SuitsWinograd(conv1));
        Assert.True(Conv2D.SuitsWinograd(conv2) && Conv2D.SuitsWinograd(conv3));
        Assert.True(Conv2D.SuitsWinogradBackwardData(conv2) && Conv2D.SuitsWinogradBackwardData(conv3));
        long winograd = Conv2D.WinogradWeightFloats(conv2) + Conv2D.WinogradWeightFloats(conv3);
        long workspace = Math.Max(Conv2D.ForwardWorkspaceFloats(conv1), Math.Max(Conv2D.WinogradWorkspaceFloats(conv2), Conv2D.WinogradWorkspaceFloats(conv3)));
        Assert.Equal(16 * 32 * 128, workspace);
        long dataWorkspace = workspace;
        // Inference runs conv1 with its 2x2 pool (Conv2D.ForwardMaxPool) in its own scratch (2 rows x 26 columns x
        // 32 channels beside 1 + 16), conv2 with its pool through Conv2D.ForwardWinogradMaxPool in the convolution scratch.
        var pool1 = PoolDims.Create(1, 26, 26, 32, 2, 2, 2, 2);
        var pool2 = PoolDims.Create(1, 11, 11, 64, 2, 2, 2, 2);
        Assert.True(Conv2D.SuitsWinogradMaxPool(conv2, pool2));
        long poolWorkspace = Conv2D.ForwardMaxPoolWorkspaceFloats(conv1, pool1);
        Assert.Equal(17 + 2 * 26 * 32, poolWorkspace);
        Assert.Equal(MnistCnn.InferenceKernelBytes, (forward + winograd + workspace + poolWorkspace) * 4);
        // Training runs the batch as two sample slices: each has its own copy of both scratches, and
        // the second its own block of weight gradients (every parameter trains).
        long slices = 2 * (workspace + dataWorkspace) + MnistCnn.ParameterCount;
        Assert.Equal(MnistCnn.TrainingKernelBytes, (forward + winograd + backward + winograd + workspace + dataWorkspace + slices) * 4);
    }

    [Fact]
    public void Predict_and_TrainStep_allocate_nothing_after_construction()
    {
        var inference = new MnistCnn(1);
        var training = new MnistCnn(1, ExecutionMode.Training);
        var mixed = new MixedNet(1);
        var input = Cases.Random(784, 1);
        var inputs = Cases.Random(32 * 784, 2);
        var labels = Enumerable.Range(0, 32).Select(i => i % 10).ToArray();
        var output = new float[10];
        var outputs = new float[32 * 10];
        var mixedInput = Cases.Random(3 * 9 * 7, 3);
        var mixedOutput = new float[4];

        void Run()
        {
            inference.Predict(input, output);
            inference.Predict(inputs, outputs, 32);
            mixed.Predict(mixedInput, mixedOutput);
            training.Predict(inputs, outputs, 32);
            training.TrainStep(inputs, labels);
            training.TrainStep(inputs.AsSpan(0, 7 * 784), labels.AsSpan(0, 7));
            training.Evaluate(inputs, labels);
        }

        Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Run();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }
}
