using System;
using NetGen.Onnx;

namespace NetGen.Runtime.Tests.Onnx;

/// <summary>
/// The pretrained ResNet-18 that the test project's PackageDownload of
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1 puts in the NuGet cache (found by
/// <see cref="PretrainedResNet18"/>), read once (63 MB) and shared by every test.
/// </summary>
internal static class PretrainedFiles
{
    private static readonly Lazy<OnnxModel> LazyResNet18 = new(() => OnnxModel.Load(PretrainedResNet18.LocateNetwork()));
    private static readonly Lazy<OnnxModel> LazyPreprocess = new(() => OnnxModel.Load(PretrainedResNet18.LocatePreprocess()));

    public static OnnxModel ResNet18 => LazyResNet18.Value;

    public static OnnxModel Preprocess => LazyPreprocess.Value;
}
