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
        var (code, _, errors) = TrainedRun.Train(new TrainOptions(_run.NetFile, missing, 1, Out: TestData.TempFolder(), Cache: _run.Cache));

        Assert.Equal(2, code);
        Assert.Equal($"{missing}: error: data folder not found", errors.Trim());
    }

    [Fact]
    public void Data_folder_without_data()
    {
        string empty = TestData.TempFolder();
        var (code, _, errors) = TrainedRun.Train(new TrainOptions(_run.NetFile, empty, 1, Out: TestData.TempFolder(), Cache: _run.Cache));

        Assert.Equal(1, code);
        Assert.StartsWith($"{empty}: error: no data found: expected MNIST IDX files", errors);
        NoStackTrace(errors);
    }

    [Fact]
    public void Input_size_mismatch_names_both_shapes()
    {
        string net = TestData.WriteFile(TestData.TempFolder(), "wide.cnn", TestData.TinyNet.Replace("input 1x28x28", "input 1x32x32"));
        var (code, _, errors) = TrainedRun.Train(new TrainOptions(net, _run.Data, 1, Out: TestData.TempFolder(), Cache: TestData.Cache()));

        Assert.Equal(1, code);
        Assert.Equal($"{_run.Data}: error: the samples are (1, 28, 28) but the network's input is (1, 32, 32)", errors.Trim());
    }

    [Fact]
    public void Bad_cnn_file_prints_compiler_style_diagnostics()
    {
        string net = TestData.WriteFile(TestData.TempFolder(), "bad.cnn", TestData.TinyNet.Replace("conv2d(4, 3,", "conv2d(4, 99,"));
        var (code, _, errors) = TrainedRun.Train(new TrainOptions(net, _run.Data, 1, Out: TestData.TempFolder(), Cache: TestData.Cache()));

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
        int code = EvalCommand.Run(new EvalOptions(_run.NetFile, _run.Data, copy, Cache: _run.Cache), output, errors);

        Assert.Equal(1, code);
        Assert.StartsWith($"{weights}: error: ", errors.ToString());
        // The path once: the loader's own message also starts with it.
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(errors.ToString(), System.Text.RegularExpressions.Regex.Escape(weights)));
        NoStackTrace(errors.ToString());
    }

    [Fact]
    public void Corrupt_idx_file_is_named_once()
    {
        string data = TestData.TempFolder();
        TestData.CopyFolder(_run.Data, data);
        string images = Path.Combine(data, "train-images-idx3-ubyte");
        byte[] bytes = File.ReadAllBytes(images);
        bytes[3] = 0x01;
        File.WriteAllBytes(images, bytes);

        var (code, _, errors) = TrainedRun.Train(new TrainOptions(_run.NetFile, data, 1, Out: TestData.TempFolder(), Cache: _run.Cache));

        Assert.Equal(1, code);
        Assert.StartsWith($"{images}: error: ", errors);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(errors, System.Text.RegularExpressions.Regex.Escape(images)));
        NoStackTrace(errors);
    }

    [Fact]
    public void Corrupt_checkpoint_json()
    {
        string copy = TestData.TempFolder();
        TestData.CopyFolder(_run.Out, copy);
        File.WriteAllText(Path.Combine(copy, "checkpoint.json"), "{ \"epoch\": 2, ");

        var (code, _, errors) = TrainedRun.Train(_run.Options(3, resume: copy));

        Assert.Equal(1, code);
        Assert.Equal($"{Path.Combine(copy, "checkpoint.json")}: error: not a valid checkpoint: the file ends before its JSON does (line 1): it was cut short", errors.Trim());
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("[]", "the file must hold one JSON object { ... }, but it starts with a list (line 1)")]
    [InlineData("# not json", "malformed JSON at line 1, column 1")]
    [InlineData("{\n  \"version\": 1,\n  \"network\": \"TinyDigits\",,\n}", "malformed JSON at line 3, column 27")]
    [InlineData("{ \"version\": 1 } trailing", "unexpected text after the end of the JSON object (line 1)")]
    [InlineData("{\n  \"version\": \"one\"\n}", "\"version\" (line 2) is a string; expected a whole number")]
    [InlineData("{\n  \"network\": null\n}", "\"network\" (line 2) is null; expected a string")]
    [InlineData("{ \"inputShape\": [1, 2.5] }", "\"inputShape[1]\" (line 1) is the number 2.5; expected a whole number")]
    [InlineData("{ \"metrics\": [{ \"trainLoss\": \"low\" }] }", "\"metrics[0].trainLoss\" (line 1) is a string; expected a number")]
    [InlineData("{ \"version\": 7 }", "it is version 7; this netgen reads version 1")]
    [InlineData("{ \"version\": 1, \"network\": \"TinyDigits\" }", "\"batch\" must be a positive whole number, not 0")]
    public void Broken_checkpoint_json_says_what_is_wrong_in_our_words(string text, string what)
    {
        string copy = TestData.TempFolder();
        TestData.CopyFolder(_run.Out, copy);
        string json = Path.Combine(copy, "checkpoint.json");
        File.WriteAllText(json, text);

        var errors = new StringWriter();
        int code = EvalCommand.Run(new EvalOptions(_run.NetFile, _run.Data, copy, Cache: _run.Cache), new StringWriter(), errors);

        Assert.Equal(1, code);
        Assert.Equal($"{json}: error: not a valid checkpoint: {what}", errors.ToString().Trim());
        NoStackTrace(errors.ToString());
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
        Assert.Equal($"{json}: error: not a valid checkpoint: \"weights\" must name a file in the checkpoint folder, not '../x.safetensors'", errors.Trim());
    }

    // Tests run as root, for whom a read-only folder is still writable: a path under a regular
    // file cannot be created by anyone.
    [Fact]
    public void Output_folder_under_a_file_is_refused_before_training()
    {
        string parent = TestData.WriteFile(TestData.TempFolder(), "a-file", "not a folder");
        string folder = Path.Combine(parent, "run");

        var (code, output, errors) = TrainedRun.Train(new TrainOptions(_run.NetFile, _run.Data, 1, Out: folder, Cache: _run.Cache));

        Assert.Equal(1, code);
        Assert.Equal($"{folder}: error: cannot write to the output folder: {parent} is a file, not a folder; nothing was changed", errors.Trim());
        Assert.DoesNotContain("epoch 1/1", output);
        Assert.Equal("not a folder", File.ReadAllText(parent));
    }

    [Fact]
    public void Out_naming_a_file_is_refused_by_train_and_eval()
    {
        string file = TestData.WriteFile(TestData.TempFolder(), "out.txt", "mine");
        string expected = $"{file}: error: cannot write to the output folder: it is a file, not a folder; nothing was changed";

        var (code, _, errors) = TrainedRun.Train(new TrainOptions(_run.NetFile, _run.Data, 1, Out: file, Cache: _run.Cache));
        var evalErrors = new StringWriter();
        int evalCode = EvalCommand.Run(new EvalOptions(_run.NetFile, _run.Data, _run.Out, Out: file, Cache: _run.Cache), new StringWriter(), evalErrors);

        Assert.Equal(1, code);
        Assert.Equal(expected, errors.Trim());
        Assert.Equal(1, evalCode);
        Assert.Equal(expected, evalErrors.ToString().Trim());
        Assert.Equal("mine", File.ReadAllText(file));
    }

    [Fact]
    public void Failed_save_keeps_the_last_checkpoint_and_leaves_no_temporary_files()
    {
        string copy = Path.Combine(TestData.TempFolder(), "run");
        TestData.CopyFolder(_run.Out, copy);
        string manifest = File.ReadAllText(Path.Combine(copy, "checkpoint.json"));
        // A folder where epoch 3's weights go: the rename onto it fails, for root too.
        string blocker = Path.Combine(copy, "weights-000036.safetensors");
        Directory.CreateDirectory(blocker);

        var (code, _, errors) = TrainedRun.Train(_run.Options(3, resume: copy));

        Assert.Equal(1, code);
        Assert.Equal($"{copy}: error: cannot write the checkpoint: a folder is in the way of a file; nothing was changed", errors.Trim());
        Assert.Equal(manifest, File.ReadAllText(Path.Combine(copy, "checkpoint.json")));
        Assert.Equal(["optimizer-000024.safetensors", "weights-000024.safetensors"],
            Directory.GetFiles(copy).Select(Path.GetFileName).Where(n => n!.Contains(".safetensors") || n.EndsWith(".tmp")).Order());
        Directory.Delete(blocker);
        var (again, output, againErrors) = TrainedRun.Train(_run.Options(3, resume: copy));
        Assert.True(again == 0, againErrors);
        Assert.Contains("Resuming after epoch 2 (step 24)", output);
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
        // eval refuses the pair too, rather than reporting on weights the metadata does not describe.
        var evalErrors = new StringWriter();
        Assert.Equal(1, EvalCommand.Run(new EvalOptions(_run.NetFile, _run.Data, copy, Cache: _run.Cache), new StringWriter(), evalErrors));
        Assert.Equal($"{TestData.CheckpointFile(copy)}: error: the file is from step 24, but checkpoint.json is at step 23: the checkpoint is incomplete", evalErrors.ToString().Trim());
    }

    [Fact]
    public void Optimizer_option_compiles_that_optimizer_into_the_network()
    {
        using var sgd = NetworkCompiler.Compile(new CompileRequest(_run.NetFile, Optimizer: NetGen.Generator.Model.OptimizerKind.Sgd, Cache: _run.Cache), TextWriter.Null);
        using var adam = NetworkCompiler.Compile(new CompileRequest(_run.NetFile, Cache: _run.Cache), TextWriter.Null);

        // Momentum SGD keeps one velocity per trainable parameter, Adam two moments.
        Assert.Equal(6_810, sgd.CreateTrainable(1).OptimizerStateLength);
        Assert.Equal(2 * 6_810, adam.CreateTrainable(1).OptimizerStateLength);
        Assert.Equal(NetGen.Generator.Model.OptimizerKind.Sgd, sgd.Optimizer);
        Assert.Equal(NetGen.Generator.Model.OptimizerKind.Adam, sgd.DeclaredOptimizer);
    }
}
