using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace NetGen.Package.Tests;

/// <summary>
/// The NetGen.Onnx.Export package (src/NetGen.Onnx.Export): what it holds and depends on, and a
/// console project that adds it alone (NetGen comes with it) and exports a .cnn network with its
/// weights (Consumer/Export), checked in ONNX Runtime against the network's own Predict.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class OnnxExportPackageTests(ConsumerFixture consumer, ITestOutputHelper log)
{
    private const string Id = "NetGen.Onnx.Export";

    [Fact]
    public void Package_runs_with_the_generator_inside_and_compiles_against_the_exporter_alone()
    {
        Assert.Equal(
            [Id + ".nuspec", "README.md", "lib/net10.0/NetGen.Generator.dll", "lib/net10.0/NetGen.Onnx.Export.dll", "lib/net10.0/NetGen.Onnx.Export.xml",
             "ref/net10.0/NetGen.Onnx.Export.dll", "ref/net10.0/NetGen.Onnx.Export.xml"],
            consumer.PackageFiles(Id));
        Assert.Equal([Id + ".nuspec", "lib/net10.0/NetGen.Generator.pdb", "lib/net10.0/NetGen.Onnx.Export.pdb"], consumer.PackageFiles(Id, "snupkg"));
        string nuspec = consumer.AddOnNuspec(Id);
        // Roslyn at run time only (the parser's diagnostics), and no package for the generator, which is inside.
        Assert.Contains("<dependency id=\"Microsoft.CodeAnalysis.CSharp\" version=\"4.14.0\" exclude=\"Compile,Build,Analyzers\" />", nuspec);
        Assert.Equal(2, nuspec.Split("<dependency ").Length - 1);
    }

    [Fact]
    public void Consumer_exports_a_cnn_with_its_weights_and_onnx_runtime_gives_its_output()
    {
        string app = consumer.CreateProject("PkgOnnx", [Id], "Export/Program.cs", "Default.cnn");
        var build = DotNetCli.Run(app, "build", "-warnaserror", "-nodeReuse:false");
        Assert.True(build.ExitCode == 0, build.ToString());
        var files = ConsumerFixture.OutputAssemblies(app);
        foreach (string file in new[] { "NetGen.Runtime.dll", "NetGen.Onnx.Export.dll", "NetGen.Generator.dll", "Microsoft.CodeAnalysis.dll", "Microsoft.CodeAnalysis.CSharp.dll" })
            Assert.Contains(file, files);
        Assert.DoesNotContain(files, f => f.StartsWith("ILGPU", StringComparison.OrdinalIgnoreCase));
        // After the build, which compiles every .cnn file in the folder: the program exports it, which must fail.
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Consumer", "Bad.cnn"), Path.Combine(app, "Bad.cnn"));

        var run = DotNetCli.Run(app, "run", "--no-build");
        Assert.True(run.ExitCode == 0, run.ToString());
        log.WriteLine(run.Output);
        Assert.Matches(@"^.*Bad\.cnn\(6,9\): error NG0101: .*'a' \(4, 6, 6\) and 'b' \(8, 6, 6\)", run.Line("bad:"));
        Assert.Contains("DefaultNet cannot run on CUDA: reference the NetGen.Gpu package", run.Line("cuda:"));

        // From the weight file and from the instance: the same model.
        byte[] model = File.ReadAllBytes(Path.Combine(app, "from-file.onnx"));
        Assert.Equal(model, File.ReadAllBytes(Path.Combine(app, "from-instance.onnx")));

        float[] input = run.Floats("input"), expected = run.Floats("output");
        Assert.True(input.Length == 64 && expected.Length == 3, run.ToString());
        using var session = new InferenceSession(model);
        var (inputName, inputMeta) = Assert.Single(session.InputMetadata);
        Assert.Equal("input", inputName);
        Assert.Equal([-1, 1, 8, 8], inputMeta.Dimensions);
        var (outputName, outputMeta) = Assert.Single(session.OutputMetadata);
        Assert.Equal([-1, 3], outputMeta.Dimensions);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(input, [1, 1, 8, 8]))]);
        float[] actual = results.Single(r => r.Name == outputName).AsEnumerable<float>().ToArray();
        Assert.Equal(3, actual.Length);
        double worst = expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst <= 1e-5, $"ONNX Runtime's output {string.Join(", ", actual)} differs from Predict's {string.Join(", ", expected)} by {worst:E3}");
    }
}
