using BenchmarkDotNet.Attributes;
using NetGen.Bench.Peers;
using NetGen.Execution;
using Samples.Mnist;
using TorchSharp;
using static TorchSharp.torch;

namespace NetGen.Bench.Mnist;

/// <summary>
/// Batch 1 latency of the MNIST CNN: one digit in, ten probabilities out, with identical
/// weights (seed <see cref="MnistInputs.WeightSeed"/>): the generated <c>MnistCnn.Predict</c>
/// on the calling thread, ONNX Runtime with 1 and 2 intra-op threads, TorchSharp with its
/// default threads. Each setup first checks that NetGen's probabilities equal the peer's.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(MallocVariantsConfig))]
[ImagesPerCall(1)]
public class MnistLatencyBenchmarks
{
    private readonly float[] _input = MnistInputs.Images(1);
    private readonly float[] _output = new float[MnistInputs.Classes];
    private readonly float[] _peerOutput = new float[MnistInputs.Classes];
    private MnistCnn _network = null!;
    private MnistOnnx? _onnx;
    private MnistTorch? _torch;
    private Tensor? _torchInput;

    [GlobalSetup(Target = nameof(NetGen))]
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
        _network = new MnistCnn(MnistInputs.WeightSeed);
        _torch = new MnistTorch(_network);
        _torch.Model.eval();
        set_grad_enabled(false);
        _torchInput = tensor(_input, [1, 1, 28, 28]);
        TorchSharp();
        _network.Predict(_input, _output);
        Agreement.Require("MNIST CNN batch 1, TorchSharp", _output, _peerOutput);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnx?.Dispose();
        _torchInput?.Dispose();
        _torch?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public void NetGen() => _network.Predict(_input, _output);

    [Benchmark]
    public void OnnxRuntime1Thread() => _onnx!.Run();

    [Benchmark]
    public void OnnxRuntime2Threads() => _onnx!.Run();

    [Benchmark]
    public void TorchSharp()
    {
        using var scope = NewDisposeScope();
        var probabilities = _torch!.Model.forward(_torchInput!).softmax(1);
        probabilities.data<float>().CopyTo(_peerOutput);
    }

    private void SetupOnnx(int threads)
    {
        _network = new MnistCnn(MnistInputs.WeightSeed);
        _onnx = new MnistOnnx(_network, threads, _input, _peerOutput, batch: 1);
        _onnx.Run();
        _network.Predict(_input, _output);
        Agreement.Require($"MNIST CNN batch 1, ONNX Runtime {threads} thread(s)", _output, _peerOutput);
    }
}
