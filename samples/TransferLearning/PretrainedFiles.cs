using System;
using System.IO;

namespace Samples.TransferLearning;

/// <summary>
/// The ONNX files of the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, which the
/// project's PackageDownload puts in the NuGet packages folder (no assembly is referenced).
/// </summary>
internal static class PretrainedFiles
{
    public const string NetworkPath = "ResNet18Onnx/ResNet18.onnx";
    public const string PreprocessPath = "ResNetPrepOnnx/ResNetPreprocess.onnx";
    private const string Package = "microsoft.ml.dnnimagefeaturizer.resnet18/0.23.1/tools/DnnImageModels";

    /// <summary>The file's full path; throws FileNotFoundException saying how to get it.</summary>
    public static string Locate(string relative)
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } env
            ? env
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, Package, relative);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{path} is missing. The project's PackageDownload of Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 " +
                "brings it: run 'dotnet restore samples/TransferLearning' (with access to nuget.org or a feed that serves it).", path);
        }

        return path;
    }
}
