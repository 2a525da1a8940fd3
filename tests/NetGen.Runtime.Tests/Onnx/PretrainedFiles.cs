using System;
using System.IO;
using NetGen.Onnx;

namespace NetGen.Runtime.Tests.Onnx;

/// <summary>
/// The pretrained ResNet-18 that the test project's PackageDownload of
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 puts in the NuGet cache, read once
/// (63 MB) and shared by every test.
/// </summary>
internal static class PretrainedFiles
{
    private const string Package = "microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1/tools/DnnImageModels";

    private static readonly Lazy<OnnxModel> LazyResNet18 = new(() => OnnxModel.Load(Locate("ResNet18Onnx/ResNet18.onnx")));
    private static readonly Lazy<OnnxModel> LazyPreprocess = new(() => OnnxModel.Load(Locate("ResNetPrepOnnx/ResNetPreprocess.onnx")));

    public static OnnxModel ResNet18 => LazyResNet18.Value;

    public static OnnxModel Preprocess => LazyPreprocess.Value;

    /// <summary>The file under the NuGet packages folder; a missing file fails the test with how to get it.</summary>
    public static string Locate(string relative)
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, Package, relative);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"{path} is missing. The test project's PackageDownload of Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 " +
                "brings it: run 'dotnet restore tests/NetGen.Runtime.Tests' (with access to nuget.org or a feed that serves it).", path);
        return path;
    }
}
