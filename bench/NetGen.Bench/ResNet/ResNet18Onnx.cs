using Microsoft.ML.OnnxRuntime;

namespace NetGen.Bench.ResNet;

/// <summary>
/// An ONNX Runtime session over the pretrained ResNet18.onnx that runs into preallocated
/// tensors. The file declares batch 1 on its input, output and every intermediate value
/// (CNTK writes them all), so for a batch of B the file's bytes get B as the first
/// dimension of each declared shape (<see cref="OnnxBatchPatch"/>); the weights and nodes are the file's.
/// </summary>
public sealed class ResNet18Onnx : IDisposable
{
    private const string InputName = "Input247";
    private const string OutputName = "Pooling395_Output_0";
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _inputs, _outputs;
    private readonly string[] _inputNames = [InputName];
    private readonly string[] _outputNames = [OutputName];

    /// <param name="intraOpThreads">ONNX Runtime's intra-op thread count.</param>
    /// <param name="input">(batch, 3, 224, 224) the session reads at every run.</param>
    /// <param name="output">(batch, 512, 1, 1) features it writes.</param>
    /// <param name="batch">Images per run.</param>
    public ResNet18Onnx(int intraOpThreads, float[] input, float[] output, int batch)
    {
        byte[] model = File.ReadAllBytes(ResNet18Pretrained.OnnxPath);
        if (batch != 1) model = OnnxBatchPatch.WithBatch(model, batch);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = Microsoft.ML.OnnxRuntime.ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, options);
        _inputs = [OrtValue.CreateTensorValueFromMemory(input, [batch, 3, 224, 224])];
        _outputs = [OrtValue.CreateTensorValueFromMemory(output, [batch, ResNet18Pretrained.Features, 1, 1])];
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
