using Xunit;

namespace NetGen.Cli.Tests.Export;

/// <summary>`netgen export` with files that are missing or do not fit: the CLI's error lines and exit codes.</summary>
public class ExportErrorTests
{
    private const string Net = """
        network Small {
            input 1x6x6
            conv1 = conv2d(2, 3, activation: relu)
            fc = flatten -> dense(3)
        }
        """;

    private static (int Code, string Errors) Export(string cnn, string weights, string onnx)
    {
        var errors = new StringWriter();
        int code = Cli.Run(new[] { "export", cnn, "--weights", weights, "--out", onnx, "--cache", TestData.TempFolder() }, new StringWriter(), errors);
        return (code, errors.ToString());
    }

    [Fact]
    public void Missing_weights_are_a_usage_error_and_nothing_is_written()
    {
        string dir = TestData.TempFolder();
        string cnn = Path.Combine(dir, "small.cnn");
        File.WriteAllText(cnn, Net);
        var (code, errors) = Export(cnn, Path.Combine(dir, "none.safetensors"), Path.Combine(dir, "m.onnx"));
        Assert.Equal(2, code);
        Assert.Contains("none.safetensors: error: file not found", errors);
        Assert.False(File.Exists(Path.Combine(dir, "m.onnx")));
    }

    [Fact]
    public void Weights_of_another_network_are_an_error_naming_the_tensor()
    {
        string dir = TestData.TempFolder();
        string cnn = Path.Combine(dir, "small.cnn");
        File.WriteAllText(cnn, Net);
        string weights = Path.Combine(dir, "other.safetensors");
        NetGen.Weights.Safetensors.Write(weights, new[] { new NetGen.Weights.NamedTensor("conv1.weight", new[] { 2, 1, 5, 5 }, new float[50]) });
        var (code, errors) = Export(cnn, weights, Path.Combine(dir, "m.onnx"));
        Assert.Equal(1, code);
        Assert.Contains("conv1.weight", errors);
        Assert.False(File.Exists(Path.Combine(dir, "m.onnx")));
    }
}
