using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace NetGen.Cli.Commands;

/// <summary>
/// Options whose values are checked while the command line is parsed: a value that does not
/// parse or is out of range becomes a parse error ("--epochs: error: 'abc' is not an epoch
/// count; expected an integer from 1 to 1000000"), which the CLI prints with exit code 2 instead
/// of an exception. Every numeric or named-value option of the commands comes from here.
/// </summary>
internal static class OptionValues
{
    /// <summary>Parses one option value; false when it is not a valid one.</summary>
    public delegate bool TryParse<T>(string text, out T value);

    /// <summary>A count from 1 to <paramref name="max"/>, defaulting to <paramref name="defaultValue"/>.</summary>
    public static Option<int> Count(string name, string description, string noun, int max, int defaultValue) =>
        Checked(new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue },
            noun, $"an integer from 1 to {max}", (string text, out int value) => TryInteger(text, max, out value));

    /// <summary>A count from 1 to <paramref name="max"/>, or null when not given.</summary>
    public static Option<int?> OptionalCount(string name, string description, string noun, int max) =>
        Checked(new Option<int?>(name) { Description = description },
            noun, $"an integer from 1 to {max}", OrNull((string text, out int value) => TryInteger(text, max, out value)));

    /// <summary>A finite number greater than 0 (a learning rate), or null when not given.</summary>
    public static Option<float?> Positive(string name, string description, string noun) =>
        Checked(new Option<float?>(name) { Description = description },
            noun, "a finite number greater than 0", OrNull((string text, out float value) =>
                float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value) && value > 0));

    /// <summary>A number strictly between 0 and 1 (a share of the data), or null when not given.</summary>
    public static Option<double?> Fraction(string name, string description, string noun) =>
        Checked(new Option<double?>(name) { Description = description },
            noun, "a number greater than 0 and less than 1", OrNull((string text, out double value) =>
                double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && value > 0 && value < 1));

    /// <summary>A random seed: an integer from 0 to <see cref="ulong.MaxValue"/>, or null when not given.</summary>
    public static Option<ulong?> Seed(string description) =>
        Checked(new Option<ulong?>("--seed") { Description = description },
            "a seed", $"an integer from 0 to {ulong.MaxValue}", OrNull((string text, out ulong value) =>
                ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)));

    /// <summary>One of <paramref name="names"/> (exactly as written there), or null when not given.</summary>
    public static Option<string?> OneOf(string name, string description, string noun, string[] names)
    {
        var option = Checked(new Option<string?>(name) { Description = description, HelpName = string.Join("|", names) },
            noun, "one of " + string.Join(", ", names), (string text, out string? value) =>
            {
                value = text;
                return Array.IndexOf(names, text) >= 0;
            });
        option.CompletionSources.Add(names);
        return option;
    }

    /// <summary>
    /// A named value that <paramref name="tryParse"/> reads (a device, an enum the runtime parses), defaulting to
    /// <paramref name="defaultValue"/>; a bad value's error lists <paramref name="expected"/> (e.g. "cpu, cuda or auto").
    /// </summary>
    public static Option<T> Named<T>(string name, string description, string noun, string expected, string[] completions,
        T defaultValue, TryParse<T> tryParse)
    {
        var option = Checked(new Option<T>(name) { Description = description, HelpName = string.Join("|", completions), DefaultValueFactory = _ => defaultValue },
            noun, expected, tryParse);
        option.CompletionSources.Add(completions);
        return option;
    }

    /// <summary>Gives <paramref name="option"/> a parser that reports a value <paramref name="tryParse"/> rejects as a parse error.</summary>
    private static Option<T> Checked<T>(Option<T> option, string noun, string expected, TryParse<T> tryParse)
    {
        option.CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
                return option.DefaultValueFactory is { } defaultValue ? defaultValue(result) : default;
            string text = result.Tokens[^1].Value;
            if (tryParse(text.Trim(), out T value)) return value;
            result.AddError($"{option.Name}: error: '{text}' is not {noun}; expected {expected}");
            return default;
        };
        return option;
    }

    /// <summary>The parser of a nullable option from that of its value type.</summary>
    private static TryParse<T?> OrNull<T>(TryParse<T> tryParse) where T : struct => (string text, out T? value) =>
    {
        bool ok = tryParse(text, out T parsed);
        value = parsed;
        return ok;
    };

    private static bool TryInteger(string text, int max, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= max;
}
