using NetGen.Execution;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>FusedModernNet.cnn with every activation a layer after the layer it fuses into.</summary>
[Network(3, 6, 6, Batch = 3, Optimizer = OptimizerType.Adam)]
[Conv2D(8, 3, Pad = 1, Name = "conv1")]
[HardSwish]
[Conv2D(8, 1, Name = "conv2")]
[SiLU]
[DepthwiseConv2D(3, Pad = 1, Name = "dw")]
[GELU]
[Conv2D(8, 1, Name = "conv3")]
[GELU(Tanh = true)]
[GlobalAvgPool(Name = "pool")]
[Dense(6, Name = "fc")]
[Mish]
[Dense(4, Name = "head")]
public partial class FusedModernLayersTwinNet;

/// <summary>
/// The activations that keep their pre-activation fuse from attribute layers as from the .cnn's
/// <c>activation:</c> values and chains: the same layers, weight names, memory and training.
/// </summary>
public class FusedModernTwinTests
{
    [Fact]
    public void The_layer_twin_plans_the_same_layers_and_memory()
    {
        Assert.Equal(FusedModernNet.Layers.ToArray().Select(l => l.Name), FusedModernLayersTwinNet.Layers.ToArray().Select(l => l.Name));
        Assert.Equal(FusedModernNet.InferenceBytes, FusedModernLayersTwinNet.InferenceBytes);
        Assert.Equal(FusedModernNet.TrainingBytes, FusedModernLayersTwinNet.TrainingBytes);
        Assert.Equal(FusedModernNet.InferenceKernelBytes, FusedModernLayersTwinNet.InferenceKernelBytes);
        Assert.Equal(FusedModernNet.TrainingKernelBytes, FusedModernLayersTwinNet.TrainingKernelBytes);
    }

    [Fact]
    public void The_twins_train_to_the_same_weights()
    {
        using var twin = new FusedModernLayersTwinNet(5, ExecutionMode.Training);
        using var net = new FusedModernNet(5, ExecutionMode.Training);
        Cases.RandomizeBiases(twin, 3);
        Cases.RandomizeBiases(net, 3);
        Assert.Equal(((INetwork)twin).ParameterTable.ToArray().Select(t => t.Name), ((INetwork)net).ParameterTable.ToArray().Select(t => t.Name));
        var inputs = Cases.Random(3 * 3 * 6 * 6, 11);
        int[] labels = [0, 3, 1];
        for (int step = 0; step < 3; step++)
            Assert.Equal(twin.TrainStep(inputs, labels).Loss, net.TrainStep(inputs, labels).Loss);
        foreach (var tensor in ((INetwork)twin).ParameterTable.ToArray())
        {
            float[] a = new float[tensor.Length], b = new float[tensor.Length];
            twin.CopyParameter(tensor.Name, a);
            net.CopyParameter(tensor.Name, b);
            Assert.Equal(a, b);
        }
    }
}
