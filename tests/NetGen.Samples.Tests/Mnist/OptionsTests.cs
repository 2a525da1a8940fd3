extern alias MnistSample;

using MnistSample::Samples.Mnist;
using Xunit;

namespace NetGen.Samples.Tests.Mnist;

/// <summary>The MNIST sample's command line (also FashionMnist's): defaults, values, and each error's reason.</summary>
public class OptionsTests
{
    [Fact]
    public void No_arguments_give_the_defaults()
    {
        var options = Options.Parse([]);

        Assert.Null(options.DataFolder);
        Assert.Equal(10, options.Epochs);
        Assert.Equal(1UL, options.Seed);
        Assert.Equal(Path.GetFullPath("mnist-cnn.safetensors"), options.WeightsPath);
    }

    [Fact]
    public void Every_option_is_read_and_the_output_made_absolute()
    {
        string data = Path.GetTempPath();
        var options = Options.Parse(["--epochs", "3", "--seed", "18446744073709551615", "--data", data, "--out", "w.safetensors"],
            epochs: 15, output: "other.safetensors");

        Assert.Equal(data, options.DataFolder);
        Assert.Equal(3, options.Epochs);
        Assert.Equal(ulong.MaxValue, options.Seed);
        Assert.Equal(Path.GetFullPath("w.safetensors"), options.WeightsPath);
    }

    [Fact]
    public void Caller_defaults_apply_when_the_options_are_absent()
    {
        var options = Options.Parse(["--seed", "7"], epochs: 15, output: "fashion-net.safetensors");

        Assert.Equal(15, options.Epochs);
        Assert.Equal(Path.GetFullPath("fashion-net.safetensors"), options.WeightsPath);
    }

    [Theory]
    [InlineData(new[] { "--epochs", "0" }, "--epochs needs a whole number of at least 1")]
    [InlineData(new[] { "--epochs", "-2" }, "--epochs needs a whole number of at least 1")]
    [InlineData(new[] { "--epochs", "2.5" }, "--epochs needs a whole number of at least 1")]
    [InlineData(new[] { "--epochs", "99999999999" }, "--epochs needs a whole number of at least 1")]
    [InlineData(new[] { "--seed", "-1" }, "--seed needs a non-negative whole number")]
    [InlineData(new[] { "--seed", "one" }, "--seed needs a non-negative whole number")]
    [InlineData(new[] { "--epochs" }, "--epochs needs a value")]
    [InlineData(new[] { "--seed", "2", "--out" }, "--out needs a value")]
    [InlineData(new[] { "--batch", "8" }, "unknown argument '--batch'")]
    [InlineData(new[] { "data" }, "unknown argument 'data'")]
    public void A_bad_argument_is_refused_with_its_reason(string[] args, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => Options.Parse(args));
        Assert.Equal(reason, error.Message);
    }

    [Fact]
    public void A_data_folder_that_does_not_exist_is_named()
    {
        string missing = Path.Combine(Path.GetTempPath(), "netgen-no-such-folder-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<ArgumentException>(() => Options.Parse(["--data", missing]));

        Assert.Equal($"--data: no folder '{missing}'", error.Message);
    }
}
