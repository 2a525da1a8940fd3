using System.CommandLine;
using Xunit;

namespace NetGen.Cli.Tests;

/// <summary>
/// Every numeric or named-value option of every command, found from the root command (a new
/// option is covered without a change here), given values that are bad in one way or another:
/// the CLI, run in-process as the process runs it, either rejects the value as a usage error
/// (exit 2, "--option: error: 'value' is not ...") or runs with it; never a stack trace.
/// </summary>
public class OptionValueTests
{
    private static readonly string[] Values = ["abc", "-1", "0", "inf", "nan", "1e400", "99999999999"];

    private static readonly Lazy<Inputs> Files = new(() => new Inputs());

    /// <summary>A tiny network, 64 digits, and otherwise-valid arguments for each command (valid values train 1 epoch on them).</summary>
    private sealed class Inputs
    {
        public Inputs()
        {
            string folder = TestData.TempFolder();
            string net = TestData.WriteFile(folder, "tiny.cnn", TestData.TinyNet);
            string data = TestData.MnistFolder(64);
            string missing = Path.Combine(folder, "no-checkpoint");
            string[] cache = ["--cache", Path.Combine(folder, "cache")];
            Arguments = new()
            {
                ["summary"] = [net, .. cache],
                ["train"] = [net, "--data", data, "--epochs", "1", "--val-fraction", "0.25", "--out", Path.Combine(folder, "run"), .. cache],
                ["eval"] = [net, "--data", data, "--checkpoint", missing, .. cache],
                ["predict"] = [net, "--checkpoint", missing, "--input", Path.Combine(folder, "no-image.png"), .. cache],
                ["import"] = [Path.Combine(folder, "no-model.onnx"), "--out", Path.Combine(folder, "imported")],
                ["export"] = [net, "--weights", Path.Combine(folder, "no-weights.safetensors"), "--out", Path.Combine(folder, "model.onnx"), .. cache],
            };
        }

        /// <summary>Per command: its argument, then option/value pairs.</summary>
        public Dictionary<string, string[]> Arguments { get; }
    }

    private static IEnumerable<Command> Commands(Command command) =>
        new[] { command }.Concat(command.Subcommands.SelectMany(Commands));

    private static object? CustomParser(Option option) => option.GetType().GetProperty("CustomParser")?.GetValue(option);

    private static bool IsNumeric(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive && type != typeof(bool) && type != typeof(char) || type == typeof(decimal);
    }

    /// <summary>The options whose values are checked: numbers, and names from a list (those have a parser).</summary>
    private static bool IsChecked(Option option) => option.ValueType != typeof(bool) && (IsNumeric(option.ValueType) || CustomParser(option) is not null);

    public static TheoryData<string, string, string> Cases()
    {
        var cases = new TheoryData<string, string, string>();
        foreach (var command in Commands(Cli.CreateRoot()))
            foreach (var option in command.Options.Where(IsChecked))
                foreach (string value in Values)
                    cases.Add(command.Name, option.Name, value);
        return cases;
    }

    [Fact]
    public void Every_numeric_option_is_parsed_by_the_shared_checks()
    {
        var options = Commands(Cli.CreateRoot()).SelectMany(c => c.Options).Where(o => IsNumeric(o.ValueType)).ToList();
        Assert.NotEmpty(options);
        Assert.All(options, option => Assert.True(CustomParser(option) is not null, $"{option.Name} has no parser that checks its values (use OptionValues)"));
        Assert.True(Cases().Count() >= 10 * Values.Length);
    }

    [Fact]
    public void Every_command_has_test_arguments()
    {
        foreach (var command in Commands(Cli.CreateRoot()).Where(c => c.Action is not null && c is not RootCommand))
            Assert.True(Files.Value.Arguments.ContainsKey(command.Name), $"no arguments for `netgen {command.Name}` in {nameof(OptionValueTests)}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_values_are_usage_errors_never_exceptions(string command, string option, string value)
    {
        var args = WithOption(Files.Value.Arguments[command], option, value).Prepend(command).ToArray();
        var output = new StringWriter();
        var errors = new StringWriter();
        bool rejected = Cli.CreateRoot().Parse(args).Errors.Count > 0;

        int code = Cli.Run(args, output, errors);

        string all = output + "\n" + errors;
        Assert.DoesNotContain("Unhandled exception", all);
        Assert.DoesNotContain("   at ", all);
        Assert.DoesNotContain("System.", all);
        Assert.Contains(code, new[] { 0, 1, 2 });
        if (rejected)
        {
            Assert.Equal(2, code);
            Assert.StartsWith($"{option}: error: '{value}' is not ", errors.ToString());
            Assert.Contains("; expected ", errors.ToString());
        }
        else if (command == "train")
        {
            // A valid value trains its one epoch, or stops with the divergence error (a huge --lr).
            bool diverged = code == 1 && errors.ToString().Contains("error: training diverged at epoch 1");
            Assert.True(code == 0 || diverged, $"a valid {option} {value} should train its one epoch: {errors}");
        }
    }

    [Fact]
    public void Defaults_apply_when_the_option_is_not_given()
    {
        var parse = Cli.CreateRoot().Parse(["predict", "net.cnn", "--checkpoint", "c", "--input", "i"]);
        Assert.Empty(parse.Errors);
        Assert.Equal(3, parse.GetValue<int>("--top"));
        Assert.Equal(10, parse.GetValue<int>("--count"));
        var train = Cli.CreateRoot().Parse(["train", "net.cnn", "--data", "d", "--seed", "18446744073709551615", "--lr", "0.5", "--val-fraction", "0.2"]);
        Assert.Empty(train.Errors);
        Assert.Equal(10, train.GetValue<int>("--epochs"));
        Assert.Equal(ulong.MaxValue, train.GetValue<ulong?>("--seed"));
        Assert.Equal(0.5f, train.GetValue<float?>("--lr"));
        Assert.Equal(0.2, train.GetValue<double?>("--val-fraction"));
        Assert.Null(train.GetValue<int?>("--batch"));
    }

    [Fact]
    public void Valid_names_are_accepted_and_others_listed()
    {
        var errors = new StringWriter();
        int code = Cli.Run(["summary", "net.cnn", "--optimizer", "Adam"], TextWriter.Null, errors);
        Assert.Equal(2, code);
        Assert.StartsWith("--optimizer: error: 'Adam' is not an optimizer; expected one of none, sgd, adam", errors.ToString());
        Assert.Empty(Cli.CreateRoot().Parse(["summary", "net.cnn", "--optimizer", "sgd"]).Errors);
    }

    /// <summary>The arguments with <paramref name="option"/> set to <paramref name="value"/> (replacing a value they give it).</summary>
    private static IEnumerable<string> WithOption(string[] arguments, string option, string value)
    {
        var list = arguments.ToList();
        int at = list.IndexOf(option);
        if (at >= 0) list.RemoveRange(at, 2);
        return list.Concat([option, value]);
    }
}
