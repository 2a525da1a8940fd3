using BenchmarkDotNet.Attributes;
using NetGen.Bench.Peers;
using NetGen.Threading;
using Samples.Mnist;
using static TorchSharp.torch;

namespace NetGen.Bench.Mnist;

/// <summary>
/// Batch 256 throughput of the MNIST CNN (Images/s column): NetGen on two cores (one inference
/// instance per worker of a <see cref="WorkerPool"/>, each running half the batch image by
/// image, as instances are single-threaded) and on one, ONNX Runtime with 1 and 2 intra-op
/// threads, TorchSharp with its default threads. Identical weights; each setup first checks
/// that NetGen's 256 x 10 probabilities equal the peer's.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MallocVariantsConfig))]
[ImagesPerCall(Batch)]
public class MnistThroughputBenchmarks
{
    private const int Batch = 256;

    private readonly float[] _inputs = MnistInputs.Images(Batch);
    private readonly float[] _outputs = new float[Batch * MnistInputs.Classes];
    private readonly float[] _peerOutputs = new float[Batch * MnistInputs.Classes];
    private MnistCnn[] _networks = null!;
    private WorkerPool? _pool;
    private MnistOnnx? _onnx;
    private MnistTorch? _torch;
    private Tensor? _torchInputs;

    [GlobalSetup(Targets = [nameof(NetGen2Threads), nameof(NetGen1Thread)])]
    public void SetupNetGen()
    {
        SetupOnnx(1);
        _onnx!.Dispose();
        _onnx = null;
    }

    [GlobalSetup(Target = nameof(OnnxRuntime1Thread))]
    public void SetupOnnx1() => SetupOnnx(1);

    [GlobalSetup(Target = nameof(OnnxRuntime2Threads))]
    public void SetupOnnx2() => SetupOnnx(2);

    [GlobalSetup(Target = nameof(TorchSharp))]
    public void SetupTorch()
    {
        CreateNetworks();
        _torch = new MnistTorch(_networks[0]);
        _torch.Model.eval();
        set_grad_enabled(false);
        _torchInputs = tensor(_inputs, [Batch, 1, 28, 28]);
        TorchSharp();
        NetGen2Threads();
        Agreement.Require("MNIST CNN batch 256, TorchSharp", _outputs, _peerOutputs);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool?.Dispose();
        _onnx?.Dispose();
        _torchInputs?.Dispose();
        _torch?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void NetGen2Threads() => _pool!.Run(Batch, new PredictSlices(_networks, _inputs, _outputs));

    [Benchmark]
    public void NetGen1Thread() => _networks[0].Predict(_inputs, _outputs, Batch);

    [Benchmark]
    public void OnnxRuntime1Thread() => _onnx!.Run();

    [Benchmark]
    public void OnnxRuntime2Threads() => _onnx!.Run();

    [Benchmark]
    public void TorchSharp()
    {
        using var scope = NewDisposeScope();
        var probabilities = _torch!.Model.forward(_torchInputs!).softmax(1);
        probabilities.data<float>().CopyTo(_peerOutputs);
    }

    private void CreateNetworks()
    {
        _pool = new WorkerPool(2);
        _networks = [new MnistCnn(MnistInputs.WeightSeed), new MnistCnn(MnistInputs.WeightSeed)];
    }

    private void SetupOnnx(int threads)
    {
        CreateNetworks();
        _onnx = new MnistOnnx(_networks[0], threads, _inputs, _peerOutputs, Batch);
        _onnx.Run();
        NetGen2Threads();
        Agreement.Require($"MNIST CNN batch 256 on two workers, ONNX Runtime {threads} thread(s)", _outputs, _peerOutputs);
        Array.Clear(_outputs);
        NetGen1Thread();
        Agreement.Require($"MNIST CNN batch 256 on one thread, ONNX Runtime {threads} thread(s)", _outputs, _peerOutputs);
    }

    /// <summary>Worker i runs its slice of the batch on instance i.</summary>
    private readonly struct PredictSlices(MnistCnn[] networks, float[] inputs, float[] outputs) : IRangeWork
    {
        public void Execute(int worker, int start, int end)
        {
            int count = end - start;
            networks[worker].Predict(
                inputs.AsSpan(start * MnistInputs.ImageFloats, count * MnistInputs.ImageFloats),
                outputs.AsSpan(start * MnistInputs.Classes, count * MnistInputs.Classes),
                count);
        }
    }
}
