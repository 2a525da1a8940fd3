using BenchmarkDotNet.Attributes;
using NetGen.Bench.Peers;
using NetGen.Execution;
using NetGen.Threading;
using Samples.Mnist;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace NetGen.Bench.Mnist;

/// <summary>
/// One training step of the MNIST CNN on a batch of 64 digits (Images/s column): forward,
/// softmax cross-entropy, backward and an Adam update (lr 1e-3, betas 0.9 / 0.999, eps 1e-8).
/// NetGen's generated <c>TrainStep</c> with its backward split over a two-worker pool, as the
/// sample trains; TorchSharp with its default threads. Identical starting weights; the setup
/// first checks the loss and every parameter gradient of the same batch against TorchSharp's.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MallocVariantsConfig))]
[ImagesPerCall(Batch)]
public class MnistTrainingBenchmarks
{
    private const int Batch = 64;
    private const float LearningRate = 1e-3f;

    private readonly float[] _images = MnistInputs.Images(Batch);
    private readonly int[] _labels = MnistInputs.Labels(Batch);
    private MnistCnn _network = null!;
    private WorkerPool? _pool;
    private MnistTorch? _torch;
    private Adam? _optimizer;
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
        _network = new MnistCnn(MnistInputs.WeightSeed, ExecutionMode.Training);
        _network.TrainingSettings.LearningRate = LearningRate;
        _pool = new WorkerPool(2);
        _network.UseWorkerPool(_pool);
        _torch = new MnistTorch(_network);
        _torch.Model.train();
        _optimizer = optim.Adam(_torch.Model.parameters(), lr: LearningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8);
        _torchImages = tensor(_images, [Batch, 1, 28, 28]);
        _torchLabels = tensor(Array.ConvertAll(_labels, l => (long)l), [Batch]);
        CheckGradients();
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
        var loss = nn.functional.cross_entropy(_torch!.Model.forward(_torchImages!), _torchLabels!);
        loss.backward();
        _optimizer.step();
        return loss.item<float>();
    }

    /// <summary>Same batch, same weights: NetGen's loss and gradients against TorchSharp's, before any update.</summary>
    private void CheckGradients()
    {
        var netgen = _network.ComputeGradients(_images, _labels);
        _optimizer!.zero_grad();
        using var scope = NewDisposeScope();
        var loss = nn.functional.cross_entropy(_torch!.Model.forward(_torchImages!), _torchLabels!);
        loss.backward();
        Agreement.Require("MNIST CNN training loss", [netgen.Loss], [loss.item<float>()]);
        foreach (var (name, parameter) in _torch.Parameters)
        {
            var expected = parameter.grad!.data<float>().ToArray();
            var actual = new float[expected.Length];
            _network.CopyGradient(name, actual);
            Agreement.Require($"MNIST CNN gradient of {name}", actual, expected);
        }
        _optimizer.zero_grad();
    }
}
