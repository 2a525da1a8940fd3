using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NetGen.Cli.Compilation;
using NetGen.Execution;
using Xunit;

namespace NetGen.Cli.Tests.Import;

/// <summary>Runs `netgen import` in-process, compiles what it wrote, and runs the same input through NetGen and ONNX Runtime.</summary>
internal static class ImportKit
{
    /// <summary>The result of one `netgen import`: exit code, what it printed, the folder and the .cnn it wrote.</summary>
    public sealed record Run(int ExitCode, string Output, string Errors, string Folder, string CnnPath, string WeightsPath)
    {
        public string Cnn => File.ReadAllText(CnnPath);
    }

    /// <summary>Writes <paramref name="model"/> to a temp file named <paramref name="fileName"/> and imports it.</summary>
    public static Run Import(byte[] model, string fileName = "model.onnx", params string[] extra)
    {
        string dir = TestData.TempFolder();
        string path = Path.Combine(dir, fileName);
        File.WriteAllBytes(path, model);
        return ImportFile(path, extra);
    }

    public static Run ImportFile(string path, params string[] extra)
    {
        string outDir = Path.Combine(TestData.TempFolder(), "out");
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = Cli.Run(new[] { "import", path, "--out", outDir }.Concat(extra).ToArray(), output, errors);
        string name = extra.SkipWhile(a => a != "--name").Skip(1).FirstOrDefault()
            ?? NetGen.Onnx.OnnxImport.DefaultNetworkName(Path.GetFileName(path));
        return new Run(code, output.ToString(), errors.ToString(), outDir, Path.Combine(outDir, name + ".cnn"), Path.Combine(outDir, name + ".safetensors"));
    }

    /// <summary>The imported network's Predict on <paramref name="input"/> (one sample), with the written weights loaded.</summary>
    public static float[] Predict(Run run, float[] input)
    {
        Assert.True(run.ExitCode == 0, $"import failed ({run.ExitCode}): {run.Errors}");
        using var compiled = NetworkCompiler.Compile(new CompileRequest(run.CnnPath, Cache: TestData.Cache()), TextWriter.Null);
        var net = compiled.Create(7, NetGen.Execution.ExecutionMode.Inference);
        try
        {
            net.Load(run.WeightsPath);
            Assert.Equal(input.Length, net.InputSize);
            var output = new float[net.OutputSize];
            net.Predict(input, output);
            return output;
        }
        finally
        {
            (net as IDisposable)?.Dispose();
        }
    }

    /// <summary>ONNX Runtime's output for one sample of shape <paramref name="sample"/>.</summary>
    public static float[] Reference(byte[] model, string inputName, long[] sample, float[] input)
    {
        using var session = new InferenceSession(model);
        return Reference(session, inputName, sample, input);
    }

    public static float[] Reference(InferenceSession session, string inputName, long[] sample, float[] input)
    {
        var dims = new[] { 1 }.Concat(sample.Select(d => (int)d)).ToArray();
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, dims)) });
        return results.First().AsEnumerable<float>().ToArray();
    }

    /// <summary>
    /// <paramref name="model"/> in ONNX Runtime and the network <paramref name="run"/> imported from it on
    /// one random sample: the max difference within <paramref name="tolerance"/> of max |y| (logged).
    /// </summary>
    public static void AssertPredictsLikeOnnxRuntime(OnnxBuilder builder, byte[] model, Run run, string name, double tolerance, Xunit.Abstractions.ITestOutputHelper log)
    {
        long count = builder.InputShape.Aggregate(1L, (a, d) => a * d);
        var input = RandomInput(count, 5);
        var expected = Reference(model, builder.InputName, builder.InputShape, input);
        var actual = Predict(run, input);
        double error = RelativeError(expected, actual);
        log.WriteLine($"{name}: {expected.Length} outputs, max error {error:E2} of max |y|");
        Assert.True(error <= tolerance, $"{name}: max error {error:E3} > {tolerance:E0}");
    }

    public static float[] RandomInput(long count, int seed, float scale = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, (int)count).Select(_ => scale * (2 * (float)random.NextDouble() - 1)).ToArray();
    }

    /// <summary>Max |actual - expected| over max |expected| (a softmax of 1,000 classes is ~0.001 everywhere): float32 on both sides, summed in different orders.</summary>
    public static double RelativeError(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-12, expected.Max(v => Math.Abs((double)v)));
        return expected.Select((e, i) => Math.Abs((double)actual[i] - e)).Max() / scale;
    }
}
