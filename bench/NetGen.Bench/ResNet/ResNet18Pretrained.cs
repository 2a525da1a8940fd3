using NetGen.Bench.Infrastructure;
using NetGen.Onnx;
using Samples.TransferLearning;

namespace NetGen.Bench.ResNet;

/// <summary>
/// The pretrained ResNet-18 of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1
/// (a CNTK 2.6 export, tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx, which the project's
/// PackageDownload puts in the NuGet cache) and NetGen's generated ResNet18
/// (samples/TransferLearning/ResNet18.cnn) with its weights imported by name
/// (samples/TransferLearning/resnet18.onnx-map.txt), as the sample and the oracle tests bind them.
/// </summary>
public static class ResNet18Pretrained
{
    /// <summary>Floats of one input image, (3, 224, 224), BGR 0..255 minus the mean image.</summary>
    public const int InputFloats = 3 * 224 * 224;

    /// <summary>Features out per image: (512, 1, 1) after the global pooling.</summary>
    public const int Features = 512;

    private const string Package = "microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1/tools/DnnImageModels";

    /// <summary>The ONNX file in the NuGet cache; throws FileNotFoundException saying how to get it.</summary>
    public static string OnnxPath
    {
        get
        {
            string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
                ? env
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string path = Path.Combine(root, Package, "ResNet18Onnx", "ResNet18.onnx");
            if (!File.Exists(path))
                throw new FileNotFoundException(
                    $"{path} is missing. The bench project's PackageDownload of Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 " +
                    "brings it: run 'dotnet restore bench/NetGen.Bench' (with access to nuget.org or a feed that serves it).", path);
            return path;
        }
    }

    /// <summary>An inference instance of the generated network with the pretrained weights.</summary>
    public static ResNet18 Load()
    {
        var shapes = ResNet18.ParameterTensors.ToArray().ToDictionary(t => t.Name, t => t.ShapeArray());
        var map = OnnxWeightMap.Load(RepoPaths.File("samples/TransferLearning/resnet18.onnx-map.txt"));
        var weights = OnnxImport.Bind(OnnxModel.Load(OnnxPath), map, shapes);
        var network = new ResNet18(1);
        network.SetParameters(weights);
        return network;
    }

    /// <summary>
    /// <paramref name="images"/> seeded inputs on the scale of the real ones (pixels 0..255 minus a
    /// mean image: uniform in [-120, 120]), as the oracle test feeds them.
    /// </summary>
    public static float[] Inputs(int images)
    {
        var random = new Random(2024);
        var inputs = new float[images * InputFloats];
        for (int i = 0; i < inputs.Length; i++) inputs[i] = (float)(240 * random.NextDouble() - 120);
        return inputs;
    }
}
