using BenchmarkDotNet.Attributes;
using NetGen.Bench.Peers;
using NetGen.Threading;
using Samples.TransferLearning;

namespace NetGen.Bench.ResNet;

/// <summary>
/// Batch 1 latency of the pretrained ResNet-18 (22 convolutions, 15.9M parameters, 224x224 in,
/// 512 features out): NetGen's generated ResNet18 with the imported weights on the calling thread
/// and with a <see cref="WorkerPool"/>(2) (its large convolutions split by bands of output rows,
/// <see cref="Execution.LayerBands"/>), against ONNX Runtime running the file itself with 1 and 2
/// intra-op threads. Each setup first checks that the features agree.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MallocVariantsConfig))]
[ImagesPerCall(1)]
public class ResNet18LatencyBenchmarks
{
    private readonly float[] _input = ResNet18Pretrained.Inputs(1);
    private readonly float[] _output = new float[ResNet18Pretrained.Features];
    private readonly float[] _peerOutput = new float[ResNet18Pretrained.Features];
    private ResNet18 _network = null!;
    private WorkerPool? _pool;
    private ResNet18Onnx? _onnx;

    [GlobalSetup(Target = nameof(NetGen))]
    public void SetupNetGen() => SetupAgainstOnnx(workers: 1);

    [GlobalSetup(Target = nameof(NetGen2Workers))]
    public void SetupNetGen2Workers() => SetupAgainstOnnx(workers: 2);

    [GlobalSetup(Target = nameof(OnnxRuntime1Thread))]
    public void SetupOnnx1() => SetupOnnx(1);

    [GlobalSetup(Target = nameof(OnnxRuntime2Threads))]
    public void SetupOnnx2() => SetupOnnx(2);

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnx?.Dispose();
        _pool?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void NetGen() => _network.Predict(_input, _output);

    [Benchmark]
    public void NetGen2Workers() => _network.Predict(_input, _output);

    [Benchmark]
    public void OnnxRuntime1Thread() => _onnx!.Run();

    [Benchmark]
    public void OnnxRuntime2Threads() => _onnx!.Run();

    /// <summary>The NetGen rows check against ONNX Runtime too (then drop the session), so every row is checked.</summary>
    private void SetupAgainstOnnx(int workers)
    {
        SetupOnnx(1);
        _onnx!.Dispose();
        _onnx = null;
        if (workers > 1)
        {
            _pool = new WorkerPool(workers);
            _network.UseWorkerPool(_pool);
            _network.Predict(_input, _output);
            Agreement.Require($"ResNet-18 batch 1 on {workers} workers, ONNX Runtime", _output, _peerOutput);
        }
    }

    private void SetupOnnx(int threads)
    {
        _network = ResNet18Pretrained.Load();
        _onnx = new ResNet18Onnx(threads, _input, _peerOutput, batch: 1);
        _onnx.Run();
        _network.Predict(_input, _output);
        Agreement.Require($"ResNet-18 batch 1, ONNX Runtime {threads} thread(s)", _output, _peerOutput);
    }
}
