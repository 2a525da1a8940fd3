namespace NetGen.Onnx;

/// <summary>
/// The pretrained ImageNet ResNet-18 (CNTK, exported to ONNX) and its input preprocessing that
/// ship in the NuGet package <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> 0.23.1. A project
/// gets the files, without referencing any assembly, with
/// <c>&lt;PackageDownload Include="Microsoft.ML.DnnImageFeaturizer.ResNet18" Version="[0.23.1]" /&gt;</c>;
/// <c>samples/TransferLearning/ResNet18.cnn</c> and <c>resnet18.onnx-map.txt</c> describe the network.
/// </summary>
public static class PretrainedResNet18
{
    /// <summary>The NuGet package that holds the files.</summary>
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>The package version the .cnn description and the weight map were checked against.</summary>
    public const string PackageVersion = "0.23.1";

    /// <summary>The network inside the package: input (1, 3, 224, 224), output (1, 512, 1, 1); 63.7 MB.</summary>
    public const string NetworkFile = "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx";

    /// <summary>The preprocessing inside the package (RGB to BGR minus a mean image), read by <see cref="MeanImagePreprocess.FromOnnx"/>.</summary>
    public const string PreprocessFile = "tools/DnnImageModels/ResNetPrepOnnx/ResNetPreprocess.onnx";

    /// <summary>The full path of <see cref="NetworkFile"/> in the NuGet packages folder.</summary>
    /// <exception cref="System.IO.FileNotFoundException">The package is not restored; the message says how to get it.</exception>
    public static string LocateNetwork() => NuGetPackageFiles.Locate(PackageId, PackageVersion, NetworkFile);

    /// <summary>The full path of <see cref="PreprocessFile"/> in the NuGet packages folder.</summary>
    /// <exception cref="System.IO.FileNotFoundException">The package is not restored; the message says how to get it.</exception>
    public static string LocatePreprocess() => NuGetPackageFiles.Locate(PackageId, PackageVersion, PreprocessFile);
}
