using System;
using System.Collections.Generic;
using NetGen.Execution;

namespace NetGen.GpuBench;

/// <summary>
/// One benchmarked network: its name in the JSON lines (torch_bench.py builds the same model from
/// it), its generated class, the declared batch, one sample's shape (C, H, W) and its class count.
/// </summary>
internal sealed record BenchNetwork(string Name, Type Class, int Batch, int[] Input, int Classes)
{
    /// <summary>The networks of issue 12's benchmark, in the order they run.</summary>
    public static IReadOnlyList<BenchNetwork> All { get; } =
    [
        new("mnist_cnn_b64", typeof(MnistCnnBatch64), MnistCnnBatch64.TrainingBatch, [1, 28, 28], 10),
        new("mnist_cnn_b256", typeof(MnistCnnBatch256), MnistCnnBatch256.TrainingBatch, [1, 28, 28], 10),
        new("resnet18_224", typeof(Samples.Architectures.ResNet18), Samples.Architectures.ResNet18.TrainingBatch, [3, 224, 224], 1000),
        new("cifar_resnet18", typeof(NetGen.Bench.Cifar.CifarResNet18), NetGen.Bench.Cifar.CifarResNet18.TrainingBatch, [3, 32, 32], 10),
    ];

    /// <summary>Floats of one input sample.</summary>
    public int SampleSize => Input[0] * Input[1] * Input[2];

    /// <summary>The network named <paramref name="name"/>; null when there is none.</summary>
    public static BenchNetwork? Find(string name)
    {
        foreach (var network in All)
            if (network.Name == name) return network;
        return null;
    }

    /// <summary>A training instance on the CPU backend: the generated class itself.</summary>
    public ITrainableNetwork CreateCpu(ulong seed) =>
        (ITrainableNetwork)Activator.CreateInstance(Class, seed, ExecutionMode.Training)!;
}
