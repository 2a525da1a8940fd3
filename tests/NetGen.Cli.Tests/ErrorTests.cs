using NetGen.Cli.Commands;
using NetGen.Cli.Compilation;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>What the training commands say when something is wrong: the file or folder, what is wrong, an exit code; never a stack trace.</summary>
[Collection(TrainingCollection.Name)]
public class ErrorTests
{
    private readonly TrainedRun _run;

    public ErrorTests(TrainedRun run) => _run = run;

    private static void NoStackTrace(string errors)
    {
        Assert.DoesNotContain("   at ", errors);
        Assert.DoesNotContain("Exception", errors);
    }

    [Fact]
    public void Missing_data_folder()
    {
        string missing = Path.Combine(TestData.TempFolder(), "nothing-here");
        var (code, _, errors) = TrainedRun.Train(new TrainOptions(_run.NetFile, missing, 1, Out: TestData.TempFolder()));

        Assert.Equal(2, code);
        Assert.Equal($"{missing}: error: data folder not found", errors.Trim());
    }

    [Fact]
    public void Data_folder_without_data()
    {
        string empty = TestData.TempFolder();
        var (code, _, errors) = TrainedRun.Train(new TrainOptions(_run.NetFile, empty, 1, Out: TestData.TempFolder()));

        Assert.Equal(1, code);
        Assert.StartsWith($"{empty}: error: no data found: expected MNIST IDX files", errors);
        NoStackTrace(errors);
    }

    [Fact]
    public void Input_size_mismatch_names_both_shapes()
    {
        string net = TestData.WriteFile(TestData.TempFolder(), "wide.cnn", TestData.TinyNet.Replace("input 1x28x28", "input 1x32x32"));
        var (code, _, errors) = TrainedRun.Train(new TrainOptions(net, _run.Data, 1, Out: TestData.TempFolder()));

        Assert.Equal(1, code);
        Assert.Equal($"{_run.Data}: error: the samples are (1, 28, 28) but the network's input is (1, 32, 32)", errors.Trim());
    }

    [Fact]
    public void Bad_cnn_file_prints_compiler_style_diagnostics()
    {
        string net = TestData.WriteFile(TestData.TempFolder(), "bad.cnn", TestData.TinyNet.Replace("conv2d(4, 3,", "conv2d(4, 99,"));
        var (code, _, errors) = TrainedRun.Train(new TrainOptions(net, _run.Data, 1, Out: TestData.TempFolder()));

        Assert.Equal(1, code);
        Assert.Matches(@"^" + System.Text.RegularExpressions.Regex.Escape(net) + @"\(6,\d+\): error NG\d{4}: .*conv1", errors);
        NoStackTrace(errors);
    }

