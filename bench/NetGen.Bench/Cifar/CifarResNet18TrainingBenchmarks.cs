using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using NetGen.Bench.Peers;
using NetGen.Execution;
using NetGen.Threading;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetGen.Bench.Cifar;

/// <summary>
/// One training step of the CIFAR-style ResNet-18 (<c>CifarResNet18.cnn</c>: 3x32x32, batch
/// norm after every convolution, projection shortcuts, 11.17 M parameters) on a batch of 128
/// (Images/s column): forward, softmax cross-entropy, backward and an SGD update (lr 0.01,
/// momentum 0.9, weight decay 5e-4, the CIFAR recipe's momentum and decay). NetGen's generated
/// <c>TrainStep</c> with a two-worker pool (<c>UseWorkerPool</c>, as the other training rows);
/// TorchSharp on 2 intra-op threads. Identical starting weights; the setup first checks the
/// loss, every gradient and two steps' updates against TorchSharp and a float64 LibTorch
/// (<see cref="CifarAgreement"/>), and throws when they disagree.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MallocVariantsConfig))]
[ImagesPerCall(Batch)]
public class CifarResNet18TrainingBenchmarks
{
    private const int Batch = CifarResNet18.TrainingBatch;
    private const float LearningRate = 0.01f, Momentum = 0.9f, WeightDecay = 5e-4f;
    private const int TorchThreads = 2;

    private readonly float[] _images = CifarInputs.Images(Batch);
    private readonly int[] _labels = CifarInputs.Labels(Batch);
    private CifarResNet18 _network = null!;
    private WorkerPool? _pool;
    private CifarResNet18Torch? _torch;
    private SGD? _optimizer;
    private Tensor? _torchImages, _torchLabels;

    [GlobalSetup(Target = nameof(NetGen))]
    public void SetupNetGen()
    {
        SetupTorch();
        _optimizer!.Dispose();
        _torch!.Dispose();
        (_torch, _optimizer) = (null, null);
    }

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorch()
    {
        RequireMemory();
        _network = new CifarResNet18(CifarInputs.WeightSeed, ExecutionMode.Training);
        _network.TrainingSettings.LearningRate = LearningRate;
        _network.TrainingSettings.Momentum = Momentum;
        _network.TrainingSettings.WeightDecay = WeightDecay;
        _pool = new WorkerPool(2);
        _network.UseWorkerPool(_pool);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// CIFAR ResNet-18 NetGen training instance: {_network.AllocatedBytes / 1e9:F2} GB allocated (plan {CifarResNet18.TrainingBytes / 1e9:F2} GB + kernel buffers {CifarResNet18.TrainingKernelBytes / 1e9:F2} GB) at batch {Batch}"));

        Console.WriteLine($"// {TorchSharpNative.EnsureLoaded()}");
        set_num_threads(TorchThreads);
        _torch = new CifarResNet18Torch(_network, ScalarType.Float32);
        _torch.train();
        _optimizer = optim.SGD(_torch.parameters(), LearningRate, momentum: Momentum, weight_decay: WeightDecay);
        _torchImages = tensor(_images, [Batch, 3, 32, 32]);
        _torchLabels = tensor(Array.ConvertAll(_labels, l => (long)l), [Batch]);

        CifarAgreement.Require(_network, _torch, _optimizer, _images, _labels, Batch);
        using var process = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// Agreement checked; process peak working set {process.PeakWorkingSet64 / 1e9:F2} GB, TorchSharp on {get_num_threads()} threads"));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool?.Dispose();
        _optimizer?.Dispose();
        _torchImages?.Dispose();
        _torchLabels?.Dispose();
        _torch?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public float NetGen() => _network.TrainStep(_images, _labels).Loss;

    [Benchmark]
    public float TorchSharp()
    {
        using var scope = NewDisposeScope();
        _optimizer!.zero_grad();
        var loss = nn.functional.cross_entropy(_torch!.forward(_torchImages!), _torchLabels!);
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    /// <summary>
    /// The training instance is about 1.5 GB (the plan the generator printed plus its kernel
    /// buffers), TorchSharp's fp32 and the float64 reference a few more; fail with the sizes
    /// rather than be killed when the machine has not that much available.
    /// </summary>
    private static void RequireMemory()
    {
        long netgen = CifarResNet18.TrainingBytes + CifarResNet18.TrainingKernelBytes;
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (netgen * 4 > available)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"CIFAR ResNet-18 training needs {netgen / 1e9:F2} GB for NetGen and about 3 times that for the TorchSharp twins; this process may use {available / 1e9:F2} GB."));
        }
    }
}
