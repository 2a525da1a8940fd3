using NetGen.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>FusedChainNet.cnn with the activations written as <c>activation:</c> values.</summary>
[Network(3, 10, 10, Batch = 4, Optimizer = OptimizerType.Sgd)]
[Conv2D(8, 3, Activation = Activation.ReLU, Name = "conv1")]
[Conv2D(8, 3, Padding = Padding.Same, Activation = Activation.LeakyReLU, Name = "conv2")]
[MaxPool2D(2, Name = "pool")]
[Flatten(Name = "flat")]
[Dense(5, Activation = Activation.Softmax, Name = "fc")]
public partial class FusedTwinNet;

/// <summary>
/// The same with the activations as layers after the convolutions: they fuse in, so the
/// network is FusedTwinNet's but for conv2's leaky slope (FusedTwinNet's fused one is 0.01).
/// </summary>
[Network(3, 10, 10, Batch = 4, Optimizer = OptimizerType.Sgd)]
[Conv2D(8, 3, Name = "conv1")]
[ReLU]
[Conv2D(8, 3, Padding = Padding.Same, Name = "conv2")]
[LeakyReLU(0.2)]
[MaxPool2D(2, Name = "pool")]
[Flatten(Name = "flat")]
[Dense(5, Name = "fc")]
[Softmax]
public partial class SeparateTwinNet;

/// <summary>
/// A chain named like <c>conv1 = conv2d(8, 3) -> relu</c> and the attribute declarations of the
/// same network give the same weight names (Save in one, Load in the other), the same memory and
/// the same outputs: the activation node fuses into the convolution, which takes the chain's name.
/// </summary>
public class FusionTwinTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-twins-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string[] Names(INetwork net) => net.ParameterTable.ToArray().Select(t => t.Name).ToArray();

    [Fact]
    public void The_cnn_chain_and_its_attribute_twins_plan_the_same_memory()
    {
        Assert.Equal(SeparateTwinNet.InferenceBytes, FusedChainNet.InferenceBytes);
        Assert.Equal(SeparateTwinNet.TrainingBytes, FusedChainNet.TrainingBytes);
        Assert.Equal(SeparateTwinNet.TrainingKernelBytes, FusedChainNet.TrainingKernelBytes);
        Assert.Equal(FusedTwinNet.TrainingBytes, FusedChainNet.TrainingBytes);
        Assert.Equal(FusedTwinNet.InferenceBytes, FusedChainNet.InferenceBytes);
        // The input and five layers; no activation node is left.
        Assert.Equal(["input", "conv1", "conv2", "pool", "flat", "fc"], FusedChainNet.Layers.ToArray().Select(l => l.Name));
        Assert.Equal(FusedChainNet.Layers.ToArray().Select(l => l.Name), SeparateTwinNet.Layers.ToArray().Select(l => l.Name));
    }

    [Fact]
    public void Weights_saved_from_the_attribute_twin_load_into_the_cnn_network_and_predict_the_same()
    {
        using var twin = new SeparateTwinNet(5);
        Cases.RandomizeBiases(twin, 3);
        string path = Path.Combine(_folder, "twin.safetensors");
        twin.Save(path);
        using var chain = new FusedChainNet(6);
        chain.Load(path);
        Assert.Equal(Names(twin), Names(chain));
        Assert.Equal(["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias"],
            Names(chain));

        var input = Cases.Random(3 * 10 * 10, 7);
        float[] expected = new float[5], actual = new float[5];
        twin.Predict(input, expected);
        chain.Predict(input, actual);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_twins_train_to_the_same_weights()
    {
        using var twin = new SeparateTwinNet(5, ExecutionMode.Training);
        using var chain = new FusedChainNet(5, ExecutionMode.Training);
        Cases.RandomizeBiases(twin, 3);
        Cases.RandomizeBiases(chain, 3);
        Assert.Equal(twin.AllocatedBytes, chain.AllocatedBytes);
        var inputs = Cases.Random(4 * 3 * 10 * 10, 11);
        int[] labels = [0, 3, 1, 4];
        for (int step = 0; step < 3; step++)
            Assert.Equal(twin.TrainStep(inputs, labels).Loss, chain.TrainStep(inputs, labels).Loss);
        foreach (var tensor in ((INetwork)twin).ParameterTable.ToArray())
        {
            float[] a = new float[tensor.Length], b = new float[tensor.Length];
            twin.CopyParameter(tensor.Name, a);
            chain.CopyParameter(tensor.Name, b);
            Assert.Equal(a, b);
        }
    }
}
