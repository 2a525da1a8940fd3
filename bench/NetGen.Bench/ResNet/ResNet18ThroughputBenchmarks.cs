using BenchmarkDotNet.Attributes;
using NetGen.Bench.Peers;
using NetGen.Threading;
using Samples.TransferLearning;

namespace NetGen.Bench.ResNet;

/// <summary>
/// Batch 32 of the pretrained ResNet-18: NetGen's batched Predict on a <see cref="WorkerPool"/>(2)
/// (one image at a time per worker, each on its own memory, no layer split inside a worker)
/// against ONNX Runtime with 1 and 2 intra-op threads on the same file with batch 32 declared.
/// Each setup first checks that all 32 x 512 features agree.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MallocVariantsConfig))]
[ImagesPerCall(Batch)]
public class ResNet18ThroughputBenchmarks
{
    private const int Batch = 32;
    private readonly float[] _inputs = ResNet18Pretrained.Inputs(Batch);
    private readonly float[] _outputs = new float[Batch * ResNet18Pretrained.Features];
    private readonly float[] _peerOutputs = new float[Batch * ResNet18Pretrained.Features];
    private ResNet18 _network = null!;
    private WorkerPool? _pool;
    private ResNet18Onnx? _onnx;

    [GlobalSetup(Target = nameof(NetGen2Workers))]
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

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnx?.Dispose();
        _pool?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void NetGen2Workers() => _network.Predict(_inputs, _outputs, Batch);

    [Benchmark]
    public void OnnxRuntime1Thread() => _onnx!.Run();

    [Benchmark]
    public void OnnxRuntime2Threads() => _onnx!.Run();

    private void SetupOnnx(int threads)
    {
        _network = ResNet18Pretrained.Load();
        _pool = new WorkerPool(2);
        _network.UseWorkerPool(_pool);
        _onnx = new ResNet18Onnx(threads, _inputs, _peerOutputs, Batch);
        _onnx.Run();
        _network.Predict(_inputs, _outputs, Batch);
        Agreement.Require($"ResNet-18 batch {Batch}, ONNX Runtime {threads} thread(s)", _outputs, _peerOutputs);
    }
}
