using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetGen.Onnx;
using NetGen.Runtime.Tests.Execution;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Runtime.Tests.Onnx;

/// <summary>
/// The generated ResNet18 (samples/TransferLearning/ResNet18.cnn) with the CNTK export's weights
/// imported by name, against ONNX Runtime running the exported file on the same input: the
/// oracle for the convolutions' padding (CNTK's top/left-only padding of strided windows against
/// the symmetric padding the .cnn writes), the folded batch norms and the residual adds.
/// </summary>
public class ResNet18OracleTests(ITestOutputHelper output)
{
    private static readonly Lazy<Samples.TransferLearning.ResNet18> Imported = new(() =>
    {
        var table = Samples.TransferLearning.ResNet18.ParameterTensors.ToArray();
        var shapes = table.ToDictionary(t => t.Name, t => t.ShapeArray());
        var map = OnnxWeightMap.Load(Path.Combine(AppContext.BaseDirectory, "Onnx", "resnet18.onnx-map.txt"));
        var weights = OnnxImport.Bind(PretrainedFiles.ResNet18, map, shapes);
        var net = new Samples.TransferLearning.ResNet18(1);
        net.SetParameters(weights);
        return net;
    });

    [Fact]
    public void Generated_resnet18_with_imported_weights_matches_onnx_runtime()
    {
        const int size = 3 * 224 * 224;
        // Values on the scale of the network's real input: 0..255 pixels minus a mean image.
        var input = Cases.Random(size, 2024).Select(v => 120f * v).ToArray();
        using var session = new InferenceSession(PretrainedResNet18.LocateNetwork());
        using var results = session.Run(new[]
        {
            NamedOnnxValue.CreateFromTensor("Input247", new DenseTensor<float>(input, new[] { 1, 3, 224, 224 })),
        });
        var expected = results.Single().AsEnumerable<float>().Select(v => (double)v).ToArray();
        Assert.Equal(512, expected.Length);

        var actual = new float[512];
        Imported.Value.Predict(input, actual);
        double scale = expected.Max(Math.Abs);
        double worst = expected.Select((e, i) => Math.Abs(actual[i] - e)).Max();
        output.WriteLine($"largest feature {scale:G6}, largest difference {worst:E3} ({worst / scale:E3} relative)");
        GraphTests.AssertClose(expected, actual, 1e-4, "ResNet18 features vs ONNX Runtime");
    }

    [Fact]
    public void Mean_image_preprocessing_matches_onnx_runtime_running_the_preprocess_file()
    {
        var preprocess = MeanImagePreprocess.FromOnnx(PretrainedFiles.Preprocess);
        Assert.Equal((3, 224, 224), (preprocess.Channels, preprocess.Height, preprocess.Width));
        Assert.Equal(new[] { 2, 1, 0 }, Enumerable.Range(0, 3).Select(preprocess.SourceChannel));
        const int size = 3 * 224 * 224;
        // An RGB image in 0..255 (whole pixel values, as decoded images have).
        var image = Cases.Random(size, 99).Select(v => MathF.Round(127.5f * (v + 1f))).ToArray();
        using var session = new InferenceSession(PretrainedResNet18.LocatePreprocess());
        using var results = session.Run(new[]
        {
            NamedOnnxValue.CreateFromTensor("OriginalInput", new DenseTensor<float>(image, new[] { 1, 3, 224, 224 })),
        });
        var expected = results.Single().AsEnumerable<float>().ToArray();

        var actual = new float[size];
        preprocess.Apply(actual, image);
        // One subtraction per element: the same float results.
        Assert.Equal(expected, actual);
        // Channel 0 of the result is blue: the image's channel 2 minus the mean image's first plane.
        Assert.Equal(image[2 * 224 * 224 + 5] - preprocess.MeanImage[5], actual[5]);
    }

    [Fact]
    public void Preprocessing_refuses_a_graph_that_is_not_one()
    {
        var error = Assert.Throws<NotSupportedException>(() => MeanImagePreprocess.FromOnnx(PretrainedFiles.ResNet18));
        Assert.Contains("expected the nodes Split, Concat, Sub; the graph has Conv, BatchNormalization", error.Message);
    }
}
