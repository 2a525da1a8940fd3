extern alias FashionSample;

using FashionSample::Samples.FashionMnist;
using Xunit;

namespace NetGen.Samples.Tests.FashionMnist;

/// <summary>The FashionMnist program's error paths, run through its compiled Main: a clear message and exit code, no stack trace.</summary>
public sealed class FashionProgramTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "netgen-fashion-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_missing_data_folder_exits_with_2_naming_the_folder_and_the_usage()
    {
        var run = EntryPoint.Run(typeof(FashionNet).Assembly, "--data", _folder, "--epochs", "1");

        EntryPoint.AssertCleanError(run, 2, $"--data: no folder '{_folder}'", "usage: FashionMnist [--data DIR]");
    }

    [Fact]
    public void A_data_folder_without_mnist_files_exits_with_1_naming_the_missing_file()
    {
        Directory.CreateDirectory(_folder);

        var run = EntryPoint.Run(typeof(FashionNet).Assembly, "--data", _folder, "--epochs", "1", "--out", Path.Combine(_folder, "w.safetensors"));

        EntryPoint.AssertCleanError(run, 1, _folder, "train-images");
        Assert.False(File.Exists(Path.Combine(_folder, "w.safetensors")));
    }

    [Fact]
    public void A_bad_option_exits_with_2_and_its_reason()
    {
        var run = EntryPoint.Run(typeof(FashionNet).Assembly, "--epochs", "zero");

        EntryPoint.AssertCleanError(run, 2, "--epochs needs a whole number of at least 1");
    }
}
