extern alias MnistSample;

using MnistSample::Samples.Mnist;
using Xunit;

namespace NetGen.Samples.Tests.Mnist;

/// <summary>The MNIST program's error paths, run through its compiled Main: a clear message and exit code, no stack trace.</summary>
public sealed class MnistProgramTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "netgen-mnist-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_missing_data_folder_exits_with_2_naming_the_folder_and_the_usage()
    {
        var run = EntryPoint.Run(typeof(MnistCnn).Assembly, "--data", _folder);

        EntryPoint.AssertCleanError(run, 2, $"--data: no folder '{_folder}'", "usage: Mnist [--data DIR]");
    }

    [Fact]
    public void A_data_folder_without_mnist_files_exits_with_1_naming_the_missing_file()
    {
        Directory.CreateDirectory(_folder);

        var run = EntryPoint.Run(typeof(MnistCnn).Assembly, "--data", _folder, "--out", Path.Combine(_folder, "w.safetensors"));

        // Neither train-*/t10k-* nor mnist-10k-* files: the message names the 10k files it looked for.
        EntryPoint.AssertCleanError(run, 1, _folder, "mnist-10k-images");
        Assert.False(File.Exists(Path.Combine(_folder, "w.safetensors")));
    }

    [Fact]
    public void A_truncated_image_file_exits_with_1_naming_the_file()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllBytes(Path.Combine(_folder, "mnist-10k-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0]);
        File.WriteAllBytes(Path.Combine(_folder, "mnist-10k-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 0]);

        var run = EntryPoint.Run(typeof(MnistCnn).Assembly, "--data", _folder);

        EntryPoint.AssertCleanError(run, 1, "mnist-10k-images-idx3-ubyte");
    }
}
