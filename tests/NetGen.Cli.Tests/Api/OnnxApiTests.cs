using Microsoft.ML.OnnxRuntime;
using NetGen.Cli.Compilation;
using NetGen.Cli.Tests.Import;
using NetGen.Onnx;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Cli.Tests.Api;

/// <summary>
/// The library API the commands are shells over: NetGen.Onnx.OnnxImport.ToCnn (runtime) and
/// NetGen.Onnx.OnnxExport (NetGen.Onnx.Export), their results, and their typed errors.
/// </summary>
public class OnnxApiTests(ITestOutputHelper log)
{
    private const string Small = """
        network Small {
            input 2x6x6
            conv1 = conv2d(4, 3, padding: 1) -> bn1: batchnorm -> act: hardswish
            pool = global_avgpool
            fc = dense(3, activation: softmax)
        }
        """;

    [Fact]
    public void Import_from_a_stream_writes_the_files_the_command_writes()
    {
        var model = ImportCases.All["squeeze_excitation"].Build().Build();
        var run = ImportKit.Import(model, "se.onnx", "--name", "Se");
        Assert.True(run.ExitCode == 0, run.Errors);

        var imported = OnnxImport.ToCnn(new MemoryStream(model), "se.onnx", new OnnxImportOptions { NetworkName = "Se" });
        Assert.Equal("Se", imported.Name);
        Assert.Equal(run.Cnn, imported.Cnn);
        var files = imported.WriteTo(Path.Combine(TestData.TempFolder(), "api"));
        Assert.Equal(File.ReadAllBytes(run.WeightsPath), File.ReadAllBytes(files.WeightsPath));
        Assert.Equal(imported.Tensors.Sum(t => (long)t.Data.Length), imported.ParameterCount);
    }

    [Fact]
    public void Import_errors_are_one_exception_listing_every_failing_node()
    {
        var b = new OnnxBuilder().Input("x", 2, 4, 4);
        var c = b.Node("Conv", "conv", new[] { "x", b.Random("w", new long[] { 3, 2, 1, 1 }) });
        var e = b.Node("Erf", "erf", new[] { c });
        var s = b.Node("Selu", "selu", new[] { c });
        b.Output(b.Node("Add", "sum", new[] { e, s }));
        var error = Assert.Throws<OnnxImportException>(() => OnnxImport.ToCnn(new MemoryStream(b.Build()), "two.onnx"));
        Assert.Equal(2, error.Errors.Count);
        Assert.StartsWith("two.onnx: error: node 'erf' (Erf): ", error.Errors[0]);
        Assert.StartsWith("two.onnx: error: node 'selu' (Selu): ", error.Errors[1]);
    }

    [Fact]
    public void Import_options_and_files_are_checked_before_anything_is_read()
    {
        var model = ImportCases.All["squeeze_excitation"].Build().Build();
        Assert.Contains("'1net' is not a .cnn identifier", Assert.Throws<ArgumentException>(() =>
            OnnxImport.ToCnn(new MemoryStream(model), "m.onnx", new OnnxImportOptions { NetworkName = "1net" })).Message);
        Assert.Contains("is not (C, H, W) or (F)", Assert.Throws<ArgumentException>(() =>
            OnnxImport.ToCnn(new MemoryStream(model), "m.onnx", new OnnxImportOptions { InputShape = new[] { 4, 5 } })).Message);
        Assert.Throws<FileNotFoundException>(() => OnnxImport.ToCnn(Path.Combine(TestData.TempFolder(), "none.onnx")));
        Assert.Throws<OnnxFormatException>(() => OnnxImport.ToCnn(new MemoryStream(new byte[] { 1, 2, 3 }), "bad.onnx"));
        Assert.Equal("resnet_18", OnnxImport.DefaultNetworkName("resnet-18.onnx"));
    }

    [Fact]
    public void Export_from_a_weights_file_and_from_an_instance_write_the_same_model_that_onnx_runtime_agrees_with()
    {
        string dir = TestData.TempFolder();
        string cnn = Path.Combine(dir, "small.cnn");
        File.WriteAllText(cnn, Small);
        string weights = Path.Combine(dir, "small.safetensors");
        using var compiled = NetworkCompiler.Compile(new CompileRequest(cnn, Cache: CompileCache.At(Path.Combine(dir, "cache"))), TextWriter.Null);
        using var net = compiled.Create(5, NetGen.Execution.ExecutionMode.Inference);
        net.Save(weights);
        var input = ImportKit.RandomInput(net.InputSize, 3);
        var expected = new float[net.OutputSize];
        net.Predict(input, expected);

        string fromFile = Path.Combine(dir, "out", "from-file.onnx");
        OnnxExport.ToOnnx(cnn, weights, fromFile);
        var fromInstance = OnnxExport.ToBytes(cnn, net);
        Assert.Equal(File.ReadAllBytes(fromFile), fromInstance);

        using var session = new InferenceSession(fromInstance);
        var actual = ImportKit.Reference(session, "input", new long[] { 2, 6, 6 }, input);
        double error = ImportKit.RelativeError(expected, actual);
        log.WriteLine($"ONNX Runtime vs Predict: max error {error:E2} of max |y|");
        Assert.True(error <= 1e-4, $"{error:E3}");
    }

    [Fact]
    public void Export_errors_are_typed_and_write_nothing()
    {
        string dir = TestData.TempFolder();
        string cnn = Path.Combine(dir, "small.cnn");
        File.WriteAllText(cnn, Small);
        string bad = Path.Combine(dir, "bad.cnn");
        File.WriteAllText(bad, "network Bad {\n    input 2x6x6\n    c = conv2d(4, 9)\n}\n");
        string onnx = Path.Combine(dir, "m.onnx");

        var parse = Assert.Throws<OnnxExportException>(() => OnnxExport.ToOnnx(bad, Path.Combine(dir, "w.safetensors"), onnx));
        Assert.Contains("error NG", parse.Message);
        Assert.Contains("bad.cnn(", parse.Message);

        string other = Path.Combine(dir, "other.cnn");
        File.WriteAllText(other, "network Other {\n    input 2x6x6\n    c = conv2d(4, 3)\n}\n");
        using var compiled = NetworkCompiler.Compile(new CompileRequest(other, Cache: CompileCache.At(Path.Combine(dir, "cache"))), TextWriter.Null);
        using var net = compiled.Create(1, NetGen.Execution.ExecutionMode.Inference);
        var mismatch = Assert.Throws<OnnxExportException>(() => OnnxExport.ToOnnx(cnn, net, onnx));
        Assert.Contains("is not network Small", mismatch.Message);
        Assert.Contains("the instance has no parameter 'bn1.weight'", mismatch.Message);

        string weights = Path.Combine(dir, "other.safetensors");
        net.Save(weights);
        Assert.Throws<NetGen.Weights.WeightMismatchException>(() => OnnxExport.ToOnnx(cnn, weights, onnx));
        Assert.False(File.Exists(onnx));
    }
}