    [Fact]
    public void Corrupt_checkpoint_weights()
    {
        string copy = TestData.TempFolder();
        TestData.CopyFolder(_run.Out, copy);
        string weights = TestData.CheckpointFile(copy);
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..100]);

        var output = new StringWriter();
        var errors = new StringWriter();
        int code = EvalCommand.Run(new EvalOptions(_run.NetFile, _run.Data, copy), output, errors);

        Assert.Equal(1, code);
        Assert.StartsWith($"{weights}: error: ", errors.ToString());
        NoStackTrace(errors.ToString());
    }

    [Fact]
    public void Corrupt_checkpoint_json()
    {
        string copy = TestData.TempFolder();
        TestData.CopyFolder(_run.Out, copy);
        File.WriteAllText(Path.Combine(copy, "checkpoint.json"), "{ \"epoch\": 2, ");

        var (code, _, errors) = TrainedRun.Train(_run.Options(3, resume: copy));

        Assert.Equal(1, code);
        Assert.StartsWith($"{Path.Combine(copy, "checkpoint.json")}: error: not a valid checkpoint", errors);
        NoStackTrace(errors);
        Assert.DoesNotContain("LineNumber", errors);
        Assert.DoesNotContain("System.", errors);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{ \"version\": \"one\" }")]
    [InlineData("not json at all")]
    public void Broken_checkpoint_json_is_not_a_valid_checkpoint_for_eval_too(string text)
    {
        string copy = TestData.TempFolder();
        TestData.CopyFolder(_run.Out, copy);
        string json = Path.Combine(copy, "checkpoint.json");
        File.WriteAllText(json, text);

        var errors = new StringWriter();
        int code = EvalCommand.Run(new EvalOptions(_run.NetFile, _run.Data, copy), new StringWriter(), errors);

        Assert.Equal(1, code);
        Assert.StartsWith($"{json}: error: not a valid checkpoint (expected the checkpoint.json that `netgen train` writes", errors.ToString());
        NoStackTrace(errors.ToString());
        Assert.DoesNotContain("System.", errors.ToString());
        Assert.DoesNotContain("JSON value", errors.ToString());
    }

    [Fact]
    public void Manifest_naming_a_file_outside_the_folder_is_not_a_valid_checkpoint()
    {
        string copy = TestData.TempFolder();
        TestData.CopyFolder(_run.Out, copy);
        string json = Path.Combine(copy, "checkpoint.json");
        File.WriteAllText(json, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(json), "\"weights\": \"[^\"]*\"", "\"weights\": \"../x.safetensors\""));

        var (code, _, errors) = TrainedRun.Train(_run.Options(3, resume: copy));

        Assert.Equal(1, code);
        Assert.StartsWith($"{json}: error: not a valid checkpoint", errors);
    }

    [Fact]
    public void Save_into_an_unwritable_folder_says_nothing_was_changed()
    {
        string parent = TestData.WriteFile(TestData.TempFolder(), "a-file", "not a folder");
        string folder = Path.Combine(parent, "run");

        var (code, _, errors) = TrainedRun.Train(new TrainOptions(_run.NetFile, _run.Data, 1, Out: folder));

        Assert.Equal(1, code);
        Assert.Equal($"{folder}: error: cannot write the checkpoint: {parent} is a file, not a folder; nothing was changed", errors.Trim());
        Assert.DoesNotContain(".tmp", errors);
    }

    [Fact]
    public void Eval_refuses_weights_from_another_step_than_the_manifest()
    {
        string copy = TestData.TempFolder();
        TestData.CopyFolder(_run.Out, copy);
        string json = Path.Combine(copy, "checkpoint.json");
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"step\": 24", "\"step\": 23"));

        var errors = new StringWriter();
        int code = EvalCommand.Run(new EvalOptions(_run.NetFile, _run.Data, copy), new StringWriter(), errors);

        Assert.Equal(1, code);
        Assert.Equal($"{TestData.CheckpointFile(copy)}: error: the file is from step 24, but checkpoint.json is at step 23: the checkpoint is incomplete", errors.ToString().Trim());
    }

    [Fact]
    public void Weights_and_state_from_different_steps_are_reported()
    {
        string copy = TestData.TempFolder();
        TestData.CopyFolder(_run.Out, copy);
        string json = Path.Combine(copy, "checkpoint.json");
        File.WriteAllText(json, File.ReadAllText(json).Replace("\"step\": 24", "\"step\": 23"));

        var (code, _, errors) = TrainedRun.Train(_run.Options(3, resume: copy));

        Assert.Equal(1, code);
        Assert.Contains("error: the file is from step 24, but checkpoint.json is at step 23: the checkpoint is incomplete", errors);
    }

    [Fact]
    public void Optimizer_option_compiles_that_optimizer_into_the_network()
    {
        using var sgd = NetworkCompiler.Compile(new CompileRequest(_run.NetFile, Optimizer: NetGen.Generator.Model.OptimizerKind.Sgd), TextWriter.Null);
        using var adam = NetworkCompiler.Compile(new CompileRequest(_run.NetFile), TextWriter.Null);

        // Momentum SGD keeps one velocity per trainable parameter, Adam two moments.
        Assert.Equal(6_810, sgd.CreateTrainable(1).Access.OptimizerState.Length);
        Assert.Equal(2 * 6_810, adam.CreateTrainable(1).Access.OptimizerState.Length);
        Assert.Equal(NetGen.Generator.Model.OptimizerKind.Sgd, sgd.Optimizer);
        Assert.Equal(NetGen.Generator.Model.OptimizerKind.Adam, sgd.DeclaredOptimizer);
    }
}
