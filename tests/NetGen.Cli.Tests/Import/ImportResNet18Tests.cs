using Microsoft.ML.OnnxRuntime;
using NetGen.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Cli.Tests.Import;

/// <summary>
/// The pretrained CNTK ResNet-18 of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18
/// 0.23.1 (restored into the NuGet cache by this project's PackageDownload), imported with no
/// hand-written file, compiled, its weights loaded, against ONNX Runtime on the same input.
/// </summary>
public class ImportResNet18Tests(ITestOutputHelper log)
{
    [Fact]
    public void Imported_resnet18_predicts_like_onnx_runtime()
    {
        string path = PretrainedResNet18.LocateNetwork();
        var run = ImportKit.ImportFile(path);
        Assert.True(run.ExitCode == 0, run.Errors);
        string cnn = run.Cnn;
        // Twenty-two convolutions and their batch norms (the 3-block last stage), the CNTK top/left
        // padding written as the symmetric padding that computes the same.
        Assert.Equal(22, cnn.Split('\n').Count(l => l.Contains("= conv2d(") || l.Contains("-> conv2d(")));
        Assert.Contains("Convolution249 = conv2d(64, 7, stride: 2, padding: 3, bias: false)", cnn);
        Assert.Contains("Pooling255 = maxpool2d(3, stride: 2, padding: 1)", cnn);
        // Parameters of samples/TransferLearning/ResNet18.cnn: 15,897,152 trainable + 11,648 statistics.
        var file = NetGen.Weights.SafetensorsFile.Open(run.WeightsPath);
        Assert.Equal(15_908_800L, file.Tensors.Sum(t => t.Shape.ToArray().Aggregate(1L, (a, d) => a * d)));

        // Values on the scale of the network's real input: 0..255 pixels minus a mean image.
        var input = ImportKit.RandomInput(3 * 224 * 224, 2024, 120f);
        using var session = new InferenceSession(path);
        var expected = ImportKit.Reference(session, "Input247", new long[] { 3, 224, 224 }, input);
        var actual = ImportKit.Predict(run, input);
        Assert.Equal(512, actual.Length);
        double scale = expected.Max(v => Math.Abs((double)v));
        double worst = expected.Select((e, i) => Math.Abs((double)actual[i] - e)).Max();
        log.WriteLine($"largest feature {scale:G6}, largest difference {worst:E3} ({worst / scale:E3} relative)");
        // 20 float32 convolutions of up to 4,608 terms each, summed in another order than ONNX
        // Runtime's: a few ulps per layer, a relative 1e-6 to 1e-5 at the end. 1e-4 of the largest
        // feature is the bound, and the runtime's oracle test's.
        Assert.True(worst <= 1e-4 * scale, $"largest difference {worst:E3} > 1e-4 x {scale:G6}");

        // The hand-written samples/TransferLearning/ResNet18.cnn with the same weights bound through
        // its name map computes the same, bit for bit: the same layers in the same order of arithmetic.
        string sample = Path.Combine(TestData.RepoRoot, "samples", "TransferLearning", "ResNet18.cnn");
        using var compiled = NetGen.Cli.Compilation.NetworkCompiler.Compile(new NetGen.Cli.Compilation.CompileRequest(sample, Cache: TestData.Cache()), TextWriter.Null);
        var handWritten = compiled.Create(1, NetGen.Execution.ExecutionMode.Inference);
        var shapes = handWritten.ParameterTable.ToArray().ToDictionary(p => p.Name, p => p.Shape.ToArray());
        var map = OnnxWeightMap.Load(Path.Combine(TestData.RepoRoot, "samples", "TransferLearning", "resnet18.onnx-map.txt"));
        handWritten.SetParameters(OnnxImport.Bind(OnnxModel.Load(path), map, shapes));
        var fromSample = new float[512];
        handWritten.Predict(input, fromSample);
        double apart = fromSample.Select((v, i) => Math.Abs((double)v - actual[i])).Max();
        log.WriteLine($"imported vs the hand-written sample: largest difference {apart:E3}");
        Assert.Equal(fromSample, actual);
    }
}
