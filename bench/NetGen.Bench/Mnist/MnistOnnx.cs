using Microsoft.ML.OnnxRuntime;
using NetGen.Bench.Peers;
using NetGen.Execution;

namespace NetGen.Bench.Mnist;

/// <summary>
/// The MNIST CNN as an ONNX graph with the NetGen instance's own weights, and an ONNX Runtime
/// session over it that runs into preallocated tensors (no per-call tensor allocation).
/// </summary>
public sealed class MnistOnnx : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _inputs, _outputs;
    private readonly string[] _inputNames = ["input"];
    private readonly string[] _outputNames;

    /// <param name="network">Source of the weights.</param>
    /// <param name="intraOpThreads">ONNX Runtime's intra-op thread count.</param>
    /// <param name="input">(batch, 1, 28, 28) the session reads at every run.</param>
    /// <param name="output">(batch, 10) softmax probabilities it writes.</param>
    /// <param name="batch">Images per run.</param>
    public MnistOnnx(INetwork network, int intraOpThreads, float[] input, float[] output, int batch)
    {
        var graph = new OnnxGraphBuilder(network);
        string x = graph.Relu(graph.Conv("conv1", "input"));
        x = graph.MaxPool(x, 2);
        x = graph.Relu(graph.Conv("conv2", x));
        x = graph.MaxPool(x, 2);
        x = graph.Relu(graph.Conv("conv3", x));
        x = graph.Flatten(x);
        x = graph.Relu(graph.Gemm("dense_1", x));
        x = graph.Softmax(graph.Gemm("dense_2", x));
        byte[] model = graph.Build(x, [1, 28, 28], MnistInputs.Classes);

        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = Microsoft.ML.OnnxRuntime.ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, options);
        _outputNames = [x];
        _inputs = [OrtValue.CreateTensorValueFromMemory(input, [batch, 1, 28, 28])];
        _outputs = [OrtValue.CreateTensorValueFromMemory(output, [batch, MnistInputs.Classes])];
    }

    /// <summary>One inference over the whole batch.</summary>
    public void Run() => _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);

    public void Dispose()
    {
        foreach (var value in _inputs.Concat(_outputs)) value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
