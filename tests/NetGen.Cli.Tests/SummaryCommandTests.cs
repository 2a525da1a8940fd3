using NetGen.Cli.Commands;
using NetGen.Generator.Model;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>`netgen summary` on real files: the figures a build would show, compiler-style errors, exit codes.</summary>
public class SummaryCommandTests
{
    private static readonly string RepoRoot = FindRepoRoot();

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NetGen.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("NetGen.sln not found above " + AppContext.BaseDirectory);
    }

    private static (int ExitCode, string Output, string Errors) Run(string path, int? batch = null, OptimizerKind? optimizer = null)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        int code = SummaryCommand.Run(new FileInfo(path), new SummaryOverrides(batch, optimizer), output, errors, NetGen.Cli.Compilation.CompileCache.Off);
        return (code, output.ToString(), errors.ToString());
    }

    private static string TempFile(string name, string text)
    {
        string path = Path.Combine(TestData.TempFolder(), name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void ThreeConv_at_batch_50_prints_the_textbook_figures()
    {
        var (code, output, errors) = Run(Path.Combine(RepoRoot, "samples/Exercises/ThreeConv.cnn"), batch: 50);

        Assert.Equal(0, code);
        Assert.Equal("", errors);
        Assert.Contains("Total params: 903,400\n", output);
        Assert.Contains("(100, 100, 150)", output);
        Assert.Contains("(200, 50, 75)", output);
        Assert.Contains("(400, 25, 38)", output);
        Assert.Contains("Inference peak: 9.0 MB activations + 3.6 MB parameters = 12.6 MB\n", output);
        Assert.Contains("Training at batch 50 (adam):", output);
        Assert.Matches(@"Inputs:\s+36\.0 MB\n", output);
        Assert.Matches(@"Activations:\s+526\.0 MB\n", output);
        Assert.Matches(@"Parameters:\s+3\.6 MB\n", output);
        Assert.Matches(@"Gradients:\s+3\.6 MB\n", output);
        Assert.Matches(@"Optimizer state:\s+7\.2 MB\n", output);
    }

    [Fact]
    public void A_network_whose_code_is_not_generated_gets_the_builds_NG0302_info()
    {
        string path = TempFile("Huge.cnn", "network Huge {\n    input 1x28x28\n    f = flatten\n    d = dense(2739200)\n}\n");
        var (code, output, errors) = Run(path);

        Assert.Equal(0, code);
        Assert.Matches(@"Huge\.cnn\(\d+,\d+\): info NG0302: ", errors);
        Assert.Contains("Total params:", output);
    }

    [Fact]
    public void Vgg16_at_batch_64_shows_the_allocation_the_generator_checks_and_gets_its_training_code()
    {
        string path = Path.Combine(RepoRoot, "samples/Architectures/Vgg16.cnn");
        var (code, output, errors) = Run(path, batch: 64);

        var loaded = NetworkLoader.Load(path);
        var analysis = Generator.Emit.NetworkBuild.Analyze(new[] { loaded.Networks[0] with { Batch = 64 } }, Array.Empty<DiagnosticInfo>()).Networks[0];
        long allocated = analysis.Training.Total + analysis.KernelBuffers.TrainingBytes;
        Assert.True(allocated > analysis.Training.Total, "VGG-16 trains with kernel buffers beside its plan");
        Assert.Equal(0, code);
        Assert.Contains(" to predict, " + Units.FormatBytes(allocated) + " to train\n", output);
        // Past 2^31 floats, but one native block holds it: no NG0302 any more.
        Assert.True(allocated / 4 > int.MaxValue, $"VGG-16 at batch 64 allocates {allocated:N0} bytes");
        Assert.DoesNotContain("NG0302", errors);
    }

    [Fact]
    public void Optimizer_option_changes_only_the_optimizer_state()
    {
        string path = Path.Combine(RepoRoot, "samples/Exercises/ThreeConv.cnn");
        var none = Run(path, batch: 50, optimizer: OptimizerKind.None).Output;
        var sgd = Run(path, batch: 50, optimizer: OptimizerKind.Sgd).Output;

        Assert.Contains("Training at batch 50 (none):", none);
        Assert.Matches(@"Optimizer state:\s+0 B\n", none);
        Assert.Matches(@"Optimizer state:\s+3\.6 MB\n", sgd);
        Assert.Matches(@"Activations:\s+526\.0 MB\n", sgd);
    }

    [Fact]
    public void Attribute_networks_in_a_cs_file_print_the_same_summary_as_their_cnn_twin()
    {
        var attributes = Run(Path.Combine(RepoRoot, "samples/Exercises/ThreeConvNet.cs"));
        var cnn = Run(Path.Combine(RepoRoot, "samples/Exercises/ThreeConv.cnn"));

        Assert.Equal(0, attributes.ExitCode);
        Assert.Equal(cnn.Output.Replace("Network: ThreeConv\n", ""), attributes.Output.Replace("Network: ThreeConvNet\n", ""));
    }

    [Fact]
    public void A_bad_cnn_file_prints_compiler_style_errors_and_exits_1()
    {
        string path = TempFile("bad.cnn", """
            network Bad {
                input 3x32x32
                a = conv2d(16, 3, padding: same)
                b = a -> relux
            }
            """);
        var (code, output, errors) = Run(path);

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Equal($"{path}(4,14): error NG0002: Unknown layer 'relux'; did you mean 'relu'?", errors.Trim());
    }

    [Fact]
    public void A_shape_error_names_both_shapes_at_its_line_and_column()
    {
        string path = TempFile("shapes.cnn", """
            network Shapes {
                input 3x32x32
                a = conv2d(16, 3, padding: same)
                b = a -> conv2d(32, 3, stride: 2, padding: same)
                c = add(a, b)
            }
            """);
        var (code, _, errors) = Run(path);

        Assert.Equal(1, code);
        Assert.Equal($"{path}(5,9): error NG0101: 'c' (add) needs inputs of the same shape, but 'a' (16, 32, 32) and 'b' (32, 16, 16) differ", errors.Trim());
    }

    [Fact]
    public void A_warning_alone_still_prints_the_summary_and_exits_0()
    {
        string path = TempFile("unused.cnn", """
            network Unused {
                input 8
                side = dense(3)
                out = input -> dense(2)
            }
            """);
        var (code, output, errors) = Run(path);

        Assert.Equal(0, code);
        Assert.Contains("warning NG0008", errors);
        Assert.Contains("Network: Unused", output);
    }

    [Fact]
    public void A_missing_file_is_an_error_not_a_crash()
    {
        var (code, _, errors) = Run(Path.Combine(Path.GetTempPath(), "netgen-no-such-file.cnn"));

        Assert.Equal(2, code);
        Assert.Contains("file not found", errors);
    }

    [Fact]
    public void A_cs_file_without_networks_says_so()
    {
        string path = TempFile("plain.cs", "class Plain { }");
        var (code, _, errors) = Run(path);

        Assert.Equal(1, code);
        Assert.Contains("no network found", errors);
    }
}
