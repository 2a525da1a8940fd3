extern alias TransferSample;

using NetGen.Execution;
using NetGen.Gpu;
using TransferSample::Samples.TransferLearning;
using Xunit;

namespace NetGen.Samples.Tests.TransferLearning;

/// <summary>The transfer-learning sample's command line: defaults, every option, each error's reason, and --device without a GPU.</summary>
public sealed class TransferOptionsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "netgen-transfer-" + Guid.NewGuid().ToString("N"));

    public TransferOptionsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void No_arguments_give_the_defaults()
    {
        var options = Options.Parse([], "work");

        Assert.Equal(new Options(null, "work", 100, 30, 6, 10, 1e-3f, 1, NetworkDevice.Cpu), options);
    }

    [Fact]
    public void Every_option_is_read()
    {
        var options = Options.Parse(["--data", _folder, "--work", "w", "--per-class", "20", "--head-epochs", "2", "--finetune-epochs", "0",
            "--scratch-epochs", "3", "--lr", "0.01", "--seed", "7", "--device", "auto"], "work");

        Assert.Equal(new Options(_folder, "w", 20, 2, 0, 3, 0.01f, 7, NetworkDevice.Auto), options);
        Assert.Equal(NetworkDevice.Cuda, Options.Parse(["--device", "cuda"], "work").Device);
        Assert.Equal(NetworkDevice.Cpu, Options.Parse(["--device", "cpu"], "work").Device);
    }

    [Theory]
    [InlineData("--device:gpu", "--device: 'gpu' is not a device; expected cpu, cuda or auto")]
    [InlineData("--device", "--device needs a value")]
    [InlineData("--per-class:19", "--per-class needs a whole number of at least 20")]
    [InlineData("--lr:-1", "--lr needs a positive number")]
    [InlineData("--epochs:3", "unknown argument '--epochs'")]
    public void Bad_options_say_why(string arguments, string message)
    {
        var args = arguments.Split(':');
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => Options.Parse(args, "work")).Message);
    }

    [Fact]
    public void Cuda_without_a_gpu_stops_before_the_images_with_the_reason_and_a_bad_device_shows_the_usage()
    {
        var bad = EntryPoint.Run(typeof(Options).Assembly, "--device", "gpu", "--data", _folder);
        EntryPoint.AssertCleanError(bad, 2, "--device: 'gpu' is not a device", "[--device cpu|cuda|auto]");
        if (GpuDevice.CudaAvailable()) return; // With a CUDA GPU the run goes on to the images: nothing to check here.
        // The empty folder would fail later (no class folders): the device is checked first.
        var run = EntryPoint.Run(typeof(Options).Assembly, "--device", "cuda", "--data", _folder);
        EntryPoint.AssertCleanError(run, 1, "--device cuda: No CUDA device");
    }
}
