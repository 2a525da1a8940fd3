using System;
using System.IO;
using NetGen.Onnx;
using Xunit;

namespace NetGen.Runtime.Tests.Onnx;

/// <summary>Finding a package's file in a NuGet packages folder laid out as restore does, in a temporary folder.</summary>
public sealed class NuGetPackageFilesTests : IDisposable
{
    private readonly string _packages = Path.Combine(Path.GetTempPath(), "netgen-nuget-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_packages)) Directory.Delete(_packages, recursive: true);
    }

    [Fact]
    public void Finds_the_file_under_the_lower_case_id_and_version()
    {
        string expected = Path.Combine(_packages, "some.package", "1.2.3-beta", "tools", "model.onnx");
        Directory.CreateDirectory(Path.GetDirectoryName(expected)!);
        File.WriteAllBytes(expected, [1]);

        string found = NuGetPackageFiles.Locate(_packages, "Some.Package", "1.2.3-Beta", "tools/model.onnx");

        Assert.Equal(Path.GetFullPath(expected), found);
    }

    [Fact]
    public void A_package_not_restored_is_named_with_its_version_the_path_and_the_fix()
    {
        Directory.CreateDirectory(_packages);

        var error = Assert.Throws<FileNotFoundException>(() => NuGetPackageFiles.Locate(_packages, "Some.Package", "1.2.3", "tools/model.onnx"));

        string path = Path.GetFullPath(Path.Combine(_packages, "some.package", "1.2.3", "tools", "model.onnx"));
        Assert.Equal(path, error.FileName);
        Assert.Contains("Some.Package 1.2.3", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Contains("not in the NuGet packages folder " + Path.GetFullPath(_packages), error.Message);
        Assert.Contains("<PackageDownload Include=\"Some.Package\" Version=\"[1.2.3]\" />", error.Message);
    }

    [Fact]
    public void A_restored_package_without_the_file_says_so()
    {
        Directory.CreateDirectory(Path.Combine(_packages, "some.package", "1.2.3", "tools"));

        var error = Assert.Throws<FileNotFoundException>(() => NuGetPackageFiles.Locate(_packages, "Some.Package", "1.2.3", "tools/other.onnx"));

        Assert.Contains("holds no 'tools/other.onnx'", error.Message);
    }

    [Fact]
    public void An_absolute_path_inside_a_package_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => NuGetPackageFiles.Locate(_packages, "Some.Package", "1.2.3", Path.GetFullPath("model.onnx")));
        Assert.Contains("inside the package", error.Message);
    }

    [Fact]
    public void The_pretrained_resnet18_files_are_found_in_the_restored_package()
    {
        // The test project's PackageDownload restores the package; both files must be where the constants say.
        Assert.EndsWith("ResNet18.onnx", PretrainedResNet18.LocateNetwork());
        Assert.EndsWith("ResNetPreprocess.onnx", PretrainedResNet18.LocatePreprocess());
        Assert.True(new FileInfo(PretrainedResNet18.LocateNetwork()).Length > 60_000_000);
    }
}
