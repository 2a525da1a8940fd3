using NetGen.Execution;
using NetGen.Training;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>The test networks, each with its float64 twin written from the same layer list.</summary>
internal static class Cases
{
    public static readonly string[] Names = { "Tiny", "Mixed", "Mnist", "Image", "Pooled", "Drop", "Winograd", "Tiles" };

    public static INetwork Make(string name, ulong seed, ExecutionMode mode) => name switch
    {
        "Tiny" => new TinyNet(seed, mode),
        "Mixed" => new MixedNet(seed, mode),
        "Mnist" => new MnistCnn(seed, mode),
        "Image" => new ImageNet(seed, mode),
        "Pooled" => new PooledNet(seed, mode),
        "Drop" => new DropNet(seed, mode),
        "Winograd" => new WinogradNet(seed, mode),
        "Tiles" => new TilesNet(seed, mode),
        _ => throw new ArgumentException(name),
    };

    /// <summary>(InferenceBytes + InferenceKernelBytes, TrainingBytes + TrainingKernelBytes) as generated.</summary>
    public static (long Inference, long Training) PlannedBytes(string name) => name switch
    {
        "Tiny" => (TinyNet.InferenceBytes + TinyNet.InferenceKernelBytes, TinyNet.TrainingBytes + TinyNet.TrainingKernelBytes),
        "Mixed" => (MixedNet.InferenceBytes + MixedNet.InferenceKernelBytes, MixedNet.TrainingBytes + MixedNet.TrainingKernelBytes),
        "Mnist" => (MnistCnn.InferenceBytes + MnistCnn.InferenceKernelBytes, MnistCnn.TrainingBytes + MnistCnn.TrainingKernelBytes),
        "Image" => (ImageNet.InferenceBytes + ImageNet.InferenceKernelBytes, ImageNet.TrainingBytes + ImageNet.TrainingKernelBytes),
        "Drop" => (DropNet.InferenceBytes + DropNet.InferenceKernelBytes, DropNet.TrainingBytes + DropNet.TrainingKernelBytes),
        "Pooled" => (PooledNet.InferenceBytes + PooledNet.InferenceKernelBytes, PooledNet.TrainingBytes + PooledNet.TrainingKernelBytes),
        "Winograd" => (WinogradNet.InferenceBytes + WinogradNet.InferenceKernelBytes, WinogradNet.TrainingBytes + WinogradNet.TrainingKernelBytes),
        "Tiles" => (TilesNet.InferenceBytes + TilesNet.InferenceKernelBytes, TilesNet.TrainingBytes + TilesNet.TrainingKernelBytes),
        _ => throw new ArgumentException(name),
    };

    public static ReferenceNetwork Reference(string name) => name switch
    {
        "Tiny" => new ReferenceNetwork(1, 8, 8)
            .Conv("conv1", 4, 3, act: Activation.ReLU).MaxPool(2, 2).Flatten().Dense("dense_1", 5, Activation.Softmax),
        // 'same' with stride 2 on 9x7: outputs 5x4, padding 2 rows and 2 columns, split 1 + 1.
        "Mixed" => new ReferenceNetwork(3, 9, 7)
            .Conv("conv1", 6, 3, stride: 2, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1)
            .Act(Activation.LeakyReLU, 0.01)
            .Conv("dw", 6, 3, groups: 6)
            .Act(Activation.ELU, 1.0)
            .MaxPool(2, 1).Flatten()
            .Dense("fc1", 7, Activation.Tanh).Dense("fc2", 4).Act(Activation.Softmax),
        "Mnist" => new ReferenceNetwork(1, 28, 28)
            .Conv("conv1", 32, 3, act: Activation.ReLU).MaxPool(2, 2)
            .Conv("conv2", 64, 3, act: Activation.ReLU).MaxPool(2, 2)
            .Conv("conv3", 64, 3, act: Activation.ReLU).Flatten()
            .Dense("dense_1", 64, Activation.ReLU).Dense("dense_2", 10, Activation.Softmax),
        "Image" => new ReferenceNetwork(2, 6, 5)
            .Conv("conv1", 3, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, act: Activation.Sigmoid)
            .Conv("conv2", 2, 1),
        // 'same' 2x2 pooling of 9x9: 5x5 outputs, one padding row and column at the bottom/right.
        "Pooled" => new ReferenceNetwork(2, 9, 9)
            .Conv("conv1", 8, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, act: Activation.ReLU)
            .AvgPool(2, 2, padBottom: 1, padRight: 1)
            .Conv("conv2", 6, 3, act: Activation.ELU, alpha: 1.0)
            .GlobalAvgPool()
            .Dense("fc", 3, Activation.Softmax),
        // Dropout is the identity outside training.
        "Drop" => new ReferenceNetwork(2, 8, 8)
            .Conv("conv1", 4, 3, act: Activation.ReLU).Flatten().Dense("fc", 5, Activation.Softmax),
        "Winograd" => new ReferenceNetwork(3, 6, 5)
            .Conv("conv0", 16, 1, act: Activation.ReLU)
            .Conv("conv1", 16, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, act: Activation.ReLU).MaxPool(2, 1)
            .Conv("conv2", 32, 3, act: Activation.ReLU).MaxPool(2, 2).Flatten()
            .Dense("fc", 5, Activation.Softmax),
        "Tiles" => new ReferenceNetwork(3, 6, 6)
            .Conv("stem", 64, 3, padTop: 1, padBottom: 1, padLeft: 1, padRight: 1, act: Activation.ReLU)
            .Conv("mix", 32, 1, act: Activation.ReLU)
            .GlobalAvgPool()
            .Dense("fc", 5, Activation.Softmax),
        _ => throw new ArgumentException(name),
    };

    /// <summary>Every parameter of <paramref name="net"/> in PyTorch layout, widened to float64.</summary>
    public static Dictionary<string, double[]> Parameters(INetwork net)
    {
        var result = new Dictionary<string, double[]>();
        foreach (var tensor in net.ParameterTable.ToArray())
        {
            var values = new float[tensor.Length];
            net.CopyParameter(tensor.Name, values);
            result[tensor.Name] = Array.ConvertAll(values, v => (double)v);
        }
        return result;
    }

    /// <summary>Uniform values in [-1, 1) from a seeded stream.</summary>
    public static float[] Random(int count, ulong seed)
    {
        var random = new SeededRandom(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = 2f * random.NextSingle() - 1f;
        return values;
    }

    /// <summary>Sets every bias to small random values, so the tests see them (they start at zero).</summary>
    public static void RandomizeBiases(INetwork net, ulong seed)
    {
        foreach (var tensor in net.ParameterTable.ToArray())
        {
            if (tensor.Name.EndsWith(".bias", StringComparison.Ordinal))
                net.SetParameter(tensor.Name, Random(tensor.Length, seed++).Select(v => 0.1f * v).ToArray());
        }
    }
}
